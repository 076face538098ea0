"""A decision letter posted after the session ended is kept through the sign-in, shown again
on its case page and not sent (app/staff/drafts.py)."""
import html
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from app.core.db import utcnow
from app.models import StaffDraft, Suggestion, User
from tests.conftest import PASSWORD, hidden_fields
from tests.ops.test_sessions import MINUTE, _shift
from tests.web.staff_helpers import CSRF_ANY, signed_in

KEPT = "你在发送前已退出登录。你写的内容保留在下方：尚未发送。请核对后重新发送。"
LETTER = {"claim": "要求修复路灯。" * 10, "facts": "\n".join(["经核实，路灯损坏属实。"] * 400),  # about 4800 characters
          "decision": "三日内修复。", "basis": "《城市照明管理规定》第十条"}


def _page(client, case_id):
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    return {"csrf_token": CSRF_ANY.search(page).group(1),
            "version": page.split('name="version" value="', 1)[1].split('"', 1)[0]}


def _sign_in_at(client, location, username="yangming"):
    """Sign in on the page the redirect named, as a browser would."""
    form = hidden_fields(client.get(location).get_data(as_text=True))
    return client.post(location, data={**form, "username": username, "password": PASSWORD})


def _drafts(session):
    session.rollback()
    return session.scalars(sa.select(StaffDraft)).all()


def test_an_idle_sign_out_at_submit_keeps_the_letter_and_returns_to_the_case(app, make_case, session):
    case = make_case("accepted")
    client = signed_in(app, "yangming")
    hidden = _page(client, case.id)
    _shift(client, seen=31 * MINUTE)  # the letter took longer than the idle limit
    sent = client.post(f"/staff/cases/{case.id}/reply", data={**hidden, **LETTER})
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/staff/login?next=/staff/cases/{case.id}"
    (draft,) = _drafts(session)
    assert set(__import__("json").loads(draft.fields)) == set(LETTER)  # no CSRF token, no version
    back = _sign_in_at(client, sent.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"] == f"/staff/cases/{case.id}"
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert KEPT in page
    for text in LETTER.values():
        assert html.escape(text, quote=False) in page
    assert _drafts(session) == []  # used up
    assert KEPT not in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    session.rollback()
    assert session.get(Suggestion, case.id).replied_at is None  # nothing was sent


def test_a_post_after_the_session_ended_elsewhere_keeps_the_text_too(app, make_case, session):
    case = make_case("accepted")
    client = signed_in(app, "yangming")
    hidden = _page(client, case.id)
    session.rollback()
    session.execute(sa.update(User).where(User.username == "yangming").values(session_epoch=User.session_epoch + 1))
    session.commit()  # signed out everywhere (another tab's logout)
    sent = client.post(f"/staff/cases/{case.id}/note", data={**hidden, "message": "已电话联系市民"})
    assert sent.status_code == 303 and "/staff/login?next=" in sent.headers["Location"]
    back = _sign_in_at(client, sent.headers["Location"])
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert KEPT in page and "已电话联系市民</textarea>" in page


def test_another_account_signing_in_on_that_browser_does_not_see_the_draft(app, make_case, session):
    case = make_case("accepted")
    client = signed_in(app, "yangming")
    hidden = _page(client, case.id)
    _shift(client, seen=31 * MINUTE)
    sent = client.post(f"/staff/cases/{case.id}/note", data={**hidden, "message": "给组长看的草稿"})
    back = _sign_in_at(client, sent.headers["Location"], "yangming-lead")
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "给组长看的草稿" not in page and KEPT not in page
    assert len(_drafts(session)) == 1  # still there for its author, until it expires


def test_a_draft_older_than_an_hour_is_not_restored(app, make_case, session, monkeypatch):
    case = make_case("accepted")
    client = signed_in(app, "yangming")
    hidden = _page(client, case.id)
    _shift(client, seen=31 * MINUTE)
    sent = client.post(f"/staff/cases/{case.id}/note", data={**hidden, "message": "过期的草稿"})
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr("app.staff.drafts.utcnow", lambda: later)
    back = _sign_in_at(client, sent.headers["Location"])
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "过期的草稿" not in page and KEPT not in page
    assert _drafts(session) == []


@pytest.mark.parametrize("target", ["https://evil.example/staff/", "//evil.example/staff/", "/\\evil.example",
                                    "/staff/\\\\evil.example", "javascript:alert(1)", "/track"])
def test_sign_in_returns_only_inside_the_staff_view(app, staff, target):
    client = app.test_client()
    back = _sign_in_at(client, f"/staff/login?next={quote(target, safe='')}")
    assert back.status_code == 302 and back.headers["Location"] == "/staff/"


def test_sign_in_returns_to_the_staff_page_asked_for(app, staff):
    client = app.test_client()
    asked = client.get("/staff/stats")
    assert asked.status_code == 302
    back = _sign_in_at(client, asked.headers["Location"])
    assert back.headers["Location"] == "/staff/stats"
