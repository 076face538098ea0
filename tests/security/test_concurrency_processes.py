"""Concurrency between processes: gunicorn workers and nodes, not just threads of one app.

tests/web covers fifty different submissions, one form sent twice, two forwards and two
sweeps in threads of one process; here the same races run across real worker processes.
"""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import CaseEvent, Suggestion
from tests.security.server import CSRF_RE, at_once, open_form, request
from tests.web.helpers import VALID

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def signed_in(server, username):
    cookies = {}
    token = open_form(server, "/staff/login", cookies)["csrf_token"]
    answer = request(server, "POST", "/staff/login", cookies=cookies,
                     form={"csrf_token": token, "username": username, "password": PASSWORD})
    assert answer.status == 302
    return cookies


def test_one_form_sent_eight_times_at_once_to_three_workers_files_one_case(gunicorn, session):
    server = gunicorn(workers=3, YIMA_SUBMIT_RATE_LIMIT="100 per minute")
    cookies = {}
    form = {**open_form(server, "/p/YMQ2K8", cookies), **VALID}
    answers = at_once([lambda: request(server, "POST", "/p/YMQ2K8", cookies=dict(cookies), form=form)] * 8)
    assert {a.status for a in answers} == {303}
    assert len({a.headers["location"] for a in answers}) == 1
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 1


def test_two_staff_taking_different_steps_at_once_one_wins_whole(app, gunicorn, staff, make_case, session):
    case_id = make_case().id
    server = gunicorn(workers=2)
    handler, lead = signed_in(server, "yangming"), signed_in(server, "yangming-lead")
    page = lambda who: request(server, "GET", f"/staff/cases/{case_id}", cookies=who).text  # noqa: E731
    forms = [{"csrf_token": CSRF_RE.search(page(who)).group(1), "version": "1", "message": "理由"}
             for who in (handler, lead)]
    answers = at_once([
        lambda: request(server, "POST", f"/staff/cases/{case_id}/accept", cookies=handler, form=forms[0]),
        lambda: request(server, "POST", f"/staff/cases/{case_id}/reject", cookies=lead, form=forms[1]),
    ])
    assert sorted(a.status for a in answers) == [303, 409]
    session.rollback()
    case = session.get(Suggestion, case_id)
    events = session.scalars(sa.select(CaseEvent.action).where(CaseEvent.suggestion_id == case_id)).all()
    won = "accept" if answers[0].status == 303 else "reject"
    assert case.status.value == {"accept": "accepted", "reject": "rejected"}[won]
    assert sorted(e.value for e in events) == sorted(["submit", won]) and case.version == 2


def test_the_sweep_on_two_nodes_at_once_flags_each_case_once(app, staff, make_case, session, server_env):
    ids = [make_case().id for _ in range(15)]
    session.rollback()
    session.execute(sa.update(Suggestion).where(Suggestion.id.in_(ids)).values(due_at=utcnow() - timedelta(hours=1)))
    session.commit()
    env = {**os.environ, **{k: v for k, v in server_env.items() if v is not None}}
    env.pop("REDIS_URL", None)
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "sweep"]
    nodes = [subprocess.Popen(flask, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [node.communicate(timeout=120) for node in nodes]
    assert [node.returncode for node in nodes] == [0, 0], outputs
    session.rollback()
    flags = session.scalars(sa.select(CaseEvent.suggestion_id).where(CaseEvent.action == "flag_overdue")).all()
    assert sorted(flags) == sorted(ids)


def test_many_writers_at_once_never_see_database_is_locked(app, gunicorn, staff, make_case, session):
    case_id = make_case().id
    server = gunicorn(workers=4, YIMA_SUBMIT_RATE_LIMIT="1000 per minute")
    handler = signed_in(server, "yangming")
    token = CSRF_RE.search(request(server, "GET", f"/staff/cases/{case_id}", cookies=handler).text).group(1)
    forms = []
    for _ in range(32):
        cookies = {}
        forms.append((cookies, {**open_form(server, "/submit", cookies), **VALID}))
    calls = [lambda c=c, f=f: request(server, "POST", "/submit", cookies=c, form=f) for c, f in forms]
    calls += [lambda i=i: request(server, "POST", f"/staff/cases/{case_id}/note", cookies=dict(handler),
                                  form={"csrf_token": token, "message": f"并发备注{i}"}) for i in range(8)]
    answers = at_once(calls)
    assert [a.status for a in answers] == [303] * 40, [getattr(a, "status", a) for a in answers]
    assert "locked" not in server.log()
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 33
    notes = session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.action == "note"))
    assert notes == 8
