"""The admin's outbox page: every message newest first, phones masked, tracking links without
their token, a status filter and a page size; a dead message sent again, audited; nobody but
an administrator opens it."""
import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import AuditEvent, OrgUnit, OutboxMessage, UnitChannel
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, signed_in

ROW = re.compile(r'<tr id="message-(\d+)"')


def _channel(session, unit_code="330281-YM"):
    unit = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == unit_code)).one()
    session.add(UnitChannel(unit_id=unit.id, kind="dingtalk", target="http://127.0.0.1:9/robot", secret="",
                            created_at=utcnow()))
    session.commit()


def _dead(session, **where):
    session.rollback()
    message = session.scalars(sa.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)).first()
    message.status, message.attempts, message.last_error = "dead", 5, "HTTP 500 from the gateway"
    session.commit()
    return message.id


def test_the_admin_sees_each_message_with_the_phone_masked_and_no_token(app, make_receipt, session):
    _channel(session)
    receipt = make_receipt(told=True)
    admin = signed_in(app, "admin")
    page = admin.get("/staff/outbox?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert receipt.token not in html and "13812345678" not in html
    text = text_of(page)
    assert "138****5678" in text and "/t/…" in text and receipt.code in text  # the SMS, its code kept
    recipients = re.findall(r'class="recipient">([^<]+)<', html)
    assert sorted(recipients) == ["138****5678", "Yangming Subdistrict · DingTalk"]  # a robot: its unit and kind
    assert "127.0.0.1:9/robot" not in html  # never the robot's URL
    assert "Receipt (code and tracking link)" in text and "New case to accept" in text and "Waiting" in text
    assert "new_case" not in text and "#" not in text  # no internal keys, no Markdown marks
    assert 'href="/staff/outbox"' in html  # the nav links here for an admin


def test_newest_first_filtered_by_status_a_page_at_a_time(app, make_receipt, session):
    for _ in range(3):
        make_receipt(told=True)
    dead_id = _dead(session, transport="sms")
    admin = signed_in(app, "admin")
    ids = [int(i) for i in ROW.findall(admin.get("/staff/outbox").get_data(as_text=True))]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True)
    assert [int(i) for i in ROW.findall(admin.get("/staff/outbox?status=dead").get_data(as_text=True))] == [dead_id]
    assert ROW.findall(admin.get("/staff/outbox?status=sent").get_data(as_text=True)) == []
    first = admin.get("/staff/outbox?size=20").get_data(as_text=True)
    assert len(ROW.findall(first)) == 3 and "before=" not in first  # a single page: no "Older" link
    # Odd values fall back to the defaults, never a 500.
    for query in ("status=nonsense", "size=7", "size=x", "before=abc"):
        assert admin.get(f"/staff/outbox?{query}").status_code == 200, query
    assert admin.get("/staff/outbox?before=99999999999").status_code == 400


def test_older_messages_are_one_link_away(app, make_receipt, session, monkeypatch):
    from app.staff import outbox
    for _ in range(3):
        make_receipt(told=True)
    monkeypatch.setattr(outbox, "PAGE_SIZES", (2,))
    monkeypatch.setattr(outbox, "DEFAULT_SIZE", 2)
    admin = signed_in(app, "admin")
    first = admin.get("/staff/outbox?status=pending").get_data(as_text=True)
    shown = ROW.findall(first)
    older = re.search(r'href="(/staff/outbox\?[^"]*before=\d+[^"]*)"', first).group(1).replace("&amp;", "&")
    rest = ROW.findall(admin.get(older).get_data(as_text=True))
    assert len(shown) == 2 and len(rest) == 1 and not set(shown) & set(rest)


def test_a_dead_message_is_sent_again_and_the_retry_is_audited(app, make_receipt, session):
    make_receipt(told=True)
    dead_id = _dead(session, transport="sms")
    admin = signed_in(app, "admin")
    html = admin.get("/staff/outbox?status=dead&lang=en").get_data(as_text=True)
    assert "HTTP 500 from the gateway" in html
    action = f"/staff/outbox/{dead_id}/retry"
    assert f'action="{action}"' in html
    answer = admin.post(action, data={"csrf_token": CSRF_ANY.search(html).group(1)})
    assert answer.status_code == 303
    assert "sent again at the next run" in text_of(admin.get(answer.headers["Location"]))
    session.rollback()
    message = session.get(OutboxMessage, dead_id)
    assert (message.status, message.attempts) == ("pending", 0)
    [audit] = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "outbox_retry")).all()
    assert audit.username == "admin" and audit.target == f"outbox:{dead_id}"
    # A second press finds nothing dead: refused, not audited again.
    again = admin.post(action, data={"csrf_token": CSRF_ANY.search(html).group(1)})
    assert "Only a failed (dead) message can be sent again." in text_of(admin.get(again.headers["Location"]))
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "outbox_retry")) == 1


def test_a_retry_without_its_csrf_token_changes_nothing(app, make_receipt, session):
    make_receipt(told=True)
    dead_id = _dead(session, transport="sms")
    admin = signed_in(app, "admin")
    assert admin.post(f"/staff/outbox/{dead_id}/retry", data={}).status_code == 400
    session.rollback()
    assert session.get(OutboxMessage, dead_id).status == "dead"


def test_nobody_but_an_admin_opens_the_outbox(app, make_receipt, session):
    make_receipt(told=True)
    dead_id = _dead(session, transport="sms")
    for username in ("yangming", "yangming-lead", "dispatch", "yuyao-supervisor"):
        client = signed_in(app, username)
        html = client.get("/staff/").get_data(as_text=True)
        assert client.get("/staff/outbox").status_code == 404, username
        assert 'href="/staff/outbox"' not in html
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        assert client.post(f"/staff/outbox/{dead_id}/retry", data={"csrf_token": csrf}).status_code == 404
    session.rollback()
    assert session.get(OutboxMessage, dead_id).status == "dead"
    assert app.test_client().get("/staff/outbox").status_code in (302, 401)  # signed out: to the sign-in


def test_a_message_held_for_quiet_hours_says_until_when(app, make_receipt, session):
    """A citizen's SMS on a step at night waits for the morning: the page says so, with the time."""
    from datetime import timedelta

    make_receipt(told=True)
    session.rollback()
    message = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.transport == "sms")).first()
    held = utcnow().replace(second=0, microsecond=0) + timedelta(hours=9)
    until = held.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")
    message_id, message.not_before = message.id, held
    session.commit()
    admin = signed_in(app, "admin")
    assert f"夜间免打扰，将于 {until} 发送" in text_of(admin.get("/staff/outbox"))
    session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(attempts=2))
    session.commit()
    assert f"将于 {until} 重试" in text_of(admin.get("/staff/outbox"))


def test_a_phone_typed_any_way_in_a_body_or_an_error_is_masked_on_the_page(app, make_receipt, session):
    make_receipt(told=True)
    message = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    message.body = "市民留言：请回电 138 1234 5678，或幺三八.一二三四.五六七八，座机 (0574) 6234 5678"
    message.status, message.last_error = "dead", "gateway refused 138-1234-5678 / 0574 6234 5678"
    session.commit()
    html = signed_in(app, "admin").get("/staff/outbox?status=dead").get_data(as_text=True)
    for typed in ("138 1234 5678", "一二三四", "6234 5678", "138-1234-5678"):
        assert typed not in html, typed
    assert html.count("138****5678") >= 3 and html.count("0574****5678") == 2
