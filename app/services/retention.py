"""Retention (PIPL, GB/T 35273): forget citizens' names and phones once a case is long over.

The case, its timeline, its replies and its rating stay, so every figure is unchanged;
only `citizen_name` and `citizen_phone` are cleared, with what the outbox holds of the
citizen (each message's phone, words and template values: an SMS carries the tracking link),
their SMS consent, whose sealed token opens the case, and their photos and handwritten letter
(rows here; the files once the purge commits, app/cli/ops.py). Audit rows older than the audit
retention (never under 183 days, about six months) are deleted.

The keyed mark of the address a case was filed from (`filed_from`, app/domain/codes.py
client_mark) is kept CLIENT_MARK_DAYS only: long enough for a replay's PIN (minutes), the joins
per address (a day) and the supervision page's week of joins; the sweep then clears it
(forget_client_marks), and the purge clears it with the phone whatever its age.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.domain.workflow import CaseState
from app.models import AuditEvent, CaseEvent, OutboxMessage, Subscription, Suggestion
from app.services.audit import record_audit
from app.services.joins import GROWING_DAYS
from app.services.uploads import has_citizen_files, purge_files

MIN_AUDIT_DAYS = 183
CLIENT_MARK_DAYS = GROWING_DAYS  # the supervision page counts a week's joins per address
PURGED_BODY = "[purged]"  # what a purged message's words become: the row, its topic and status stay


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed."""

    cases: int  # cases whose name and phone were cleared
    audit_rows: int  # audit rows past their retention
    file_keys: tuple[str, ...] = ()  # their photos' and letters' files, to delete once this commits


def audit_days(configured: int) -> int:
    """The audit retention actually applied: the setting, but never under 183 days."""
    return max(MIN_AUDIT_DAYS, int(configured))


def ended_before(cutoff: datetime) -> sa.ColumnElement[bool]:
    """Cases that ended before `cutoff`: closed, rejected, or merged into a closed master."""
    master = aliased(Suggestion)
    last_event = (sa.select(sa.func.max(CaseEvent.at))
                  .where(CaseEvent.suggestion_id == Suggestion.id).scalar_subquery())
    # A merged case ends with its master: closed, or not accepted (its last event).
    master_ended = (sa.select(sa.func.max(CaseEvent.at))
                    .where(CaseEvent.suggestion_id == master.id, master.id == Suggestion.merged_into_id,
                           master.status.in_((CaseState.CLOSED, CaseState.REJECTED)))
                    .scalar_subquery())
    return sa.or_(
        sa.and_(Suggestion.status == CaseState.CLOSED, Suggestion.closed_at < cutoff),
        sa.and_(Suggestion.status == CaseState.REJECTED, last_event < cutoff),
        sa.and_(Suggestion.status == CaseState.MERGED, master_ended < cutoff),
    )


def _purge_outbox(session: Session, case_ids: list[int]) -> None:
    """Forget the citizen in the outbox of these cases; a message not sent yet never will be."""
    of_cases = OutboxMessage.case_id.in_(case_ids)
    session.execute(sa.update(OutboxMessage).where(of_cases, OutboxMessage.status == "pending")
                    .values(status="skipped", last_error="purged with the case's personal data")
                    .execution_options(synchronize_session=False))
    session.execute(sa.update(OutboxMessage).where(of_cases)
                    .values(phone=None, body=PURGED_BODY, subject="", params="{}")
                    .execution_options(synchronize_session=False))
    session.execute(sa.delete(Subscription).where(Subscription.case_id.in_(case_ids))
                    .execution_options(synchronize_session=False))


def forget_client_marks(session: Session, now: datetime) -> int:
    """Clear the address marks of cases filed over CLIENT_MARK_DAYS ago; how many were cleared.

    Idempotent and safe on several nodes at once (clearing twice clears nothing more). A Core
    UPDATE: the version counter stays, so a staff form open on the case still saves."""
    cutoff = now - timedelta(days=CLIENT_MARK_DAYS)
    cleared = session.execute(sa.update(Suggestion)
                              .where(Suggestion.filed_from.is_not(None), Suggestion.created_at < cutoff)
                              .values(filed_from=None).execution_options(synchronize_session=False))
    return cleared.rowcount or 0


def purge_personal_data(session: Session, now: datetime, retention_days: int,
                        audit_retention_days: int, actor: str = "cli") -> PurgeResult:
    """Clear name and phone of cases ended over `retention_days` ago; drop old audit rows.

    Idempotent: a second run finds nothing left to clear. Flushes, never commits; the purge
    itself is audited.
    """
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    cutoff = now - timedelta(days=retention_days)
    has_personal_data = sa.or_(Suggestion.citizen_name.is_not(None), Suggestion.citizen_phone.is_not(None),
                               Suggestion.filed_from.is_not(None), has_citizen_files())  # an anonymous citizen's photos are theirs too
    ids = session.scalars(sa.select(Suggestion.id).where(has_personal_data, ended_before(cutoff))).all()
    file_keys: list[str] = []
    for start in range(0, len(ids), 500):
        # Core UPDATE: the version counter stays, so a staff form open on the case still saves.
        chunk = ids[start:start + 500]
        session.execute(sa.update(Suggestion).where(Suggestion.id.in_(chunk))
                        .values(citizen_name=None, citizen_phone=None, filed_from=None)
                        .execution_options(synchronize_session=False))
        _purge_outbox(session, chunk)
        file_keys += purge_files(session, chunk)
    audit_cutoff = now - timedelta(days=audit_days(audit_retention_days))
    deleted = session.execute(sa.delete(AuditEvent).where(AuditEvent.at < audit_cutoff)
                              .execution_options(synchronize_session=False)).rowcount
    result = PurgeResult(cases=len(ids), audit_rows=deleted or 0, file_keys=tuple(file_keys))
    record_audit(session, now, "purge", username=actor, target=f"before:{cutoff.date().isoformat()}",
                 detail=f"cases cleared: {result.cases}, audit rows deleted: {result.audit_rows}")
    session.flush()
    return result
