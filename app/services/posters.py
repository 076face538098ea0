"""Posters: who manages which, the steps that create, edit and deactivate one, their figures,
and what each prints (a PosterSpec built from PUBLIC_BASE_URL, never from the request).

A poster's code is printed on a wall for years, so it is drawn once, never changed and never
reused: there is no delete, and deactivating keeps the row (its URL then reaches the dispatch
centre). Every step is audited, flushes, and never commits.
"""
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from app.domain import codes
from app.domain.policy import POSTERS_OF_OWN_UNIT, POSTERS_OF_SUBTREE
from app.models import Category, OrgUnit, Poster, User
from app.services.audit import record_audit
from app.services.access import sees_reports, subtree_ids
from app.services.errors import NotFound, Refused
from app.stats.figures import Period, cases_by_poster, scans_by_poster
from qr.print_layout import PosterSpec

CODE_ATTEMPTS = 20


@dataclass(frozen=True)
class PosterData:
    """What staff type about a poster, already validated by the form."""

    place_label: str
    unit_id: int
    category_id: Optional[int] = None
    note: str = ""


@dataclass(frozen=True)
class PosterStats:
    """One poster's figures for a period; conversion is None when nobody scanned."""

    scans: int = 0
    submissions: int = 0

    @property
    def conversion(self) -> Optional[float]:
        """Submissions per scan."""
        return self.submissions / self.scans if self.scans else None


def poster_unit_ids(session: Session, user: User) -> set[int]:
    """The units whose posters `user` may manage; empty for roles that manage none."""
    if user.role in POSTERS_OF_SUBTREE:
        return subtree_ids(session, user.unit_id)
    if user.role in POSTERS_OF_OWN_UNIT:
        return {user.unit_id}
    return set()


def scope_units(session: Session, user: User) -> list[OrgUnit]:
    """The active units `user` may give a poster to, in tree order."""
    ids = poster_unit_ids(session, user)
    return list(session.scalars(sa.select(OrgUnit).where(OrgUnit.id.in_(ids), OrgUnit.active)
                                .order_by(OrgUnit.kind, OrgUnit.id)))


def posters_query(session: Session, user: User) -> sa.Select:
    """A query of the posters `user` manages, with unit and category, by unit then code."""
    return (sa.select(Poster).where(Poster.unit_id.in_(poster_unit_ids(session, user)))
            .options(joinedload(Poster.unit), joinedload(Poster.category))
            .order_by(Poster.unit_id, Poster.code))


def get_poster_for(session: Session, user: User, poster_id: int) -> Poster:
    """The poster, if `user` manages it; otherwise NotFound (another unit's reads as none)."""
    poster = session.scalars(posters_query(session, user).where(Poster.id == poster_id)).first()
    if poster is None:
        raise NotFound(poster_id)
    return poster


def _check(session: Session, actor: User, data: PosterData) -> None:
    if not data.place_label.strip():
        raise Refused("place_label")
    if data.unit_id not in poster_unit_ids(session, actor):
        raise Refused("unit")
    if data.category_id is not None:
        category = session.get(Category, data.category_id)
        if category is None or not category.active:
            raise Refused("category")


def _audit(session: Session, actor: Optional[User], now: datetime, action: str, target: str,
           address: str = "", detail: str = "") -> None:
    record_audit(session, now, action, actor=actor, username="" if actor else "cli", target=target,
                 address=address, detail=detail)


def create_poster(session: Session, actor: User, data: PosterData, now: datetime,
                  address: str = "") -> Poster:
    """Create a poster with a fresh random code (drawn again on the rare clash); audited."""
    _check(session, actor, data)
    for _attempt in range(CODE_ATTEMPTS):
        poster = Poster(code=codes.new_poster_code(), place_label=data.place_label.strip(),
                        unit_id=data.unit_id, category_id=data.category_id, note=data.note.strip(),
                        active=True, created_at=now)
        try:
            # A savepoint, so a code clash undoes only this attempt.
            with session.begin_nested():
                session.add(poster)
                session.flush()
        except IntegrityError:
            continue
        _audit(session, actor, now, "poster_create", f"poster:{poster.code}", address,
               poster.place_label)
        session.flush()
        return poster
    raise RuntimeError("no free poster code after several attempts")


