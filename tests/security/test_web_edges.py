"""Edges of the web: a malformed Host is a plain 400 (never a crashed error page), a foreign one
is turned away in production, /healthz answers a load balancer's own address, and the form is
never kept by a shared cache."""
import logging

import pytest

from app import create_app
from app.core.extensions import db

HOSTILE = ["a" * 64 + ".example.com", "yima.example.gov.cn:99999", "[::1", "ex ample.com", "例子.测试",
           "x" * 300, "yima.example.gov.cn:80:80", "-bad.example.com", "yima..example.gov.cn"]


def _app(app, **config):
    base = {k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "RATELIMIT_STORAGE_URI")}
    return create_app({**base, "SECRET_KEY": "s" * 40, "PUBLIC_BASE_URL": "https://yima.example.gov.cn", **config})


@pytest.fixture(params=["development", "production"])
def served(request, app):
    other = _app(app, YIMA_ENV=request.param)
    yield request.param, other.test_client()
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("host", HOSTILE)
def test_a_malformed_host_is_a_plain_400_on_every_page(served, host):
    _env, client = served
    for path in ("/", "/p/YMQ2K8", "/staff/", "/no/such/page", "/healthz"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (host, path)
        assert "请求的网址无效" in response.get_data(as_text=True)


def test_production_answers_only_its_public_host_and_redirects_stay_home(served):
    env, client = served
    home = client.get("/staff/", headers={"Host": "yima.example.gov.cn"})
    assert home.status_code == 302 and home.headers["Location"].startswith("/staff/login")
    foreign = client.get("/staff/", headers={"Host": "evil.example.com"})
    if env == "production":
        assert foreign.status_code == 400 and "Location" not in foreign.headers
    else:  # a local demo answers any well-formed host, and still redirects by path only
        assert foreign.status_code == 302 and foreign.headers["Location"].startswith("/staff/login")
    health = client.get("/healthz", headers={"Host": "10.0.0.7:8000"})
    assert health.status_code == 200 and health.get_json()["status"] == "ok"


def test_an_explicit_trusted_hosts_setting_wins_in_production(app):
    other = _app(app, YIMA_ENV="production", TRUSTED_HOSTS=["yima.example.gov.cn", "12345.yuyao.gov.cn"])
    client = other.test_client()
    assert client.get("/", headers={"Host": "12345.yuyao.gov.cn"}).status_code == 200
    assert client.get("/", headers={"Host": "yima.example.gov.cn"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example.com"}).status_code == 400
    with other.app_context():
        db.engine.dispose()


def test_gunicorn_warns_when_a_proxy_count_meets_a_bind_on_every_address(monkeypatch, caplog):
    from tests.ops.test_serving import _gunicorn_conf

    conf = _gunicorn_conf()
    assert conf.listens_everywhere(["0.0.0.0:8000"]) and conf.listens_everywhere(["[::]:8000"])
    assert not conf.listens_everywhere(["127.0.0.1:8000", "unix:/run/yima.sock"])

    class Server:
        log = logging.getLogger("gunicorn-test")

        class cfg:
            bind, preload_app = ["0.0.0.0:8000"], False

    monkeypatch.setenv("YIMA_PROXIES", "1")
    with caplog.at_level(logging.WARNING, logger="gunicorn-test"):
        conf.when_ready(Server)
    assert "YIMA_PROXIES is set but gunicorn listens on every address (0.0.0.0:8000)" in caplog.text
    caplog.clear()
    Server.cfg.bind = ["127.0.0.1:8000"]
    conf.when_ready(Server)
    assert caplog.text == ""


@pytest.mark.parametrize("path", ["/p/YMQ2K8", "/submit"])
def test_the_form_with_its_one_time_key_is_never_kept_by_a_shared_cache(client, path):
    first, second = client.get(path), client.get(path)
    assert first.headers["Cache-Control"] == "no-store" and first.headers["Pragma"] == "no-cache"
    keys = [r.get_data(as_text=True).split('name="submission_key" type="hidden" value="')[1][:20]
            for r in (first, second)]
    assert keys[0] != keys[1]  # each visitor's own key, which a cache would hand to the next
