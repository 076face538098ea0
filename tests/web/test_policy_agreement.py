"""The case page offers exactly what the service steps accept: every demo role, on cases in
every state the lifecycle reaches, for every staff action (and the phone reveal)."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.core.extensions import db
from app.domain import codes
from app.domain.workflow import STAFF_ACTIONS, Action, Kind, Rating
from app.models import OrgUnit, Suggestion, User
from app.demo.seed import DEMO_USERS
from tests.web.staff_helpers import signed_in

DECISION = services.ReplyText(body="已处理", claim="c", facts="f", decision="d", basis="b")
OFFERED = re.compile(r'action="/staff/cases/\d+/(\w+)"')


def _unit(code):
    return db.session.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).one()


def _build(app) -> dict[str, int]:
    """One case per state worth telling apart, built through the service steps."""
    cl, key = clocks(app.config), app.config["SECRET_KEY"]
    user = {u.username: u for u in db.session.scalars(sa.select(User))}
    h, lead, d = user["yangming"], user["yangming-lead"], user["dispatch"]
    now = utcnow()
    start = now - timedelta(days=cl.accept_days - 2)  # a new case is due soon by now

    def new(poster="YMQ2K8", at=start):
        data = services.Submission(submission_key=codes.new_submission_key(), kind=Kind.SUGGESTION,
                                   text="路灯坏了很久了", category_id=None, poster_code=poster,
                                   citizen_phone="13812345678")
        return services.submit_suggestion(db.session, data, cl, key, at).suggestion

    cases = {"submitted": new(), "at_centre": new(poster=None)}
    cases["forwarded"] = new(poster=None)
    services.forward_case(db.session, cases["forwarded"], d, now - timedelta(hours=1), cl, _unit("330281-YM"), "属地")
    for name in ("accepted", "asked", "extended", "replied", "review", "re_review", "closed", "merged"):
        cases[name] = case = new()
        services.accept_case(db.session, case, h, start, cl)
    services.request_extension(db.session, cases["asked"], h, start, cl, 10, "需要勘测")
    services.extend_case(db.session, cases["extended"], lead, start, cl, 10, "需要勘测")
    for name in ("replied", "review", "re_review", "closed"):
        services.reply_to_case(db.session, cases[name], h, start, cl, DECISION)
    services.rate_reply(db.session, cases["closed"], Rating.SATISFIED, "", start, cl)
    for name in ("review", "re_review"):
        services.rate_reply(db.session, cases[name], Rating.UNSATISFIED, "", start, cl)
        services.request_review(db.session, cases[name], "不满意", start, cl)
    services.reply_to_case(db.session, cases["re_review"], user["yuyao-supervisor"], start, cl, DECISION)
    services.rate_reply(db.session, cases["re_review"], Rating.UNSATISFIED, "", start, cl)
    services.request_review(db.session, cases["re_review"], "仍不满意", start, cl)
    services.merge_case(db.session, cases["merged"], lead, start, cl, cases["accepted"])
    cases["rejected"] = new()
    services.reject_case(db.session, cases["rejected"], h, start, cl, "不属于受理范围")
    cases["report"] = new()
    services.mark_report(db.session, cases["report"], h, start, cl, "举报")
    db.session.commit()
    return {name: case.id for name, case in cases.items()}


def _try(action: Action, case, actor, master, now, cl):
    """Take `action` with valid input for it; Refused if the service says no."""
    s, text = db.session, "理由"
    if action is Action.FORWARD:
        target = next(u for u in db.session.scalars(sa.select(OrgUnit).where(OrgUnit.active))
                      if u.id != case.unit_id)
        return services.forward_case(s, case, actor, now, cl, target, text)
    if action is Action.ASSIGN:
        people = db.session.scalars(sa.select(User).where(User.unit_id == case.unit_id, User.role != "admin"))
        return services.assign_case(s, case, actor, now, cl, next(iter(people)))
    if action is Action.MERGE:
        return services.merge_case(s, case, actor, now, cl, master)
    steps = {
        Action.ACCEPT: lambda: services.accept_case(s, case, actor, now, cl),
        Action.REJECT: lambda: services.reject_case(s, case, actor, now, cl, text),
        Action.RETURN: lambda: services.return_case(s, case, actor, now, cl, text),
        Action.NOTE: lambda: services.add_note(s, case, actor, now, cl, text),
        Action.REPLY: lambda: services.reply_to_case(s, case, actor, now, cl, DECISION),
        Action.REQUEST_EXTENSION: lambda: services.request_extension(s, case, actor, now, cl, 5, text),
        Action.EXTEND: lambda: services.extend_case(s, case, actor, now, cl, 5, text),
        Action.REFUSE_EXTENSION: lambda: services.refuse_extension(s, case, actor, now, cl, text),
        Action.URGE: lambda: services.urge_case(s, case, actor, now, cl, text),
        Action.MARK_REPORT: lambda: services.mark_report(s, case, actor, now, cl, text),
        Action.REVEAL_PHONE: lambda: services.reveal_phone(s, case, actor, now, cl),
    }
    return steps[action]()


@pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
def test_the_page_offers_what_the_service_accepts(app, staff, username):
    with app.app_context():
        ids = _build(app)
        master_ids = {ids["accepted"], ids["submitted"]}
    client = signed_in(app, username)
    checked = 0
    for name, case_id in ids.items():
        page = client.get(f"/staff/cases/{case_id}")
        offered = set(OFFERED.findall(page.get_data(as_text=True))) if page.status_code == 200 else set()
        with app.app_context():
            cl, actor = clocks(app.config), db.session.scalars(sa.select(User).where(User.username == username)).one()
            master = db.session.get(Suggestion, next(i for i in master_ids if i != case_id))
            for action in (*STAFF_ACTIONS, Action.REVEAL_PHONE):
                savepoint = db.session.begin_nested()
                try:
                    case = services.get_case_for(db.session, actor, case_id)
                    _try(action, case, actor, master, utcnow(), cl)
                    accepted = True
                except (services.Refused, services.NotFound):
                    accepted = False
                savepoint.rollback()
                assert (action.value in offered) == accepted, (username, name, action.value)
                checked += 1
            db.session.rollback()
    assert checked == len(ids) * (len(STAFF_ACTIONS) + 1)


def test_a_county_supervisor_is_not_offered_a_towns_reply_but_urges_it(app, staff):
    with app.app_context():
        ids = _build(app)
    page = signed_in(app, "yuyao-supervisor").get(f"/staff/cases/{ids['submitted']}").get_data(as_text=True)
    offered = set(OFFERED.findall(page))
    assert "reply" not in offered and "assign" not in offered and "accept" not in offered
    assert {"urge", "note", "mark_report"} <= offered  # due soon: a supervisor may urge it
    accepted = signed_in(app, "yuyao-supervisor").get(f"/staff/cases/{ids['accepted']}").get_data(as_text=True)
    assert "urge" not in set(OFFERED.findall(accepted))  # its answer is weeks away


def test_send_back_is_offered_only_on_a_forwarded_case(app, staff):
    with app.app_context():
        ids = _build(app)
    handler = signed_in(app, "yangming")
    assert "return" in OFFERED.findall(handler.get(f"/staff/cases/{ids['forwarded']}").get_data(as_text=True))
    assert "return" not in OFFERED.findall(handler.get(f"/staff/cases/{ids['submitted']}").get_data(as_text=True))