def update_poster(session: Session, poster: Poster, actor: User, data: PosterData, now: datetime,
                  address: str = "") -> Poster:
    """Change a poster's label, unit, matter or note; its code never changes. Audited."""
    _check(session, actor, data)
    new = {"place_label": data.place_label.strip(), "unit_id": data.unit_id,
           "category_id": data.category_id, "note": data.note.strip()}
    changed = [name for name, value in new.items() if getattr(poster, name) != value]
    for name in changed:
        setattr(poster, name, new[name])
    _audit(session, actor, now, "poster_update", f"poster:{poster.code}", address, ",".join(changed))
    session.flush()
    return poster


def deactivate_poster(session: Session, poster: Poster, actor: User, now: datetime,
                      address: str = "") -> Poster:
    """Retire a poster: its printed URL keeps working and routes to the dispatch centre."""
    if not poster.active:
        raise Refused("inactive")
    poster.active = False
    poster.deactivated_at = now
    _audit(session, actor, now, "poster_deactivate", f"poster:{poster.code}", address)
    session.flush()
    return poster


def record_export(session: Session, actor: Optional[User], now: datetime, target: str,
                  posters: Sequence[str], what: str, address: str = "") -> None:
    """Audit a download or print file: which posters went out, and in which format."""
    _audit(session, actor, now, "poster_export", target, address, f"{what}: " + " ".join(posters))
    session.flush()


def period_bounds(date_from: date, date_to: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local calendar days from `date_from` through `date_to` as a half-open UTC interval."""
    start = datetime.combine(date_from, time(), zone)
    end = datetime.combine(date_to + timedelta(days=1), time(), zone)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def poster_stats(session: Session, user: User, date_from: datetime, date_to: datetime
                 ) -> dict[int, PosterStats]:
    """Scans and submissions in [date_from, date_to) of every poster `user` manages.

    One grouped query for scans and one for submissions, whatever the number of posters.
    Posters with neither are left out (read them as zero).
    """
    managed = sa.select(Poster.id).where(Poster.unit_id.in_(poster_unit_ids(session, user)))
    period = Period(date_from, date_to)
    scans = scans_by_poster(session, managed, period)  # the dashboard's definitions, not copies
    submissions = cases_by_poster(session, managed, period, None if sees_reports(user) else False)
    return {pid: PosterStats(scans.get(pid, 0), submissions.get(pid, 0))
            for pid in scans.keys() | submissions.keys()}


def printable(session: Session, user: Optional[User], *, poster_ids: Iterable[int] = (),
              poster_codes: Iterable[str] = (), unit_id: Optional[int] = None) -> sa.Select:
    """A query of the active posters to print: chosen ids or codes, or a unit's whole subtree.

    `user` limits it to what they manage; None (the print shop's CLI) limits nothing.
    """
    query = (sa.select(Poster).where(Poster.active).options(joinedload(Poster.unit))
             .order_by(Poster.unit_id, Poster.code))
    if user is not None:
        query = query.where(Poster.unit_id.in_(poster_unit_ids(session, user)))
    if unit_id is not None:
        query = query.where(Poster.unit_id.in_(subtree_ids(session, unit_id)))
    else:
        query = query.where(sa.or_(Poster.id.in_(list(poster_ids)),
                                   Poster.code.in_([c.upper() for c in poster_codes])))
    return query


def specs_for(posters: Iterable[Poster], base_url: str, county_name: str) -> Iterator[PosterSpec]:
    """What each poster prints; the URL is built from the configured public base URL."""
    base = base_url.rstrip("/")
    for poster in posters:
        yield PosterSpec(code=poster.code, url=f"{base}/p/{poster.code}",
                         unit_name=poster.unit.name, place_label=poster.place_label,
                         county_name=county_name)
