"""What the written notices say, from the case's own events: plain values for the print pages."""
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from app.domain.workflow import Action, Stage
from app.models import OrgUnit, Reply, Suggestion


@dataclass(frozen=True)
class ReceiptNotice:
    """A 受理告知书: `kind` "accepted" (with the answer's deadline) or "rejected" (with the reason)."""

    kind: str
    decided_at: datetime
    unit: OrgUnit
    reason: str = ""
    reply_due_at: Optional[datetime] = None


def receipt_notice(case: Suggestion) -> Optional[ReceiptNotice]:
    """The notice the citizen is owed once the unit decided (Art. 22), or None before that."""
    decided = next((e for e in reversed(case.events) if e.action in (Action.ACCEPT, Action.REJECT)), None)
    if decided is None:
        return None
    unit = decided.to_unit or case.unit
    if decided.action is Action.REJECT:
        return ReceiptNotice("rejected", decided.at, unit, reason=decided.message)
    first_due = next((r.due_at for r in case.replies if r.stage is Stage.FIRST), None)
    return ReceiptNotice("accepted", decided.at, unit, reply_due_at=first_due or case.reply_due_at)


def reviewing_unit(reply: Reply) -> Optional[OrgUnit]:
    """Whom the citizen may ask to look again at this answer: the unit above the one that gave
    it (复查 after a first answer, 复核 after a review answer); none after a re-review."""
    if reply.final:
        return None
    return reply.unit.parent
