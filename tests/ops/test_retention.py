"""`flask purge`: names and phones of long-ended cases go; the cases and every figure stay."""
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.domain.workflow import Action, CaseState
from app.models import AuditEvent, CaseEvent, Suggestion
from app.stats.figures import Period, total
from tests.web.staff_helpers import file_case

EVERYTHING = Period(datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))


def _end(session, case_id, status, days_ago):
    """Make a filed case one that ended `days_ago` days before today."""
    at = datetime.now(timezone.utc) - timedelta(days=days_ago)
    values = {"status": status, "created_at": at - timedelta(days=20), "received_at": at - timedelta(days=20)}
    if status == CaseState.CLOSED:
        values.update(closed_at=at, accepted_at=at - timedelta(days=19), replied_at=at - timedelta(days=10))
    session.execute(sa.update(Suggestion).where(Suggestion.id == case_id).values(**values))
    session.execute(sa.update(CaseEvent).where(CaseEvent.suggestion_id == case_id).values(at=at - timedelta(days=20)))
    if status == CaseState.REJECTED:
        session.add(CaseEvent(suggestion_id=case_id, at=at, action=Action.REJECT, public=True,
                              from_status=CaseState.SUBMITTED, to_status=CaseState.REJECTED))
    session.commit()


def _people(session):
    session.rollback()
    rows = session.execute(sa.select(Suggestion.id, Suggestion.citizen_name, Suggestion.citizen_phone))
    return {row.id: (row.citizen_name, row.citizen_phone) for row in rows}


def _figures(session):
    session.rollback()
    return asdict(total(session, None, EVERYTHING, datetime.now(timezone.utc)))


def test_purge_clears_only_long_ended_cases_and_keeps_every_figure(app, session):
    old_closed = file_case(app)[1]
    old_rejected = file_case(app)[1]
    recent_closed = file_case(app)[1]
    still_open = file_case(app)[1]
    _end(session, old_closed, CaseState.CLOSED, 800)
    _end(session, old_rejected, CaseState.REJECTED, 800)
    _end(session, recent_closed, CaseState.CLOSED, 100)
    events_before = session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))
    figures_before = _figures(session)
    assert figures_before["closed"] == 2 and figures_before["volume"] == 4

    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "(ended over 730 days ago): 2" in result.output

    people = _people(session)
    assert people[old_closed] == (None, None) and people[old_rejected] == (None, None)
    assert people[recent_closed] == ("张三", "13812345678") == people[still_open]
    assert _figures(session) == figures_before
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == events_before
    assert len(people) == 4

    again = app.test_cli_runner().invoke(args=["purge"])
    assert "(ended over 730 days ago): 0" in again.output
    session.rollback()
    assert [e.action for e in session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))] == ["purge", "purge"]


def test_a_shorter_period_reaches_more_cases(app, session):
    case_id = file_case(app)[1]
    _end(session, case_id, CaseState.CLOSED, 100)
    assert "): 1" in app.test_cli_runner().invoke(args=["purge", "--days", "90"]).output
    assert _people(session)[case_id] == (None, None)


def test_audit_rows_are_kept_at_least_183_days_whatever_the_setting(app, session):
    now = datetime.now(timezone.utc)
    for days in (10, 182, 184, 400):
        session.add(AuditEvent(at=now - timedelta(days=days), action="login", username=f"d{days}"))
    session.commit()
    app.config["AUDIT_RETENTION_DAYS"] = 30  # too short: 183 applies
    try:
        result = app.test_cli_runner().invoke(args=["purge"])
    finally:
        app.config["AUDIT_RETENTION_DAYS"] = 365
    assert "(older than 183 days): 2" in result.output
    session.rollback()
    left = set(session.scalars(sa.select(AuditEvent.username).where(AuditEvent.action == "login")))
    assert left == {"d10", "d182"}
