"""Wrong passwords slow a guesser down and never lock the owner out (app/domain/throttle.py)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEvent
from tests.conftest import NOW, login
from tests.web.helpers import LOGIN_FAILED, text_of

SLOWED = "登录失败次数过多。请等待 {} 秒后再试：账号并未锁定，等待结束后输入正确的密码即可登录。"


@pytest.fixture
def clock(monkeypatch):
    """The sign-in's clock, moved by hand: `clock.pass_(seconds)`."""

    class Clock:
        now = NOW

        def pass_(self, seconds):
            self.now += timedelta(seconds=seconds)

    c = Clock()
    monkeypatch.setattr("app.staff.auth.utcnow", lambda: c.now)
    return c


def browser(app, address):
    """A new browser at `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def known_browser(app, address):
    """The owner's browser: it signed in to yangming before, and signed out."""
    client = browser(app, address)
    assert login(client, "yangming").status_code == 302
    assert client.get_cookie("yima_device", path="/staff/") is not None
    page = client.get("/staff/").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    return client


def slowed(response, seconds):
    return (response.status_code == 429 and response.headers["Retry-After"] == str(seconds)
            and SLOWED.format(seconds) in text_of(response))


def test_a_guesser_at_many_addresses_is_slowed_but_cannot_keep_the_owner_out(app, staff, clock, session):
    owner = known_browser(app, "198.51.100.7")
    for i in range(10):  # ten wrong passwords from ten addresses cost nothing yet
        assert LOGIN_FAILED in text_of(login(browser(app, f"203.0.113.{i}"), "yangming", "guess"))
    waits = []
    for i in range(10, 14):  # then every try waits twice as long as the one before
        attempt = login(browser(app, f"203.0.113.{i}"), "yangming", "guess")
        assert attempt.status_code == 200 and LOGIN_FAILED in text_of(attempt)
        refused = login(browser(app, f"203.0.113.{i + 100}"), "yangming", "guess")
        waits.append(int(refused.headers["Retry-After"]))
        assert slowed(refused, waits[-1])
        clock.pass_(waits[-1])
    assert waits == [2, 4, 8, 16]
    login(browser(app, "203.0.113.50"), "yangming", "guess")  # a fifth wait begins: 32 s
    assert login(owner, "yangming").status_code == 302  # the owner's browser signs in at once
    stranger = browser(app, "198.51.100.8")  # a new browser of the owner waits like everyone
    assert slowed(login(stranger, "yangming"), 32)
    clock.pass_(32)
    assert login(stranger, "yangming").status_code == 302
    session.rollback()  # each wait is on the owner's audit trail
    told = session.execute(sa.select(AuditEvent.detail, AuditEvent.username).where(
        AuditEvent.action == "login_slowed", AuditEvent.user_id.is_not(None)).order_by(AuditEvent.id)).all()
    assert told == [(f"account: {n} failures in a row, next try in {s} s", "yangming")
                    for n, s in ((11, 2), (12, 4), (13, 8), (14, 16), (15, 32))]


def test_a_guesser_at_one_address_waits_even_with_the_owners_browser(app, staff, clock, session):
    owner = known_browser(app, "198.51.100.7")
    session.rollback()
    before = session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    for _ in range(3):
        assert LOGIN_FAILED in text_of(login(owner, "yangming", "typo"))
    assert LOGIN_FAILED in text_of(login(owner, "yangming", "typo"))
    assert slowed(login(owner, "yangming"), 2)  # the right password too, but only for 2 s
    clock.pass_(2)
    assert login(owner, "yangming").status_code == 302
    session.rollback()
    audited = session.execute(sa.select(AuditEvent.action, AuditEvent.detail, AuditEvent.user_id)
                              .where(AuditEvent.id > before).order_by(AuditEvent.id)).all()
    user_id = audited[-1].user_id
    assert user_id is not None
    assert audited == [("login_failed", "wrong password", user_id)] * 4 + [
        ("login_slowed", "address: 4 failures in a row, next try in 2 s", user_id),
        ("login_refused", "slowed down, 2 s to wait", user_id),
        ("login", "", user_id)]


def test_an_unknown_name_is_slowed_the_same_so_waits_reveal_no_account(app, staff, clock):
    guesser = browser(app, "203.0.113.9")
    for name in ("yangming", "nobody"):
        for _ in range(4):
            login(guesser, name, "guess")
        assert slowed(login(guesser, name, "guess"), 2)


def test_a_forged_device_cookie_does_not_skip_the_accounts_wait(app, staff, clock):
    for i in range(11):
        login(browser(app, f"203.0.113.{i}"), "yangming", "guess")
    forger = browser(app, "203.0.113.200")
    forger.set_cookie("yima_device", '["yangming"]', path="/staff/")
    assert slowed(login(forger, "yangming"), 2)


def test_a_counter_is_forgotten_after_a_quiet_day(app, staff, clock):
    guesser = browser(app, "203.0.113.9")
    for _ in range(4):
        login(guesser, "yangming", "guess")
    clock.pass_(24 * 3600 + 1)
    assert LOGIN_FAILED in text_of(login(guesser, "yangming", "guess"))  # the first of a new day
    assert login(guesser, "yangming").status_code == 302


def test_a_shared_office_signs_in_all_morning_and_only_failures_spend_its_budget(app, staff, monkeypatch):
    """A town office or the 12345 centre behind one NAT: right passwords never spend the
    address's budget, wrong ones still do, and the refusal is a staff page."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "4 per hour")
    for _ in range(12):  # three times the budget, all signing in at shift start
        assert login(browser(app, "198.51.100.7"), "yangming").status_code == 302
    for _ in range(4):
        assert login(browser(app, "198.51.100.7"), "yangming", "not-the-password").status_code == 200
    refused = login(browser(app, "198.51.100.7"), "jiaotong")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    page = text_of(refused)
    assert "工作人员登录" in page and "我要提建议" not in page  # the staff frame, not the citizens' page
    assert login(browser(app, "198.51.100.8"), "jiaotong").status_code == 302  # another office is not touched
