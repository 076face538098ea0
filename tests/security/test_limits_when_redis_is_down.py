"""What each rate limit does when Redis is down, through real gunicorn workers.

Staff sign-in fails closed (503, nobody signs in); a citizen's submission fails open (saved,
counted per worker in memory, a warning logged); lookup and feedback fail open the same way.
"""
import sqlalchemy as sa

from app.models import Suggestion
from tests.security.server import TcpProxy, free_port, open_form, request
from tests.web.helpers import VALID

PASSWORD = "correct horse battery"


def sign_in(server, cookies):
    token = open_form(server, "/staff/login", cookies)["csrf_token"]
    return request(server, "POST", "/staff/login", cookies=cookies,
                   form={"csrf_token": token, "username": "yangming", "password": PASSWORD})


def submit(server):
    cookies = {}
    return request(server, "POST", "/p/YMQ2K8", cookies=cookies, form={**open_form(server, "/p/YMQ2K8", cookies), **VALID})


def count_cases(session):
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(Suggestion))


def test_with_redis_unreachable_sign_in_is_refused_and_citizens_are_served(gunicorn, staff, session):
    server = gunicorn(workers=2, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    cookies = {}
    refused = sign_in(server, cookies)
    assert refused.status == 503 and refused.headers.get("retry-after") == "30"
    assert "登录暂时不可用，请稍后再试。" in refused.text and "<form" not in refused.text
    assert request(server, "GET", "/staff/", cookies=cookies).status == 302  # not signed in
    for _ in range(3):
        assert submit(server).status == 303
    assert count_cases(session) == 3
    cookies = {}
    form = {**open_form(server, "/track", cookies), "code": "7ZR-47X-K3D", "pin": "123456"}
    assert request(server, "POST", "/track", cookies=cookies, form=form).status == 404
    log = server.log()
    assert "falling back to in-memory storage" in log and "rate-limit storage unavailable" in log


def test_a_redis_outage_degrades_to_per_worker_limits_and_recovers(gunicorn, redis_url, staff, session):
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    proxy = TcpProxy(port)
    try:
        url = f"redis://127.0.0.1:{proxy.port}/{redis_url.rsplit('/', 1)[1]}"
        server = gunicorn(workers=1, REDIS_URL=url, YIMA_SUBMIT_RATE_LIMIT="3 per hour")
        assert [submit(server).status for _ in range(2)] == [303, 303]  # counted in Redis
        proxy.down()
        assert sign_in(server, {}).status == 503
        # Open, not unlimited: the worker counts in memory from zero, with the same limit.
        assert [submit(server).status for _ in range(4)] == [303, 303, 303, 429]
        assert count_cases(session) == 5
        proxy.back()
        cookies = {}
        assert sign_in(server, cookies).status == 302  # the fail-closed limit works again at once
        assert request(server, "GET", "/staff/", cookies=cookies).status == 200
    finally:
        proxy.close()
