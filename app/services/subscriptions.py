"""A citizen's consent to SMS about their case: given on the form (or noted by staff for a
caller), stopped from the tracking page. It keeps the tracking token sealed, for the links."""
from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from app.core.sealed import seal
from app.domain import phones
from app.domain.tellings import more_to_tell
from app.models import Subscription, Suggestion


def subscribe(session: Session, case_id: int, token: str, secret_key: str, now: datetime,
              recorded_by_id: Optional[int] = None) -> None:
    """Record the citizen's consent to SMS about their case (or staff's note of it)."""
    session.add(Subscription(case_id=case_id, token_sealed=seal(token, secret_key), consent_at=now,
                             recorded_by_id=recorded_by_id))


def stop(session: Session, case_id: int, now: datetime) -> bool:
    """The citizen stops the messages about their case; False if none were asked for."""
    subscription = session.get(Subscription, case_id)
    if subscription is None or subscription.stopped_at is not None:
        return False
    subscription.stopped_at = now
    session.flush()
    return True


def subscription_of(session: Session, case_id: int) -> Optional[Subscription]:
    """The citizen's consent to SMS about the case, stopped or not; None if never given."""
    return session.get(Subscription, case_id)


def is_told(session: Session, case: Suggestion) -> bool:
    """Whether the citizen of `case` gets SMS about it now."""
    if not phones.is_mobile(case.citizen_phone):
        return False  # first: most citizens give no mobile, and then no read is needed
    subscription = session.get(Subscription, case.id)
    return subscription is not None and subscription.stopped_at is None


def more_to_come(case: Suggestion) -> bool:
    """Whether an SMS about `case` may still come (app/domain/tellings.py more_to_tell): a
    finished case offers no "stop", and a stop posted anyway changes nothing."""
    master = case.merged_into
    return more_to_tell(case.status, master.status if master is not None else None)


def still_told(session: Session, case: Suggestion) -> bool:
    """Whether the citizen of `case` gets SMS about it now and may yet get another."""
    return more_to_come(case) and is_told(session, case)
