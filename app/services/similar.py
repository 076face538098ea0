"""Similar open cases: the few cases a new text (or a case on a staff page) most likely repeats.

One indexed read narrows the cases to those that could be the same matter: open, filed within
the window, at the same poster or of the same matter (two partial indexes of open cases only,
migrations/versions/0013_similar.py), newest first and at most CANDIDATES of them, each with the
signature kept when it was filed (remember_signature, called by intake). Python then compares
the signatures (app/domain/similarity.py) and keeps those at or above the threshold; a case
filed before signatures were kept is read from its text, which costs some fifty times more.
A staff member sees only cases in their scope (app/services/access.py); a citizen's hint never
offers a report or accusation (检举控告), whoever may see it.
"""
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import similarity
from app.domain.workflow import OPEN_STATES, CaseState
from app.models import CaseSignature, Poster, Suggestion, User
from app.services.access import case_scope

# Newest first, this many open cases at most are compared (bench/similar.py times it).
CANDIDATES = 300


@dataclass(frozen=True)
class Match:
    """An open case like the text asked about: its id, how alike (0..1), and whether it was
    filed at the same poster."""

    case_id: int
    score: float
    same_poster: bool


def remember_signature(session: Session, case_id: int, text: str, location: str = "") -> None:
    """Keep what similarity compares of a case just filed; one INSERT, in the filing's transaction."""
    place, matter, words = similarity.signature(similarity.profile(text, location))
    session.connection().execute(_SIGNATURE, dict(case_id=case_id, place=place, matter=matter, words=words))


_SIGNATURE = sa.insert(CaseSignature.__table__)  # Core: the ORM's bulk INSERT cost more than the statement


def similar_open_cases(session: Session, text: str, now: datetime, *, poster_id: Optional[int] = None,
                       category_id: Optional[int] = None, location: str = "", actor: Optional[User] = None,
                       exclude_id: Optional[int] = None, limit: int = 5) -> list[Match]:
    """The open cases most like `text` filed in the last similarity.WINDOW_DAYS at the same poster or
    of the same matter, best first; only those `actor` may see (None: a citizen, no reports)."""
    near = tuple(name for name, value in (("poster_id", poster_id), ("category_id", category_id)) if value is not None)
    if not near:
        return []
    if actor is None:
        query = _citizens_candidates(near, exclude_id is not None)
    else:
        query = _candidates(near, case_scope(session, actor), exclude_id is not None)
    values = {"poster_id": poster_id, "category_id": category_id, "exclude_id": exclude_id,
              "since": now - timedelta(days=similarity.WINDOW_DAYS)}
    asked = similarity.profile(text, location or _place_label(session, poster_id))
    rows = session.connection().execute(query, values).all()  # Core: the ORM's bookkeeping loads no object here
    unsigned = _texts(session, [row.id for row in rows if row.place is None])
    labels: dict[str, frozenset[str]] = {}  # a poster's label, read once however many cases name it
    matches = []
    for row in rows:
        same_poster = poster_id is not None and row.poster_id == poster_id
        label = row.place_label or ""
        if row.place is None:
            their_text, their_location = unsigned[row.id]
            score = similarity.similarity(asked, similarity.profile(their_text, their_location or label),
                                          same_place=same_poster)
        else:
            if label not in labels:
                labels[label] = similarity.place_grams(label)
            score = similarity.signature_similarity(asked, row.place, row.matter, row.words, labels[label],
                                                    same_place=same_poster)
        if score >= similarity.THRESHOLD:
            matches.append(Match(row.id, round(score, 3), same_poster))
    matches.sort(key=lambda m: (-m.score, -m.case_id))
    return matches[:limit]


def _candidates(near: tuple[str, ...], scope, excluding: bool) -> sa.Select:
    """The open cases to compare, newest first: at the poster and/or of the matter named in
    `near` ("poster_id", "category_id"), filed since `since`, within `scope`, each with its
    poster's label and signature. Its values are bound by name when it runs."""
    # One limited read per index (at the poster, of the matter), newest first: each stops after
    # CANDIDATES rows of its partial index instead of sorting every open case of a busy matter.
    newest = []
    for name in near:
        one = (sa.select(Suggestion.id, Suggestion.created_at)
               .where(getattr(Suggestion, name) == sa.bindparam(name), Suggestion.status.in_(sorted(OPEN_STATES)),
                      Suggestion.created_at >= sa.bindparam("since"), scope)
               .order_by(Suggestion.created_at.desc()).limit(CANDIDATES))
        if excluding:
            one = one.where(Suggestion.id != sa.bindparam("exclude_id"))
        one = one.subquery()
        newest.append(sa.select(one.c.id, one.c.created_at))
    ids = sa.union(*newest).subquery()
    return (
        sa.select(ids.c.id, Suggestion.poster_id, Poster.place_label, CaseSignature.place, CaseSignature.matter,
                  CaseSignature.words)
        .join(Suggestion, Suggestion.id == ids.c.id)
        .outerjoin(Poster, Poster.id == Suggestion.poster_id)
        .outerjoin(CaseSignature, CaseSignature.case_id == ids.c.id)
        .order_by(ids.c.created_at.desc()).limit(CANDIDATES)
    )


@functools.lru_cache(maxsize=8)
def _citizens_candidates(near: tuple[str, ...], excluding: bool) -> sa.Select:
    """_candidates() for a citizen's hint (never a report), built once per shape: building the
    statement cost more than SQLite running it, on every filing (bench/inprocess.py)."""
    return _candidates(near, Suggestion.is_report.is_(False), excluding)


def similar_to_case(session: Session, case: Suggestion, actor: User, now: datetime,
                    limit: int = 5) -> list[tuple[Suggestion, Match]]:
    """The open cases in `actor`'s scope most like `case` (for its staff page), best first; none
    for a case merged into another (or joined, 附议): it is handled there, whose page lists them."""
    if case.status is CaseState.MERGED:
        return []
    matches = similar_open_cases(session, case.text, now, poster_id=case.poster_id, category_id=case.category_id,
                                 location=case.location, actor=actor, exclude_id=case.id, limit=limit)
    if not matches:
        return []
    found = {c.id: c for c in session.scalars(sa.select(Suggestion).where(
        Suggestion.id.in_([m.case_id for m in matches]), case_scope(session, actor)))}
    return [(found[m.case_id], m) for m in matches if m.case_id in found]


def _texts(session: Session, case_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The texts and locations of cases kept without a signature (filed before revision 0013)."""
    if not case_ids:
        return {}
    rows = session.execute(sa.select(Suggestion.id, Suggestion.text, Suggestion.location)
                           .where(Suggestion.id.in_(case_ids)))
    return {case_id: (text, location) for case_id, text, location in rows}


def _place_label(session: Session, poster_id: Optional[int]) -> str:
    if poster_id is None:
        return ""
    return session.scalar(sa.select(Poster.place_label).where(Poster.id == poster_id)) or ""
