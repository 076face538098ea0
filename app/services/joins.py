"""Me too (附议): a citizen whose text repeats an open case joins it instead of filing a duplicate.

Before a filing, `offers()` lists the open cases the citizen may join: those the similar
service finds for their text (app/services/similar.py, called without an actor, so never a
report or accusation), each as an Offer that holds what a stranger may know of a case (its
matter, the poster's place, the unit handling it, its state and deadline, how many joined)
and its words only if app/domain/publication.py says they are published.

`join_case()` files the joiner's own case (their receipt, PIN and token, once per submission
key, as any filing) and merges it into the master at once: `merged_into_id` is the master,
`joined_at` says the citizen chose it. From then on it is a merged case: its tracking page
shows the master's state, steps and answer, its citizen hears the master's steps
(app/services/outbox.py), and rates the master's answer themselves (app/domain/policy.py).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import codes, publication
from app.domain.deadlines import Clocks
from app.domain.workflow import Action, CaseState
from app.models import CaseEvent, Category, OrgUnit, Poster, Suggestion, User
from app.services.access import case_scope
from app.services.intake import Receipt, Submission, file_submission, prepare_submission
from app.services.similar import similar_open_cases

GROWING_DAYS = 7  # the supervision page's clusters: joins of the last week


class NotJoinable(Exception):
    """The case asked to join is not (or no longer) an open case like this text: answered,
    too old, elsewhere, or never offered. Nothing was written."""


@dataclass(frozen=True)
class Offer:
    """An open case a citizen may join, as the panel shows it: never its citizen's text
    (unless published), name or phone."""

    case_id: int
    category: Optional[Category]
    place: str  # the poster's printed place label, public on the wall; "" without a poster
    unit: OrgUnit
    status: CaseState
    due_at: Optional[datetime]  # the duty that runs now: acceptance, then the answer
    joins: int
    published_text: Optional[str]


def join_counts(session: Session, master_ids) -> dict[int, int]:
    """How many citizens joined each of `master_ids` (附议), {master id: count}; absent is none."""
    master_ids = list(master_ids)
    if not master_ids:
        return {}
    rows = session.execute(
        sa.select(Suggestion.merged_into_id, sa.func.count())
        .where(Suggestion.merged_into_id.in_(master_ids), Suggestion.joined_at.is_not(None))
        .group_by(Suggestion.merged_into_id))
    return dict(rows.all())


def _matches(session: Session, data: Submission, now: datetime, poster: Optional[Poster]) -> list[int]:
    place = data.location or (poster.place_label if poster is not None else "")  # the label read already
    return [m.case_id for m in similar_open_cases(
        session, data.text, now, poster_id=poster.id if poster is not None else None,
        category_id=data.category_id, location=place)]


def offers(session: Session, data: Submission, now: datetime, poster: Optional[Poster] = None) -> list[Offer]:
    """The open cases `data`'s citizen may join before filing, most alike first; [] for none."""
    ids = _matches(session, data, now, poster)
    if not ids:
        return []
    cases = {c.id: c for c in session.scalars(sa.select(Suggestion).where(Suggestion.id.in_(ids)))}
    if codes.hash_secret(data.submission_key) in {c.submission_key for c in cases.values()}:
        return []  # this very form, filed already and sent again: it gets its receipt back
    counts = join_counts(session, ids)
    return [Offer(case_id=c.id, category=c.category, place=c.poster.place_label if c.poster else "",
                  unit=c.unit, status=c.status, due_at=c.reply_due_at or c.accept_due_at,
                  joins=counts.get(c.id, 0),
                  published_text=c.text if publication.shows_content(c) else None)
            for c in (cases[i] for i in ids if i in cases)]


def join_case(session: Session, data: Submission, master_id: int, clocks: Clocks, secret_key: str,
              now: datetime, poster: Optional[Poster] = None) -> Receipt:
    """File `data` as the citizen's own case joined to the master `master_id`; their Receipt.

    The master must be one of the cases offered for this text now (else NotJoinable). The
    same form sent again returns the first receipt, as a filing does (AlreadyFiled if its
    words changed)."""
    if master_id not in _matches(session, data, now, poster):
        raise NotJoinable(master_id)
    master = session.get(Suggestion, master_id)
    receipt = file_submission(session, prepare_submission(session, data, secret_key, poster), clocks, now, secret_key)
    case = receipt.suggestion
    if case.created_at != now or case.status is not CaseState.SUBMITTED:
        return receipt  # the same form sent again: it stays as it was first filed
    session.add_all([
        _event(case, now, case.unit_id, master.unit_id, public=True),
        # Staff see on the master who joined it; no citizen sees this one.
        _event(master, now, master.unit_id, master.unit_id, public=False, message=receipt.code),
    ])
    case.status, case.merged_into_id, case.joined_at = CaseState.MERGED, master.id, now
    case.unit_id = master.unit_id  # held, and counted, with the master
    case.due_at = None
    session.flush()
    return receipt


def _event(case: Suggestion, now: datetime, from_unit: int, to_unit: int, *, public: bool, message: str = ""):
    return CaseEvent(suggestion_id=case.id, at=now, action=Action.MERGE, from_status=case.status,
                     to_status=CaseState.MERGED if public else case.status, from_unit_id=from_unit,
                     to_unit_id=to_unit, message=message, public=public)


def growing_clusters(session: Session, actor: User, now: datetime, limit: int = 10) -> list[tuple[Suggestion, int]]:
    """The cases in `actor`'s scope most joined in the last GROWING_DAYS days, with how many
    joined them then (the supervision page): most first."""
    since = now - timedelta(days=GROWING_DAYS)
    recent = (sa.select(Suggestion.merged_into_id.label("master_id"), sa.func.count().label("joins"))
              .where(Suggestion.joined_at >= since).group_by(Suggestion.merged_into_id).subquery())
    rows = session.execute(
        sa.select(Suggestion, recent.c.joins).join(recent, recent.c.master_id == Suggestion.id)
        .where(case_scope(session, actor)).order_by(recent.c.joins.desc(), Suggestion.id.desc()).limit(limit))
    return [(case, joins) for case, joins in rows]
