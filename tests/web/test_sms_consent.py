"""Consent to SMS: an unticked box beside the phone, asked of the citizen (or noted by staff for a
caller); ticked without a mobile number, the form comes back whole with the reason beside the box."""
import json
import re

import sqlalchemy as sa

from app.models import OutboxMessage, Subscription, Suggestion
from app.services.outbox import revealed
from tests.conftest import hidden_fields
from tests.web.helpers import VALID, field_error, kept_text, text_of, token_of
from tests.web.staff_helpers import signed_in

NEEDS_MOBILE = "To get SMS, enter an 11-digit mobile number above, or untick this box."
NOT_ANONYMOUS = "To get SMS, untick “Stay anonymous” and enter your mobile number, or untick this box."
ON_ITS_WAY = "An SMS with the receipt code and the link to this page is on its way to the mobile number you gave."
CHECKBOX = re.compile(r'<input[^>]*\bname="notify"[^>]*>')


def _english(client, path="/p/YMQ2K8"):
    client.get("/?lang=en")
    return hidden_fields(client.get(path).get_data(as_text=True))


def _sms(session):
    session.rollback()
    return list(session.scalars(sa.select(OutboxMessage).where(OutboxMessage.transport == "sms")))


def _cases(session):
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(Suggestion))


def test_the_consent_box_is_there_unticked_on_the_kept_form_and_on_a_fresh_one(app, client):
    for path in ("/p/YMQ2K8", "/p/YMQ2K8", "/submit", "/p/YMQ2K8?lang=en"):  # the second from the kept page
        html = client.get(path).get_data(as_text=True)
        box = CHECKBOX.search(html)
        assert box and 'type="checkbox"' in box.group(0) and "checked" not in box.group(0), path
    english = text_of(client.get("/p/YMQ2K8"))
    assert "I agree to receive SMS about this case (only the receipt code, its progress and the link to see it)" in english


def test_a_consenting_filer_gets_the_receipt_sms_and_the_receipt_page_says_so(app, client, session):
    data = {**_english(client), **VALID, "notify": "y"}
    response = client.post("/p/YMQ2K8", data=data)
    assert response.status_code == 303
    token = token_of(response)
    [sms] = _sms(session)
    assert sms.topic == "receipt" and sms.phone == "13812345678" and token not in sms.body
    assert f"/t/{token}" in revealed(sms.body, json.loads(sms.params), app.config["SECRET_KEY"])[0]
    assert ON_ITS_WAY in text_of(client.get(f"/t/{token}"))
    assert ON_ITS_WAY not in text_of(app.test_client().get(f"/t/{token}?lang=en"))  # a stranger has no receipt


def test_a_filer_who_did_not_tick_gets_no_sms_and_no_promise(client, session):
    response = client.post("/p/YMQ2K8", data={**_english(client), **VALID})
    assert response.status_code == 303
    assert _sms(session) == []
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 0
    assert ON_ITS_WAY not in text_of(client.get(f"/t/{token_of(response)}"))


def _assert_whole(page, sent):
    html = page.get_data(as_text=True)
    assert kept_text(html) == sent["text"]
    assert f'value="{sent["location"]}"' in html and f'value="{sent["name"]}"' in html
    assert "checked" in CHECKBOX.search(html).group(0)  # their tick stays: they untick it, or fix the phone
    assert hidden_fields(html)["submission_key"] == sent["submission_key"]


def test_ticked_without_a_phone_comes_back_whole_with_the_reason_beside_the_box(client, session):
    sent = {**_english(client), **VALID, "phone": "", "notify": "y"}
    page = client.post("/p/YMQ2K8", data=sent)
    assert page.status_code == 200 and field_error(page, "notify") == NEEDS_MOBILE
    _assert_whole(page, sent)
    assert _cases(session) == 0
    # They add the mobile and send the same form: one case, told.
    assert client.post("/p/YMQ2K8", data={**sent, "phone": "13812345678"}).status_code == 303
    assert _cases(session) == 1 and len(_sms(session)) == 1


