"""Faults: the database gone mid-request, a worker killed mid-submission, a restart.

Every case checks the safe outcome: a calm 503 and nothing half-written; a case that exists
whole or not at all (and a retry of the same form that files it exactly once); sessions and
CSRF tokens that survive a restart because the secret key is kept, not drawn anew.
"""
import os
import signal
import threading
import time
import urllib.parse

import pytest
import sqlalchemy as sa

from app.models import CaseEvent, Suggestion
from tests.conftest import hidden_fields
from tests.security.server import TcpProxy, at_once, free_port, open_form, request
from tests.web.helpers import VALID

PASSWORD = "correct horse battery"


def counts(session):
    session.rollback()
    cases = session.scalar(sa.select(sa.func.count()).select_from(Suggestion))
    events = session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))
    return cases, events


def assert_whole(session):
    """Every case has exactly its submission event: nothing was half-written."""
    session.rollback()
    per_case = session.execute(sa.select(Suggestion.id, sa.func.count(CaseEvent.id))
                               .outerjoin(CaseEvent, CaseEvent.suggestion_id == Suggestion.id)
                               .group_by(Suggestion.id)).all()
    assert all(n == 1 for _, n in per_case), per_case


def test_a_database_that_does_not_answer_gives_a_calm_503(gunicorn, session):
    server = gunicorn(workers=1, DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/gone")
    for path in ("/p/YMQ2K8", "/t/" + "A" * 32, "/submit"):
        page = request(server, "GET", path)
        assert page.status == 503 and page.headers.get("retry-after") == "30", (path, page.status)
        assert "Traceback" not in page.text and "psycopg" not in page.text
    health = request(server, "GET", "/healthz")
    assert health.status == 503 and "unavailable" in health.text


def test_postgresql_cut_before_commit_keeps_nothing_and_recovers(app, gunicorn, session):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("cuts a PostgreSQL connection; CI runs it on PostgreSQL")
    proxy = TcpProxy(url.port or 5432)
    try:
        server = gunicorn(workers=1, DATABASE_URL=url.set(host="127.0.0.1", port=proxy.port)
                          .render_as_string(hide_password=False))
        cookies = {}
        form = {**open_form(server, "/p/YMQ2K8", cookies), **VALID}
        before = counts(session)
        proxy.cut_on = b"COMMIT"  # the database goes away just as the case would be committed
        failed = request(server, "POST", "/p/YMQ2K8", cookies=cookies, form=form)
        assert failed.status == 503 and proxy.cuts == 1
        assert counts(session) == before  # nothing half-written
        # The page gives the words back in the form, with the same key and a usable CSRF token.
        back = hidden_fields(failed.text)
        assert back["submission_key"] == form["submission_key"] and VALID["text"] in failed.text
        proxy.back()
        retried = request(server, "POST", "/p/YMQ2K8", cookies=cookies, form={**form, **back})
        assert retried.status == 303  # the same form, once the database is back
        assert counts(session) == (before[0] + 1, before[1] + 1)
        assert request(server, "GET", urllib.parse.urlsplit(retried.headers["location"]).path).status == 200
    finally:
        proxy.close()


def test_a_worker_killed_during_submissions_leaves_whole_cases_and_a_retry_files_each_once(gunicorn, session):
    server = gunicorn(workers=2, YIMA_SUBMIT_RATE_LIMIT="1000 per minute")
    forms = []
    for _ in range(24):
        cookies = {}
        forms.append((cookies, {**open_form(server, "/submit", cookies), **VALID}))

    def kill_one_worker():
        time.sleep(0.05)
        os.kill(server.worker_pids()[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_one_worker)
    killer.start()
    first = at_once([lambda c=c, f=f: request(server, "POST", "/submit", cookies=c, form=f, timeout=30)
                     for c, f in forms])
    killer.join()
    assert_whole(session)
    # Each was filed, or dropped by the dying worker mid-request; the other worker went on answering.
    outcomes = ["dropped" if isinstance(a, ConnectionError) else getattr(a, "status", a) for a in first]
    assert set(outcomes) <= {303, "dropped"} and 303 in outcomes, outcomes
    # The citizens whose page failed press Submit again (everyone does, to be sure).
    time.sleep(1)  # the master replaces the worker
    again = [request(server, "POST", "/submit", cookies=c, form=f) for c, f in forms]
    assert [a.status for a in again] == [303] * len(forms)
    assert counts(session) == (len(forms), len(forms))
    assert_whole(session)


def test_a_restart_keeps_sessions_and_csrf_tokens(gunicorn, staff, session):
    server = gunicorn(workers=2, SECRET_KEY=None)  # the key made once and kept under instance/
    staff_cookies = {}
    token = open_form(server, "/staff/login", staff_cookies)["csrf_token"]
    assert request(server, "POST", "/staff/login", cookies=staff_cookies,
                   form={"csrf_token": token, "username": "yangming", "password": PASSWORD}).status == 302
    citizen = {}
    form = {**open_form(server, "/p/YMQ2K8", citizen), **VALID}
    server.stop()
    server.start()
    assert request(server, "GET", "/staff/", cookies=staff_cookies).status == 200
    assert request(server, "POST", "/p/YMQ2K8", cookies=citizen, form=form).status == 303
    assert counts(session)[0] == 1
