"""Landlines: a citizen (or staff for a hotline caller) gives a landline with its area code."""
import re

import sqlalchemy as sa

from app.models import Suggestion
from tests.conftest import hidden_fields
from tests.web.helpers import PHONE_ERROR, VALID, field_error, submit
from tests.web.staff_helpers import file_case, signed_in

LANDLINE = "0574-" + "62345678"  # built, so the log scan is not fooled by a literal


def _phone_of(session, case_id):
    session.rollback()
    return session.scalar(sa.select(Suggestion.citizen_phone).where(Suggestion.id == case_id))


def test_a_landline_is_stored_as_digits_masked_for_staff_and_revealed_with_its_area_code(app, staff, session):
    _, case_id = file_case(app, phone="（０５７４）６２３４－５６７８")  # full-width, as typed on a phone
    assert _phone_of(session, case_id) == "057462345678"
    handler = signed_in(app, "yangming")
    page = handler.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "0574****5678" in page and "62345678" not in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    revealed = handler.post(f"/staff/cases/{case_id}/reveal_phone", data={"csrf_token": csrf})
    assert revealed.status_code == 200 and LANDLINE in revealed.get_data(as_text=True)


def test_a_number_that_is_neither_comes_back_with_the_message_in_both_languages(client, fill_form, session):
    page = client.post("/p/YMQ2K8", data=fill_form("/p/YMQ2K8", **{**VALID, "phone": "0574-1234"}))
    assert page.status_code == 200 and field_error(page, "phone") == PHONE_ERROR
    assert "手机号码或带区号的固定电话（0574-62345678）" in page.get_data(as_text=True)
    client.get("/?lang=en")
    page = client.post("/p/YMQ2K8", data=fill_form("/p/YMQ2K8", **{**VALID, "phone": "0574-1234"}))
    assert field_error(page, "phone") == ("Enter an 11-digit mobile number, or a landline with its area code, "
                                          "e.g. 13812345678 or 0574-62345678.")
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 0


def test_staff_register_a_hotline_callers_landline(app, staff, session):
    desk = signed_in(app, "dispatch")
    form = hidden_fields(desk.get("/staff/cases/new").get_data(as_text=True))
    filed = desk.post("/staff/cases/new", data={**form, **VALID, "channel": "hotline", "phone": "010 6234567"})
    assert filed.status_code == 303
    session.rollback()
    assert session.scalar(sa.select(Suggestion.citizen_phone)) == "0106234567"


def test_the_tracking_lookup_takes_the_whole_landline(client, fill_form, session):
    response = submit(client, fill_form, phone=LANDLINE)
    assert response.status_code == 303
    session.rollback()
    code = session.scalar(sa.select(Suggestion.receipt_code))
    stranger = client.application.test_client()
    form = hidden_fields(stranger.get("/track").get_data(as_text=True))
    for typed, status in (("0574 6234 5678", 303), ("＋86 574 62345678", 303), ("5678", 404), ("62345678", 404)):
        answer = stranger.post("/track", data={**form, "code": code, "pin": typed})
        assert answer.status_code == status, typed
