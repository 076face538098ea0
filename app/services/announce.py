"""The steps of a transaction waiting to be told: app/notify/watch.py collects the events a
session flushes, intake (which writes its event in bulk) notes its own, and at the commit
app/services/outbox.py queues the messages they cause, in the same transaction."""
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from app.domain.workflow import Action

STEPS = "yima_steps"  # session.info: the steps noted in this transaction


@dataclass(frozen=True)
class Step:
    """A step on a case worth telling: an event just written (app/notify/watch.py collects
    them from the session; intake, which writes its event in bulk, notes it itself)."""

    case_id: int
    action: Action
    event_id: int
    at: datetime
    message: str = ""
    to_unit_id: Optional[int] = None
    public: bool = True


def note_step(session: Session, step: Step) -> None:
    """Have `step` told when the session's transaction commits."""
    session.info.setdefault(STEPS, []).append(step)
