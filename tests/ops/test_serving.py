"""Production serving: refusal to run unsafely, ProxyFix, trusted hosts, HSTS, cookies, gunicorn."""
import importlib.util
import json
import os
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.core.extensions import db
from app.models import AuditEvent
from app.core.serving import UnsafeConfiguration
from tests.conftest import PASSWORD, hidden_fields, login

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 40


def _app(app, **config):
    """A second app on the test database with some settings changed."""
    base = {k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
                                        "PUBLIC_BASE_URL", "RATELIMIT_STORAGE_URI")}
    other = create_app({**base, **config})
    return other


def _dispose(other):
    with other.app_context():
        db.engine.dispose()


def test_production_refuses_debug_mode(monkeypatch):
    monkeypatch.setenv("YIMA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(UnsafeConfiguration, match="debug"):
        create_app()


def test_production_refuses_a_secret_key_made_on_first_start(monkeypatch):
    monkeypatch.setenv("YIMA_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_an_explicit_key_and_no_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("YIMA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    other = create_app()
    assert not other.debug and other.config["SECRET_KEY"] == STRONG_KEY
    _dispose(other)


def _failed_login_address(app, client, **headers) -> str:
    data = {**hidden_fields(client.get("/staff/login").get_data(as_text=True)),
            "username": "nobody", "password": "wrong password"}
    client.post("/staff/login", data=data, headers=headers)
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent.address).order_by(AuditEvent.id.desc())).first()


def test_without_proxies_forwarded_headers_are_ignored(app):
    client = app.test_client()
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert _failed_login_address(app, client, **spoofed) == "127.0.0.1"
    assert "Strict-Transport-Security" not in client.get("/", headers=spoofed).headers


