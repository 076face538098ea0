"""Abuse: floods across several gunicorn workers with forged addresses, code guessing, rating spam.

ProxyFix trusts no proxy unless YIMA_PROXIES says so, so X-Forwarded-For is the attacker's own
text: the limits key on the socket's address and hold across workers because they count in Redis.
"""
import re

import sqlalchemy as sa

from app.domain import codes
from app.models import CaseEvent, Suggestion
from tests.conftest import PASSWORD, hidden_fields
from tests.security.server import at_once, open_form, request
from tests.web.helpers import VALID
from tests.web.staff_helpers import citizen_post

FLOOD = 24


def spoofed(i: int) -> dict:
    """Headers claiming a different client for every request."""
    address = f"10.{i // 250}.{i % 250}.7"
    return {"X-Forwarded-For": address, "X-Real-IP": address, "Forwarded": f"for={address}",
            "True-Client-IP": address, "CF-Connecting-IP": address}


def test_a_submission_flood_over_three_workers_gets_exactly_the_limit(gunicorn, redis_url, session):
    server = gunicorn(workers=3, REDIS_URL=redis_url, YIMA_SUBMIT_RATE_LIMIT="5 per hour")
    forms = []
    for _ in range(FLOOD):
        cookies = {}
        forms.append((cookies, {**open_form(server, "/p/YMQ2K8", cookies), **VALID}))
    answers = at_once([lambda i=i: request(server, "POST", "/p/YMQ2K8", cookies=forms[i][0], form=forms[i][1],
                                           headers=spoofed(i)) for i in range(FLOOD)])
    statuses = sorted(a.status for a in answers)
    assert statuses == [303] * 5 + [429] * (FLOOD - 5), statuses
    # The other way in shares the budget.
    cookies = {}
    extra = request(server, "POST", "/submit", cookies=cookies, form={**open_form(server, "/submit", cookies), **VALID},
                    headers=spoofed(999))
    # Refused, but never a dead end: the form comes back with the words and the hour's real wait.
    assert extra.status == 429 and VALID["text"] in extra.text and "<form" in extra.text
    assert 3000 < int(extra.headers["retry-after"]) <= 3601
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 5


def test_a_lookup_flood_over_three_workers_gets_exactly_the_limit(gunicorn, redis_url):
    server = gunicorn(workers=3, REDIS_URL=redis_url, YIMA_TRACK_RATE_LIMIT="10 per minute")
    cookies = {}
    form = {**open_form(server, "/track", cookies), "code": "7ZR-47X-K3D", "pin": "123456"}
    answers = at_once([lambda i=i: request(server, "POST", "/track", cookies=dict(cookies), form=form,
                                           headers=spoofed(i)) for i in range(FLOOD)])
    statuses = sorted(a.status for a in answers)
    assert statuses == [404] * 10 + [429] * (FLOOD - 10), statuses


def test_a_sign_in_flood_over_three_workers_gets_exactly_the_limit(gunicorn, redis_url, staff):
    server = gunicorn(workers=3, REDIS_URL=redis_url, YIMA_LOGIN_RATE_LIMIT="6 per minute")
    cookies = {}
    token = open_form(server, "/staff/login", cookies)["csrf_token"]
    answers = at_once([lambda i=i: request(server, "POST", "/staff/login", cookies=dict(cookies), headers=spoofed(i),
                                           form={"csrf_token": token, "username": f"guess{i}", "password": "x" * 12})
                       for i in range(FLOOD)])
    statuses = sorted(a.status for a in answers)
    assert statuses == [200] * 6 + [429] * (FLOOD - 6), statuses
    assert not any("/staff/" == a.headers.get("location") for a in answers)


def test_a_shift_start_signs_in_over_three_workers_and_only_failures_count(gunicorn, redis_url, staff):
    """The 12345 centre behind one address: right passwords give their count back in Redis,
    whichever worker took them, and the guesser's failures still stop at the limit."""
    server = gunicorn(workers=3, REDIS_URL=redis_url, YIMA_LOGIN_RATE_LIMIT="4 per minute")

    def sign_in(username, password=PASSWORD):
        cookies = {}
        token = open_form(server, "/staff/login", cookies)["csrf_token"]
        return request(server, "POST", "/staff/login", cookies=cookies,
                       form={"csrf_token": token, "username": username, "password": password}).status

    assert [sign_in(name) for name in ["yangming", "jiaotong", "dispatch", "admin"] * 3] == [302] * 12
    assert [sign_in(f"guess{i}", "x" * 12) for i in range(5)] == [200] * 4 + [429]
    assert sign_in("yangming") == 429  # failures spent it: now the right password waits too


