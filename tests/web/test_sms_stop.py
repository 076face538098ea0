"""Stopping SMS from the tracking page: a button (a POST with its CSRF token, no JavaScript), a
confirmation, no stale "on" from a kept page, and no message queued for any later step."""
import re

import sqlalchemy as sa

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.models import OutboxMessage, Subscription, User
from tests.conftest import hidden_fields
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, signed_in

ON = "SMS updates are on · Stop them"
STOPPED = "SMS updates about this case are stopped. This page still shows every step."
STOP_FORM = re.compile(r'<form method="post" action="(/[^"]*/stop)"[^>]*>\s*<input id="csrf_token"')


def _sms_topics(session, case_id):
    session.rollback()
    return [m.topic for m in session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.transport == "sms", OutboxMessage.case_id == case_id).order_by(OutboxMessage.id))]


def _stop(client, path):
    html = client.get(path).get_data(as_text=True)
    action = STOP_FORM.search(html)
    assert action, "no stop form on the page"
    return client.post(action.group(1), data={"csrf_token": CSRF_ANY.search(html).group(1)})


def test_a_subscribed_citizen_stops_sms_and_no_later_step_is_told(app, make_receipt, session):
    receipt = make_receipt(told=True)
    case_id = receipt.suggestion.id
    citizen, watcher = app.test_client(), app.test_client()
    citizen.get("/?lang=en"), watcher.get("/?lang=en")
    assert ON in text_of(watcher.get(f"/t/{receipt.token}"))  # and now kept for this version of the case
    stopped = _stop(citizen, f"/t/{receipt.token}")
    assert stopped.status_code == 303 and stopped.headers["Location"] == f"/t/{receipt.token}"
    page = text_of(citizen.get(stopped.headers["Location"]))
    assert STOPPED in page and ON not in page
    assert ON not in text_of(watcher.get(f"/t/{receipt.token}"))  # the kept "on" page is not served again
    session.rollback()
    assert session.get(Subscription, case_id).stopped_at is not None

    assert _sms_topics(session, case_id) == ["receipt"]
    case = session.get(type(receipt.suggestion), case_id)
    lead = session.scalars(sa.select(User).where(User.username == "yangming-lead")).one()
    services.accept_case(session, case, lead, utcnow(), clocks(app.config))
    session.commit()
    assert _sms_topics(session, case_id) == ["receipt"]  # accepted, and nothing queued for the citizen


def test_the_code_and_pin_view_stops_them_too(app, make_receipt, session):
    receipt = make_receipt(told=True)
    client = app.test_client()
    client.get("/?lang=en")
    form = hidden_fields(client.get("/track").get_data(as_text=True))
    found = client.post("/track", data={**form, "code": receipt.code, "pin": receipt.pin})
    assert found.status_code == 303
    assert ON in text_of(client.get("/track/case"))
    stopped = _stop(client, "/track/case")
    assert stopped.status_code == 303 and stopped.headers["Location"] == "/track/case"
    assert STOPPED in text_of(client.get("/track/case"))
    session.rollback()
    assert session.get(Subscription, receipt.suggestion.id).stopped_at is not None


def test_no_stop_button_for_a_citizen_who_never_agreed(app, make_receipt):
    token = make_receipt().token
    page = app.test_client().get(f"/t/{token}?lang=en")
    assert ON not in text_of(page) and "/stop" not in page.get_data(as_text=True)


def test_a_stop_without_its_csrf_token_changes_nothing(app, make_receipt, session):
    receipt = make_receipt(told=True)
    refused = app.test_client().post(f"/t/{receipt.token}/stop", data={})
    assert refused.status_code == 400
    session.rollback()
    assert session.get(Subscription, receipt.suggestion.id).stopped_at is None


def test_a_stop_for_an_unknown_token_is_a_404(app, client):
    html = client.get("/track").get_data(as_text=True)
    response = client.post("/t/" + "A" * 32 + "/stop", data={"csrf_token": CSRF_ANY.search(html).group(1)})
    assert response.status_code == 404


def test_staff_see_that_the_citizen_stopped(app, make_receipt, session):
    receipt = make_receipt(told=True)
    citizen = app.test_client()
    assert _stop(citizen, f"/t/{receipt.token}").status_code == 303
    handler = signed_in(app, "yangming")
    page = text_of(handler.get(f"/staff/cases/{receipt.suggestion.id}?lang=en"))
    assert "SMS updates stopped by the citizen on" in page


def test_stopping_is_rate_limited_like_the_other_citizen_posts(app, make_receipt):
    receipt = make_receipt(told=True)
    saved = app.config.get("FEEDBACK_RATE_LIMIT")
    app.config["FEEDBACK_RATE_LIMIT"] = "2 per hour"
    try:
        client = app.test_client()
        csrf = CSRF_ANY.search(client.get("/track").get_data(as_text=True)).group(1)
        answers = [client.post(f"/t/{receipt.token}/stop", data={"csrf_token": csrf}).status_code
                   for _ in range(3)]
    finally:
        app.config["FEEDBACK_RATE_LIMIT"] = saved
    assert answers == [303, 303, 429]
