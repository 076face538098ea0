"""Drafts kept through a sign-in: a case action's fields, stored under a random id for a short
while, and handed back once (app/staff/drafts.py decides when)."""
import json
import secrets
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import StaffDraft

KEEP_FOR = timedelta(hours=1)  # long enough to sign in again, short enough not to pile up


def keep_draft(session: Session, now: datetime, case_id: int, user_id: Optional[int], fields: dict[str, str]) -> str:
    """Store the fields; return the draft's id. Drafts older than KEEP_FOR go at the same time."""
    session.execute(sa.delete(StaffDraft).where(StaffDraft.created_at < now - KEEP_FOR))
    draft_id = secrets.token_urlsafe(32)
    session.add(StaffDraft(id=draft_id, user_id=user_id, case_id=case_id, fields=json.dumps(fields),
                           created_at=now))
    return draft_id


def take_draft(session: Session, now: datetime, draft_id: str, case_id: int,
               user_id: int) -> tuple[Optional[dict], bool]:
    """The fields of draft `draft_id` if it is this case's, this user's (or of a session that
    named nobody) and fresh, and whether the draft is gone now: it is deleted once taken, or
    when found too old or missing. (None, False) leaves another case's or user's draft alone."""
    draft = session.get(StaffDraft, draft_id)
    if draft is None:
        return None, True
    if draft.created_at < now - KEEP_FOR:
        session.delete(draft)
        return None, True
    if draft.case_id != case_id or draft.user_id not in (None, user_id):
        return None, False
    session.delete(draft)
    return json.loads(draft.fields), True
