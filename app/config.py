"""Settings: defaults here, overridden from the environment, then by a test config."""
import os
import secrets
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _persistent_secret(instance_path: str) -> str:
    """Make a random key once and keep it under instance/, so restarts log nobody out."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two workers starting together agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def load_config(instance_path: str) -> dict:
    """Build the settings from the environment, with safe defaults for a local demo."""
    env = os.environ
    database_url = env.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "yima.sqlite3")
    )
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; a plain URL should just work.
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _persistent_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "COUNTY_NAME": env.get("YIMA_COUNTY_NAME", "余姚市"),
        "YIMA_CJK_FONT": env.get("YIMA_CJK_FONT") or None,  # else the system font folders
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": env.get("YIMA_TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ("zh_Hans_CN", "en"),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "TRACK_RATE_LIMIT": env.get("YIMA_TRACK_RATE_LIMIT", "10 per minute;60 per hour"),
        "SUBMIT_RATE_LIMIT": env.get("YIMA_SUBMIT_RATE_LIMIT", "20 per hour"),
        "LOGIN_RATE_LIMIT": env.get("YIMA_LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "FEEDBACK_RATE_LIMIT": env.get("YIMA_FEEDBACK_RATE_LIMIT", "20 per hour"),
        "WTF_CSRF_TIME_LIMIT": _env_int("YIMA_CSRF_TIME_LIMIT", 3600 * 4),
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_PARTS": 200,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("PUBLIC_BASE_URL", "").startswith("https://"),
        # Statutory clocks (信访工作条例), in calendar days unless named otherwise.
        "ACCEPT_DAYS": _env_int("YIMA_ACCEPT_DAYS", 15),
        "RETURN_WORKING_DAYS": _env_int("YIMA_RETURN_WORKING_DAYS", 5),
        "HOLIDAYS": tuple(filter(None, env.get("YIMA_HOLIDAYS", "").split(","))),
        "MAKEUP_WORKDAYS": tuple(filter(None, env.get("YIMA_MAKEUP_WORKDAYS", "").split(","))),
    }


def clocks(config) -> "Clocks":
    """The statutory clocks as configured."""
    from app.domain.deadlines import Calendar, Clocks

    calendar = Calendar.from_strings(
        config["BABEL_DEFAULT_TIMEZONE"], config["HOLIDAYS"], config["MAKEUP_WORKDAYS"]
    )
    return Clocks(calendar=calendar, accept_days=config["ACCEPT_DAYS"],
                  return_working_days=config["RETURN_WORKING_DAYS"])
