"""Staff sessions end after 30 idle minutes or 12 hours, whatever the cookie says."""
import time

import sqlalchemy as sa

from app.models import AuditEvent
from app.staff.sessions import LOGIN_AT, SEEN_AT
from tests.conftest import PASSWORD, hidden_fields
from tests.web.staff_helpers import signed_in

MINUTE = 60


def _shift(client, **ago):
    """Move the session's clocks back by the given seconds."""
    with client.session_transaction() as session:
        for key, seconds in ago.items():
            name = {"login": LOGIN_AT, "seen": SEEN_AT}[key]
            session[name] = int(time.time()) - seconds


def _expired(client, response) -> bool:
    if response.status_code != 302 or "/staff/login" not in response.headers["Location"]:
        return False
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return "会话已过期，请重新登录。" in page


def test_a_session_idle_for_29_minutes_lives_on(app, staff):
    client = signed_in(app, "yangming")
    _shift(client, seen=29 * MINUTE)
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session[SEEN_AT] < 5  # the visit counts as activity


def test_a_session_idle_for_30_minutes_is_signed_out(app, staff, session):
    client = signed_in(app, "yangming")
    _shift(client, seen=30 * MINUTE + 1)
    assert _expired(client, client.get("/staff/"))
    assert client.get("/staff/").status_code == 302  # and stays signed out
    reasons = session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "session_expired")).all()
    assert reasons == ["idle"]


def test_an_active_session_still_ends_12_hours_after_sign_in(app, staff):
    client = signed_in(app, "yangming")
    _shift(client, login=12 * 3600 + 1, seen=MINUTE)
    assert _expired(client, client.get("/staff/"))


def test_a_copied_cookie_expires_on_the_same_clock(app, staff):
    client = signed_in(app, "yangming")
    _shift(client, seen=31 * MINUTE)
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert _expired(thief, thief.get("/staff/"))


def test_expiry_also_drops_the_remember_cookie(app, staff):
    client = app.test_client()
    data = {**hidden_fields(client.get("/staff/login").get_data(as_text=True)),
            "username": "yangming", "password": PASSWORD, "remember": "y"}
    assert client.post("/staff/login", data=data).status_code == 302
    assert client.get_cookie("remember_token") is not None
    _shift(client, seen=31 * MINUTE)
    assert _expired(client, client.get("/staff/"))
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")  # a browser restart: nothing left to sign in with
    assert client.get("/staff/").status_code == 302


def test_citizen_pages_never_expire_anything(client):
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert LOGIN_AT not in session