def test_one_proxy_is_trusted_for_one_hop_only(app):
    other = _app(app, PROXIES=1)
    client = other.test_client()
    # The client made up the first address; our load balancer appended the real one.
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    assert _failed_login_address(other, client, **headers) == "203.0.113.9"
    assert "Strict-Transport-Security" not in client.get("/", headers=headers).headers
    hsts = client.get("/", headers={**headers, "X-Forwarded-Proto": "https"}).headers[
        "Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 365 * 86400
    _dispose(other)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" in client.get("/", base_url="https://yima.example.gov.cn").headers
    assert "Strict-Transport-Security" not in client.get("/", base_url="http://yima.example.gov.cn").headers


def test_trusted_hosts_turn_away_a_forged_host(app):
    other = _app(app, TRUSTED_HOSTS=["yima.example.gov.cn"])
    client = other.test_client()
    assert client.get("/", base_url="https://yima.example.gov.cn").status_code == 200
    assert client.get("/", base_url="https://evil.example.com").status_code == 400
    _dispose(other)


def test_session_and_remember_cookies_are_secure_httponly_lax_and_short(app, staff):
    client = app.test_client()
    data = {**hidden_fields(client.get("/staff/login").get_data(as_text=True)),
            "username": "yangming", "password": PASSWORD, "remember": "y"}
    response = client.post("/staff/login", data=data)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        flags = cookies[name]
        assert "Secure" in flags and "HttpOnly" in flags and "SameSite=Lax" in flags, flags
    expires = parsedate_to_datetime(cookies["remember_token"].split("Expires=")[1].split(";")[0])
    assert expires <= datetime.now(timezone.utc) + timedelta(days=14, minutes=1)


def test_cookies_are_not_secure_on_a_plain_http_address(app, staff):
    other = _app(app, PUBLIC_BASE_URL="http://127.0.0.1:5000")
    response = login(other.test_client(), "yangming")
    assert "Secure" not in response.headers["Set-Cookie"]
    _dispose(other)


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_workers_follow_the_cores_up_to_a_cap(monkeypatch):
    for name in ("YIMA_WORKER_TIMEOUT", "YIMA_GRACEFUL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    conf = _gunicorn_conf()
    assert conf.worker_count(2, 8) == 5
    assert conf.worker_count(16, 8) == 8
    assert (conf.timeout, conf.graceful_timeout) == (30, 30)  # the defaults: a request's bound, a restart's


def test_gunicorn_access_log_has_no_query_and_no_token():
    from gunicorn.config import Config

    conf = _gunicorn_conf()
    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    logger = conf.RedactingLogger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/t/AbCdEfGhIjKlMnOpQrStUvWxYz012345?phone=13812345678",
               "PATH_INFO": "/t/AbCdEfGhIjKlMnOpQrStUvWxYz012345", "QUERY_STRING": "phone=13812345678",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.2",
               "HTTP_REFERER": "https://yima.example.gov.cn/t/AbCdEfGhIjKlMnOpQrStUvWxYz012345?a=1"}

    class Response:
        status, sent, headers = "200 OK", 123, [("X-Request-ID", "abc12345")]

    atoms = logger.atoms_wrapper_class(logger.atoms(Response, [], environ, timedelta(milliseconds=7)))
    line = conf.access_log_format % atoms
    assert "/t/…" in line and "AbCdEf" not in line and "13812345678" not in line and "?" not in line
    assert '"GET /t/… HTTP/1.1" 200 123 7ms' in line and "abc12345" in line


def test_under_gunicorn_each_request_is_one_json_line_with_the_apps_fields(tmp_path, monkeypatch):
    from gunicorn.config import Config

    monkeypatch.delenv("YIMA_REQUEST_LOG", raising=False)
    monkeypatch.delenv("YIMA_ACCESS_LOG", raising=False)
    conf = _gunicorn_conf()
    assert conf.raw_env == ["YIMA_REQUEST_LOG=0"]  # gunicorn's line is the request's line: the app writes none
    monkeypatch.setenv("YIMA_ACCESS_LOG", "")
    assert _gunicorn_conf().raw_env == []  # no access log: the app's own line stays
    cfg = Config()
    for name in ("access_log_format", "accesslog", "errorlog"):
        cfg.set(name, getattr(conf, name) if name == "access_log_format" else str(tmp_path / f"{name}.log"))
    logger = conf.RedactingLogger(cfg)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/t/AbCdEfGhIjKlMnOpQrStUvWxYz012345/rate?x=1",
               "PATH_INFO": "/t/AbCdEfGhIjKlMnOpQrStUvWxYz012345/rate", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "10.0.0.2", "HTTP_USER_AGENT": "phone 13812345678", "yima.user_id": 7}

    class Response:
        status, sent, headers = "303 SEE OTHER", 0, [("X-Request-ID", "abc12345")]

    logger.access(Response, [], environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = json.loads((tmp_path / "accesslog.log").read_text().strip())
    assert line["logger"] == "gunicorn.access" and line["request_id"] == "abc12345"
    assert (line["method"], line["path"], line["status"], line["duration_ms"], line["user_id"]) == (
        "POST", "/t/…/rate", 303, 12.0, 7)
    text = json.dumps(line, ensure_ascii=False)
    assert "AbCdEf" not in text and "13812345678" not in text and "x=1" not in text


def test_the_app_writes_no_request_line_of_its_own_when_the_server_does(app, client, caplog):
    app.config["REQUEST_LOG"] = False
    try:
        with caplog.at_level("INFO", logger="yima.request"):
            response = client.get("/healthz")
        assert response.headers["X-Request-ID"]  # still returned, and in gunicorn's line
        assert not [r for r in caplog.records if r.name == "yima.request"]
    finally:
        app.config["REQUEST_LOG"] = True
    with caplog.at_level("INFO", logger="yima.request"):
        client.get("/healthz")
    assert [r for r in caplog.records if r.name == "yima.request"]


def test_production_gunicorn_refuses_to_face_clients_without_a_named_proxy(tmp_path):
    """A dozen slow clients take a bare sync gunicorn down: in production it starts only with
    YIMA_FRONT naming the proxy that reads whole requests in front of it."""
    import subprocess
    import sys

    from deploy import cluster

    port = cluster.free_port()
    env = {**os.environ, "YIMA_ENV": "production", "SECRET_KEY": "s" * 48, "YIMA_WORKERS": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path}/yima.sqlite3", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "PUBLIC_BASE_URL": "https://yima.example.gov.cn", "TRUSTED_HOSTS": "127.0.0.1"}
    env.pop("YIMA_FRONT", None)
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
    refused = subprocess.run(gunicorn, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "YIMA_FRONT" in refused.stdout + refused.stderr
    started = subprocess.Popen(gunicorn, env={**env, "YIMA_FRONT": "nginx"}, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        cluster.wait_for(f"http://127.0.0.1:{port}/healthz", started, "gunicorn behind nginx")
    finally:
        cluster.stop_group(started, grace=10)