def test_a_landline_cannot_take_sms(client, session):
    sent = {**_english(client, "/submit"), **VALID, "phone": "0574-" + "62345678", "notify": "y"}
    page = client.post("/submit", data=sent)
    assert page.status_code == 200 and field_error(page, "notify") == NEEDS_MOBILE
    assert 'value="057462345678"' in page.get_data(as_text=True)
    assert _cases(session) == 0


def test_an_anonymous_filer_is_told_why_not(client, session):
    sent = {**_english(client), **VALID, "anonymous": "y", "notify": "y"}
    page = client.post("/p/YMQ2K8", data=sent)
    assert page.status_code == 200 and field_error(page, "notify") == NOT_ANONYMOUS
    _assert_whole(page, sent)
    assert _cases(session) == 0


def test_the_form_works_without_javascript(client):
    html = client.get("/p/YMQ2K8").get_data(as_text=True)
    form = html[html.index("<form"):html.index("</form>")]
    assert "<script" not in html and "onclick" not in form and "notify" in form


def test_staff_note_a_callers_consent_and_the_case_page_says_so(app, staff, session):
    handler = signed_in(app, "yangming")
    handler.get("/staff/cases/new?lang=en")
    html = handler.get("/staff/cases/new").get_data(as_text=True)
    box = CHECKBOX.search(html).group(0)
    assert "checked" not in box and "The citizen agreed to SMS updates" in text_of(handler.get("/staff/cases/new"))
    data = {**hidden_fields(html), **VALID, "channel": "hotline", "notify": "y"}
    assert handler.post("/staff/cases/new", data=data).status_code == 303
    session.rollback()
    case = session.scalars(sa.select(Suggestion)).one()
    subscription = session.get(Subscription, case.id)
    from app.models import User
    me = session.scalars(sa.select(User).where(User.username == "yangming")).one()
    assert subscription.recorded_by_id == me.id
    assert [m.topic for m in _sms(session)] == ["receipt"]
    page = text_of(handler.get(f"/staff/cases/{case.id}"))
    assert "SMS updates agreed (noted by staff on" in page
    assert "13812345678" not in page and "138****5678" in page  # no more of the phone than before


def test_staff_cannot_note_consent_for_a_landline_and_keep_what_they_typed(app, staff, session):
    handler = signed_in(app, "yangming")
    handler.get("/staff/cases/new?lang=en")
    html = handler.get("/staff/cases/new").get_data(as_text=True)
    sent = {**hidden_fields(html), **VALID, "channel": "hotline", "phone": "0574-" + "62345678", "notify": "y"}
    page = handler.post("/staff/cases/new", data=sent)
    assert page.status_code == 200
    assert field_error(page, "notify") == ("SMS updates need an 11-digit mobile number (not a landline): "
                                           "enter it above, or untick this box.")
    assert kept_text(page.get_data(as_text=True)) == VALID["text"]
    assert _cases(session) == 0


def test_a_case_filed_without_consent_shows_not_agreed_to_staff(app, staff, make_case):
    case = make_case()
    handler = signed_in(app, "yangming")
    assert "SMS updates not agreed" in text_of(handler.get(f"/staff/cases/{case.id}?lang=en"))


def test_a_form_held_back_by_the_limit_keeps_the_tick(app, session):
    saved = app.config.get("SUBMIT_FORM_RATE_LIMIT")
    app.config["SUBMIT_FORM_RATE_LIMIT"] = "1 per hour"
    try:
        client = app.test_client()
        assert client.post("/p/YMQ2K8", data={**_english(client), **VALID}).status_code == 303
        sent = {**hidden_fields(client.get("/p/YMQ2K8").get_data(as_text=True)), **VALID, "notify": "y"}
        refused = client.post("/p/YMQ2K8", data=sent)
    finally:
        app.config["SUBMIT_FORM_RATE_LIMIT"] = saved
    assert refused.status_code == 429
    _assert_whole(refused, sent)  # sent again later, it files with the consent given now
