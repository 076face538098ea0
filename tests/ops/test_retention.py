"""`flask purge`: names and phones of long-ended cases go; the cases and every figure stay."""
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.models import AuditEvent, CaseEvent, Suggestion
from app.stats.figures import Period, total

EVERYTHING = Period(datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))


def _ago(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def _people(session):
    session.rollback()
    rows = session.execute(sa.select(Suggestion.id, Suggestion.citizen_name, Suggestion.citizen_phone))
    return {row.id: (row.citizen_name, row.citizen_phone) for row in rows}


def _figures(session):
    session.rollback()
    return asdict(total(session, None, EVERYTHING, datetime.now(timezone.utc)))


def test_purge_clears_only_long_ended_cases_and_keeps_every_figure(app, make_case, session):
    old_closed = make_case("closed", now=_ago(800)).id  # filed, answered and rated that day
    old_rejected = make_case("rejected", now=_ago(800)).id
    recent_closed = make_case("closed", now=_ago(100)).id
    still_open = make_case().id
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


def test_a_shorter_period_reaches_more_cases(app, make_case, session):
    case_id = make_case("closed", now=_ago(100)).id
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


def test_a_case_merged_into_a_master_not_accepted_long_ago_is_cleared_too(app, make_case, session, staff):
    from app import services
    from app.config import clocks
    from app.models import User

    master = make_case(now=_ago(800))
    merged = make_case("merged", master=master, now=_ago(800)).id
    lead = session.scalars(sa.select(User).where(User.username == "yangming-lead")).one()
    services.reject_case(session, master, lead, _ago(799), clocks(app.config), "不属于受理范围")
    session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "(ended over 730 days ago): 2" in result.output  # the master and the case merged into it
    assert _people(session)[merged] == (None, None)


def test_purge_forgets_the_citizen_in_the_outbox_and_their_sms_consent(app, make_receipt, session):
    from app.models import OutboxMessage, Subscription
    from app.services.retention import PURGED_BODY

    old = make_receipt("closed", told=True, now=_ago(800))
    recent = make_receipt("closed", told=True, now=_ago(100))
    session.commit()
    held = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.case_id == old.suggestion.id)).first()
    held.status = "pending"  # one never sent: after the purge it never will be, with no number to go to
    session.commit()
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    session.rollback()

    def outbox(case):
        return list(session.scalars(sa.select(OutboxMessage).where(OutboxMessage.case_id == case.suggestion.id)
                                    .order_by(OutboxMessage.id)))

    purged = outbox(old)
    assert [m.topic for m in purged] == ["receipt", "accepted", "replied", "closed"]  # the rows stay
    assert [(m.phone, m.body, m.params) for m in purged] == [(None, PURGED_BODY, "{}")] * 4
    assert not any(old.token in m.body or old.code in m.body for m in purged)
    assert {m.status for m in purged if m.id == held.id} == {"skipped"}
    assert session.get(Subscription, old.suggestion.id) is None

    kept = outbox(recent)
    assert kept and all(m.phone == "13812345678" and "/t/{token}" in m.body for m in kept)
    assert session.get(Subscription, recent.suggestion.id) is not None
