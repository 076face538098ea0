"""Settings: defaults here, overridden from the environment, then by a test config."""
import dataclasses
import os
import secrets
from functools import lru_cache
from pathlib import Path

from app.domain.deadlines import Calendar, Clocks

# Every clock's setting (YIMA_ + the name) and its default, from the one definition: Clocks.
CLOCK_DEFAULTS = {f.name.upper(): f.default for f in dataclasses.fields(Clocks) if f.name != "calendar"}


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


def _env_list(name: str) -> list[str] | None:
    values = [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]
    return values or None


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
        "SECRET_KEY_FROM_ENV": bool(env.get("SECRET_KEY")),
        "YIMA_ENV": env.get("YIMA_ENV", "development"),
        # Reverse proxies in front of the app (load balancer, nginx): 0 trusts no X-Forwarded-*.
        "PROXIES": _env_int("YIMA_PROXIES", 0),
        "TRUSTED_HOSTS": _env_list("TRUSTED_HOSTS"),
        "LOG_LEVEL": env.get("YIMA_LOG_LEVEL", "INFO").upper(),
        # One JSON line per request from the app; gunicorn.conf.py turns it off while its own
        # access line (the same fields) is on, so no request is logged twice.
        "REQUEST_LOG": env.get("YIMA_REQUEST_LOG", "1") != "0",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "COUNTY_NAME": env.get("YIMA_COUNTY_NAME", "余姚市"),
        "COUNTY_NAME_EN": env.get("YIMA_COUNTY_NAME_EN", "Yuyao City"),  # English pages' footer
        "YIMA_CJK_FONT": env.get("YIMA_CJK_FONT") or None,  # else the system font folders
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": env.get("YIMA_TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ("zh_Hans_CN", "en"),
        # An empty REDIS_URL is a mistake, not a choice of in-memory limits: both read as unset.
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,  # a 429 still says Retry-After (app/core/errors.py)
        "TRACK_RATE_LIMIT": env.get("YIMA_TRACK_RATE_LIMIT", "10 per minute;60 per hour"),
        "TRACK_CODE_RATE_LIMIT": env.get("YIMA_TRACK_CODE_RATE_LIMIT", "10 per hour"),
        "SUBMIT_RATE_LIMIT": env.get("YIMA_SUBMIT_RATE_LIMIT", "120 per hour"),
        "SUBMIT_FORM_RATE_LIMIT": env.get("YIMA_SUBMIT_FORM_RATE_LIMIT", "10 per hour"),
        "LOGIN_RATE_LIMIT": env.get("YIMA_LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "FEEDBACK_RATE_LIMIT": env.get("YIMA_FEEDBACK_RATE_LIMIT", "20 per hour"),
        "OPEN311_RATE_LIMIT": env.get("YIMA_OPEN311_RATE_LIMIT", "300 per hour"),
        "OPEN311_CONTACT": env.get("YIMA_OPEN311_CONTACT", ""),  # empty: the county and PUBLIC_BASE_URL
        "OPEN311_TYPE": env.get("YIMA_OPEN311_TYPE", "production"),
        "WTF_CSRF_TIME_LIMIT": _env_int("YIMA_CSRF_TIME_LIMIT", 3600 * 4),
        # Not the Referer (some in-app browsers strip it): app/core/guards.py checks the Origin.
        "WTF_CSRF_SSL_STRICT": False,
        # Poster scans are written in batches (app/citizen/scans.py): this many, or the oldest this old.
        "SCAN_BATCH": _env_int("YIMA_SCAN_BATCH", 50),
        "SCAN_FLUSH_SECONDS": _env_int("YIMA_SCAN_FLUSH_SECONDS", 5),
        # Empty forms and tracking pages are kept rendered this long per worker (app/citizen/pages.py).
        "PAGE_CACHE_SECONDS": _env_int("YIMA_PAGE_CACHE_SECONDS", 30),
        # Telling people (app/notify): citizens' SMS, units' robots and e-mail, the outbox.
        "SMS_PROVIDER": env.get("YIMA_SMS_PROVIDER", "log"),  # log, http or tencent
        "SMS_URL": env.get("YIMA_SMS_URL", ""),  # the http provider's gateway
        "SMS_SECRET": env.get("YIMA_SMS_SECRET", ""),  # its HMAC key
        "SMS_QUIET_HOURS": env.get("YIMA_SMS_QUIET_HOURS", "21:00-08:00"),  # local; empty: none
        "SMS_DAILY_CAP": _env_int("YIMA_SMS_DAILY_CAP", 20),  # per phone per local day
        # The `tencent` provider (app/notify/tencent.py): Tencent Cloud SMS's API keys, app,
        # approved signature and templates ("receipt=123,accepted=456"; "receipt.en=789" for
        # English filers), and where its API is (a test points it at http://127.0.0.1:port).
        "TENCENT_SECRET_ID": env.get("YIMA_TENCENT_SECRET_ID", ""),
        "TENCENT_SECRET_KEY": env.get("YIMA_TENCENT_SECRET_KEY", ""),
        "TENCENT_SMS_APP_ID": env.get("YIMA_TENCENT_SMS_APP_ID", ""),  # SmsSdkAppId, e.g. 1400006666
        "TENCENT_SMS_SIGN": env.get("YIMA_TENCENT_SMS_SIGN", ""),  # the approved signature's name
        "TENCENT_SMS_TEMPLATES": env.get("YIMA_TENCENT_SMS_TEMPLATES", ""),
        "TENCENT_REGION": env.get("YIMA_TENCENT_REGION", "ap-guangzhou"),
        "TENCENT_ENDPOINT": env.get("YIMA_TENCENT_ENDPOINT", "sms.tencentcloudapi.com"),
        "TENCENT_SCHEME": env.get("YIMA_TENCENT_SCHEME", "https"),
        "SMTP_URL": env.get("YIMA_SMTP_URL", ""),  # smtp://host:port, smtps://user:pass@host
        # Where messages may go (app/notify/settings.py checks at start, each send again):
        # SMTP, SMS and Tencent at loopback or private addresses (and the gateways over http)
        # only with NOTIFY_PRIVATE_OK; robots at their documented hosts or the ROBOT_HOSTS an
        # operator names (a private 浙政钉), those at private addresses only with ROBOT_PRIVATE_OK.
        "NOTIFY_PRIVATE_OK": env.get("YIMA_NOTIFY_PRIVATE_OK", "") == "1",
        "ROBOT_HOSTS": tuple(h.lower() for h in _env_list("YIMA_ROBOT_HOSTS") or ()),
        "ROBOT_PRIVATE_OK": env.get("YIMA_ROBOT_PRIVATE_OK", "") == "1",
        "ROBOT_CA_FILE": env.get("YIMA_ROBOT_CA_FILE", ""),  # a private deployment's CA, besides the system's
        "MAIL_FROM": env.get("YIMA_MAIL_FROM", "yima@localhost"),
        "NOTIFY_MAX_ATTEMPTS": _env_int("YIMA_NOTIFY_MAX_ATTEMPTS", 10),  # then the message is dead
        "NOTIFY_TIMEOUT": float(env.get("YIMA_NOTIFY_TIMEOUT", "10")),  # seconds per delivery
        "DIGEST_HOUR": _env_int("YIMA_DIGEST_HOUR", 8),  # local hour of the units' daily digest
        "MAX_CONTENT_LENGTH": 256 * 1024,  # the forms that take files allow more (app/core/uploads.py)
        # Attached files (app/storage.py): a folder outside static/, or an S3-compatible bucket.
        "UPLOAD_DIR": env.get("YIMA_UPLOAD_DIR") or str(Path(instance_path) / "uploads"),
        "S3_URL": env.get("YIMA_S3_URL", ""),  # e.g. https://s3.example.com; empty: AWS's own
        "S3_BUCKET": env.get("YIMA_S3_BUCKET", ""),  # set: the bucket is used instead of the folder
        "S3_KEY_ID": env.get("YIMA_S3_KEY_ID", ""),
        "S3_SECRET": env.get("YIMA_S3_SECRET", ""),
        "S3_REGION": env.get("YIMA_S3_REGION", "us-east-1"),
        # The most cases one inbox export holds; a larger one is refused (app/core/bounds.py).
        "EXPORT_MAX_ROWS": _env_int("YIMA_EXPORT_MAX_ROWS", 50_000),
        "MAX_FORM_PARTS": 200,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # SESSION_COOKIE_SECURE follows the final PUBLIC_BASE_URL (see app/core/serving.py).
        "STAFF_IDLE_MINUTES": _env_int("YIMA_STAFF_IDLE_MINUTES", 30),
        "STAFF_MAX_HOURS": _env_int("YIMA_STAFF_MAX_HOURS", 12),
        # Retention (PIPL): personal data of ended cases, and the audit trail (never < 183 days).
        "RETENTION_DAYS": _env_int("YIMA_RETENTION_DAYS", 730),
        "AUDIT_RETENTION_DAYS": _env_int("YIMA_AUDIT_RETENTION_DAYS", 365),
        # Statutory and policy clocks (信访工作条例), each defaulting to app/domain/deadlines.py Clocks.
        **{setting: _env_int("YIMA_" + setting, default) for setting, default in CLOCK_DEFAULTS.items()},
        "HOLIDAYS": tuple(filter(None, env.get("YIMA_HOLIDAYS", "").split(","))),
        "MAKEUP_WORKDAYS": tuple(filter(None, env.get("YIMA_MAKEUP_WORKDAYS", "").split(","))),
    }


def clocks(config) -> Clocks:
    """Every clock as configured (YIMA_ACCEPT_DAYS ... YIMA_DUE_SOON_DAYS), built once per
    configuration: views, services, messages and exports all read the same numbers."""
    key = (config["BABEL_DEFAULT_TIMEZONE"], tuple(config["HOLIDAYS"]), tuple(config["MAKEUP_WORKDAYS"]),
           tuple(config[setting] for setting in CLOCK_DEFAULTS))
    return _clocks(key)


@lru_cache(maxsize=8)
def _clocks(key) -> Clocks:
    zone, holidays, makeup, values = key
    calendar = Calendar.from_strings(zone, holidays, makeup)
    return Clocks(calendar=calendar, **{setting.lower(): value for setting, value in zip(CLOCK_DEFAULTS, values)})
