"""Files of a case: their rows written once the files are stored, what the citizen and staff may
open, the numbers the exports list, the files purged with the personal data, and the orphans
(stored, never rowed: a form given up, a crash between the two) the sweep deletes."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.attachments import Attachment
from app.domain.attachments import CITIZENS_OWN, FileRole
from app.models import Suggestion, User
from app.services.access import get_case_for
from app.services.errors import NotFound
from app.storage import Store

ORPHAN_AGE = timedelta(hours=24)  # longer than a form is open (YIMA_CSRF_TIME_LIMIT, 4 hours)
HELD_FIELDS = ("key", "thumb_key", "media_type", "size", "width", "height", "checksum")


def attach(session: Session, case_id: int, held: Iterable[dict], role: FileRole, now: datetime,
           added_by: Optional[User] = None, reply_id: Optional[int] = None) -> list[Attachment]:
    """Rows for files already in the store (app/storage.py store_file); a file rowed before
    (the same form sent twice) is not rowed again. Flushes, never commits."""
    held = [dict((name, item.get(name)) for name in HELD_FIELDS) for item in held]
    if not held:
        return []
    known = set(session.scalars(sa.select(Attachment.key).where(Attachment.key.in_([h["key"] for h in held]))))
    rows = [Attachment(case_id=case_id, role=role.value, reply_id=reply_id, added_at=now,
                       added_by_id=added_by.id if added_by else None, **item)
            for item in held if item["key"] not in known]
    session.add_all(rows)
    session.flush()
    return rows


def not_on_case(session: Session, case_id: int, held: Iterable[dict]) -> list[dict]:
    """The held files whose content (checksum) the case holds no file of: what a form sent
    again carries beyond what its first sending attached."""
    held = list(held)
    if not held:
        return []
    known = set(session.scalars(sa.select(Attachment.checksum).where(Attachment.case_id == case_id)))
    return [item for item in held if item.get("checksum") not in known]


def files_of(session: Session, case_ids: Iterable[int]) -> list[Attachment]:
    """The files of these cases, oldest first."""
    return list(session.scalars(sa.select(Attachment).where(Attachment.case_id.in_(list(case_ids)))
                                .order_by(Attachment.id)))


def citizen_files(session: Session, case: Suggestion) -> list[Attachment]:
    """What the citizen of `case` sees: their photos and letter, and the files of the answers
    they are shown (a merged case's are its master's)."""
    own = [f for f in files_of(session, [case.id]) if f.role != FileRole.REPLY.value]
    shown = case.merged_into or case
    return own + [f for f in files_of(session, [shown.id]) if f.role == FileRole.REPLY.value]


def citizen_file(session: Session, case: Suggestion, file_id: int) -> Attachment:
    """One file the citizen of `case` may open, or NotFound."""
    for found in citizen_files(session, case):
        if found.id == file_id:
            return found
    raise NotFound(file_id)


def staff_file(session: Session, user: User, case_id: int, file_id: int) -> Attachment:
    """One file of a case `user` may see (app/services/access.py, reports' limits included), or NotFound."""
    case = get_case_for(session, user, case_id)
    found = session.get(Attachment, file_id)
    if found is None or found.case_id != case.id:
        raise NotFound(file_id)
    return found


def photo_count(case_id: sa.ColumnElement[int]) -> sa.ScalarSelect:
    """The number of photos (the citizen's and the counter's letter) of the case `case_id` names."""
    return (sa.select(sa.func.count()).select_from(Attachment)
            .where(Attachment.case_id == case_id, _citizens_own()).scalar_subquery())


def _citizens_own() -> sa.ColumnElement[bool]:
    return Attachment.role.in_([r.value for r in CITIZENS_OWN])


def has_citizen_files() -> sa.ColumnElement[bool]:
    """Cases (a query of Suggestion) that still hold their citizen's photos or letter."""
    return sa.exists().where(Attachment.case_id == Suggestion.id, _citizens_own())


def purge_files(session: Session, case_ids: list[int]) -> list[str]:
    """Delete the rows of the citizens' own files of these cases; the store keys to delete once
    the purge commits (a file whose deletion fails is then an orphan, which the sweep deletes)."""
    of_citizen = sa.and_(Attachment.case_id.in_(case_ids), _citizens_own())
    keys: list[str] = []
    for key, thumb_key in session.execute(sa.select(Attachment.key, Attachment.thumb_key).where(of_citizen)):
        keys += [key] + ([thumb_key] if thumb_key else [])
    session.execute(sa.delete(Attachment).where(of_citizen).execution_options(synchronize_session=False))
    return keys


@dataclass(frozen=True)
class OrphanSweep:
    """What a sweep of the store found and deleted."""

    seen: int
    deleted: int


def sweep_orphans(session: Session, store: Store, now: datetime, age: timedelta = ORPHAN_AGE) -> OrphanSweep:
    """Delete stored files older than `age` that no row names (held by a form never sent, or
    left by a purge or a crash). Safe on several nodes at once: deleting twice is harmless."""
    rowed: set[str] = set()
    for key, thumb_key in session.execute(sa.select(Attachment.key, Attachment.thumb_key)):
        rowed.update(k for k in (key, thumb_key) if k)
    seen = deleted = 0
    for stored in list(store.listing()):
        seen += 1
        if stored.key not in rowed and stored.written_at < now - age:
            store.delete(stored.key)
            deleted += 1
    return OrphanSweep(seen, deleted)
