"""The sweep (overdue flags, timed-out closes) and staff sign-in (generic failure, throttle, logout)."""
import threading
from datetime import timedelta

import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from app.config import clocks
from app.core.db import utcnow
from app.models import AuditEvent, CaseEvent, Suggestion, User
from app.services import sweep
from tests.conftest import login
from tests.web.helpers import LOGIN_FAILED, text_of
from tests.web.staff_helpers import signed_in


def _age(session, case_id, **fields):
    """Move a case's clocks into the past, as if time had passed."""
    session.rollback()
    session.execute(sa.update(Suggestion).where(Suggestion.id == case_id).values(**fields))
    session.commit()


def _count(session, action):
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.action == action))


def test_sweep_flags_overdue_once_and_closes_timed_out_replies(app, staff, make_case, session):
    late, replied = make_case().id, make_case("replied").id
    _age(session, late, due_at=utcnow() - timedelta(seconds=1))
    _age(session, replied, window_ends_at=utcnow() - timedelta(seconds=1))
    runner: FlaskCliRunner = app.test_cli_runner()
    first = runner.invoke(args=["sweep"])
    assert "flagged overdue: 1, closed: 1" in first.output
    second = runner.invoke(args=["sweep"])
    assert "flagged overdue: 0, closed: 0" in second.output
    session.rollback()
    assert session.get(Suggestion, late).overdue_at is not None
    assert session.get(Suggestion, replied).status.value == "closed"
    assert _count(session, "flag_overdue") == 1 and _count(session, "close") == 1
    # The inbox shows the overdue badge.
    assert "已超期" in signed_in(app, "yangming").get("/staff/").get_data(as_text=True)


def test_two_sweeps_at_once_do_the_work_once(app, staff, make_case, session):
    ids = [make_case().id for _ in range(6)]
    for case_id in ids:
        _age(session, case_id, due_at=utcnow() - timedelta(hours=1))
    results, start = [], threading.Barrier(2)

    def run():
        with app.app_context():
            from app.core.extensions import db

            start.wait()
            results.append(sweep(db.session, utcnow(), clocks(app.config)))
            db.session.commit()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.flagged for r in results) == 6
    assert _count(session, "flag_overdue") == 6


def test_a_wrong_password_and_an_unknown_name_read_the_same(app, staff, session):
    client = app.test_client()
    unknown = login(client, "nobody", "wrong password")
    wrong = login(client, "yangming", "wrong password")
    assert unknown.status_code == wrong.status_code == 200
    strip = lambda r: r.get_data(as_text=True).split("<form")[0]  # noqa: E731
    assert strip(unknown) == strip(wrong)
    assert LOGIN_FAILED in text_of(wrong)
    audited = session.execute(sa.select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert audited == [("login_failed", "unknown user"), ("login_failed", "wrong password")]


def test_sign_in_attempts_are_throttled_per_address(app, staff):
    client = app.test_client()
    statuses = [login(client, f"user{i}", "wrong").status_code for i in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_logout_ends_a_copied_session_cookie(app, staff):
    client = signed_in(app, "yangming")
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/staff/").status_code == 200
    html = client.get("/staff/").get_data(as_text=True)
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 302
    assert thief.get("/staff/").status_code == 302


def test_a_disabled_account_is_signed_out_at_once(app, staff, session):
    client = signed_in(app, "yangming")
    session.rollback()
    session.execute(sa.update(User).where(User.username == "yangming").values(active=False))
    session.commit()
    assert client.get("/staff/").status_code == 302


def test_session_cookie_is_httponly_and_lax(app, staff):
    response = login(app.test_client(), "yangming")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_create_user_command(app, tmp_path, session):
    secret = tmp_path / "pw"
    secret.write_text("a long enough password\n")
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "wang", "--unit", "330281-YM", "--role", "lead",
        "--password-file", str(secret)])
    assert "Created lead wang" in result.output, result.output
    assert login(app.test_client(), "wang", "a long enough password").status_code == 302
    bad = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "li", "--unit", "NOPE", "--role", "lead", "--password-file", str(secret)])
    assert bad.exit_code != 0 and "no unit" in bad.output