def test_guessing_one_receipt_codes_pin_from_many_addresses_is_stopped(app, make_receipt):
    receipt = make_receipt()
    statuses = []
    for i in range(12):  # a botnet: every guess from a new address
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"203.0.113.{i}"
        form = hidden_fields(guesser.get("/track").get_data(as_text=True))
        statuses.append(guesser.post("/track", data={**form, "code": receipt.code, "pin": f"{i:04d}"}).status_code)
    assert statuses == [404] * 10 + [429] * 2
    # Another case's citizen is not affected, and the guessed case is still open by its QR.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    form = hidden_fields(other.get("/track").get_data(as_text=True))
    assert other.post("/track", data={**form, "code": "7ZR-47X-K3D", "pin": "123456"}).status_code == 404
    assert app.test_client().get(f"/t/{receipt.token}").status_code == 200


def test_random_receipt_codes_reveal_nothing(client, fill_form):
    fill = hidden_fields(client.get("/track").get_data(as_text=True))
    pages = set()
    for i in range(8):
        body = codes.new_receipt_code()  # well-formed, so only the database could tell it apart
        response = client.post("/track", data={**fill, "code": body, "pin": "000000"})
        assert response.status_code == 404  # eight lookups, under the limit of ten
        page = response.get_data(as_text=True).replace(body, "")
        page = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", page)  # signed with the second
        pages.add(page.split("<form", 1)[1][:400])
    assert len(pages) == 1  # unknown codes all read alike (a typo is told apart: test_receipt_lookup.py)


def test_a_reply_is_rated_once_and_follow_ups_are_throttled(app, staff, make_receipt, session):
    receipt = make_receipt("replied", kind="suggestion")
    token, case_id = receipt.token, receipt.suggestion.id
    assert citizen_post(app, token, "rate", rating="unsatisfied").status_code == 303
    for rating in ("satisfied", "unsatisfied", "basically"):
        assert citizen_post(app, token, "rate", rating=rating).status_code == 409
    session.rollback()
    rates = session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.action == "rate"))
    assert rates == 1 and session.get(Suggestion, case_id).rating.value == "unsatisfied"
    app.config["FEEDBACK_RATE_LIMIT"] = "5 per hour"
    try:
        answers = [citizen_post(app, token, "follow-up", text=f"补充{i}").status_code for i in range(8)]
    finally:
        app.config["FEEDBACK_RATE_LIMIT"] = "20 per hour"
    assert answers == [303] * 5 + [429] * 3


def test_a_service_halls_queue_behind_one_address_files_while_one_browser_is_stopped(gunicorn, redis_url, session):
    server = gunicorn(workers=3, REDIS_URL=redis_url, YIMA_SUBMIT_FORM_RATE_LIMIT="3 per hour")
    forms = []
    for _ in range(25):  # more citizens in an hour than the old limit of 20 let through
        cookies = {}
        forms.append((cookies, {**open_form(server, "/p/YMQ2K8", cookies), **VALID}))
    answers = at_once([lambda c=c, f=f: request(server, "POST", "/p/YMQ2K8", cookies=c, form=f) for c, f in forms])
    assert [a.status for a in answers] == [303] * 25
    one = {}
    statuses = [request(server, "POST", "/submit", cookies=one, form={**open_form(server, "/submit", one), **VALID})
                .status for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert count_cases(session) == 28


def count_cases(session) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(Suggestion))


def test_fifteen_joins_in_a_second_over_three_workers_are_one_voice(gunicorn, make_case, session):
    from tests.web.test_metoo import FIRST, SECOND

    master = make_case(poster="YMQ2K8", **FIRST)
    session.commit()
    server = gunicorn(workers=3)
    joins = []
    for i in range(15):  # fresh cookies each time, a forged client address on every request
        cookies = {}
        joins.append((cookies, {**open_form(server, "/p/YMQ2K8", cookies), **SECOND,
                                "text": f"{SECOND['text']}（{i}）", "metoo": str(master.id)}))
    answers = at_once([lambda i=i: request(server, "POST", "/p/YMQ2K8", cookies=joins[i][0], form=joins[i][1],
                                           headers=spoofed(i)) for i in range(15)])
    assert sorted(a.status for a in answers) == [303] + [409] * 14
    session.rollback()
    joined = session.scalar(sa.select(sa.func.count()).select_from(Suggestion)
                            .where(Suggestion.merged_into_id == master.id))
    assert joined == 1 and session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 2
    for i, answer in enumerate(answers):
        if answer.status == 409:  # each refused citizen keeps their words
            assert f"（{i}）" in answer.text and "每人只计一次附议" in answer.text
