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

A join is one person's voice, so it is bound (`JoinRefused`): JOINS_PER_ADDRESS joins of one
master from one client address (its keyed mark, `filed_from`) within JOIN_BOUND, and one per
browser that carries the list of masters it joined. One address is sometimes many citizens (a
service hall's Wi-Fi): the one refused files their words as their own case instead, and nothing
is lost. Supervision sees, per growing case, the most joins that came from one address.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.db import begin_writing
from app.domain import codes, publication
from app.domain.deadlines import Clocks
from app.domain.workflow import Action, CaseState
from app.models import CaseEvent, Category, OrgUnit, Poster, Suggestion, User
from app.services.access import case_scope
from app.services.intake import Receipt, Submission, by_submission_key, file_submission, prepare_submission
from app.services.similar import similar_open_cases

GROWING_DAYS = 7  # the supervision page's clusters: joins of the last week
JOINS_PER_ADDRESS = 1  # joins of one master from one client address within JOIN_BOUND
JOIN_BOUND = timedelta(days=1)


class NotJoinable(Exception):
    """The case asked to join is not (or no longer) an open case like this text: answered,
    too old, elsewhere, or never offered. Nothing was written."""


class JoinRefused(Exception):
    """This address (or this browser) joined the master already within JOIN_BOUND: a join is
    one person's voice. Nothing was written; the citizen may file their words as their own case."""


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
              now: datetime, poster: Optional[Poster] = None, joined_here=()) -> Receipt:
    """File `data` as the citizen's own case joined to the master `master_id`; their Receipt.

    The master must be one of the cases offered for this text now (else NotJoinable), and
    neither `data.filed_from` nor this browser (`joined_here`, the masters it joined) may have
    joined it within JOIN_BOUND (else JoinRefused). The same form sent again returns the first
    receipt, as a filing does (AlreadyFiled if its words changed), however often it is sent."""
    if master_id not in _matches(session, data, now, poster):
        if by_submission_key(session, data.submission_key) is not None:  # a join sent again, its master moved on
            return file_submission(session, prepare_submission(session, data, secret_key, poster), clocks, now,
                                   secret_key)
        raise NotJoinable(master_id)
    master = session.get(Suggestion, master_id)
    filing = prepare_submission(session, data, secret_key, poster)
    begin_writing(session)  # SQLite: joins queue here, so the count below sees those before it
    if _joined_enough(session, master_id, data.filed_from, joined_here, now) \
            and by_submission_key(session, data.submission_key) is None:  # a replay is not a join
        raise JoinRefused(master_id)
    receipt = file_submission(session, filing, clocks, now, secret_key)
    case = receipt.suggestion
    if receipt.replayed:
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


def _joined_enough(session: Session, master_id: int, filed_from: Optional[str], joined_here, now: datetime) -> bool:
    if master_id in joined_here:
        return True
    if not filed_from:
        return False
    lock = sa.select(Suggestion.id).where(Suggestion.id == master_id)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(lock.with_for_update())  # joins of one master, one at a time: the count holds
    joined = session.scalar(sa.select(sa.func.count()).select_from(Suggestion).where(
        Suggestion.merged_into_id == master_id, Suggestion.joined_at > now - JOIN_BOUND,
        Suggestion.filed_from == filed_from))
    return joined >= JOINS_PER_ADDRESS


def _event(case: Suggestion, now: datetime, from_unit: int, to_unit: int, *, public: bool, message: str = ""):
    return CaseEvent(suggestion_id=case.id, at=now, action=Action.MERGE, from_status=case.status,
                     to_status=CaseState.MERGED if public else case.status, from_unit_id=from_unit,
                     to_unit_id=to_unit, message=message, public=public)


@dataclass(frozen=True)
class Cluster:
    """A case growing by joins, as the supervision page lists it."""

    case: Suggestion
    joins: int  # joins of the last GROWING_DAYS days
    from_one_address: int  # the most of those that came from a single client address (a stuffed cluster)


def growing_clusters(session: Session, actor: User, now: datetime, limit: int = 10) -> list[Cluster]:
    """The cases in `actor`'s scope most joined in the last GROWING_DAYS days, with how many
    joined them then and the most of those from one address (the supervision page): most first."""
    since = now - timedelta(days=GROWING_DAYS)
    recent = (sa.select(Suggestion.merged_into_id.label("master_id"), sa.func.count().label("joins"))
              .where(Suggestion.joined_at >= since).group_by(Suggestion.merged_into_id).subquery())
    rows = session.execute(
        sa.select(Suggestion, recent.c.joins).join(recent, recent.c.master_id == Suggestion.id)
        .where(case_scope(session, actor)).order_by(recent.c.joins.desc(), Suggestion.id.desc()).limit(limit)).all()
    most = _most_from_one_address(session, [case.id for case, _joins in rows], since)
    return [Cluster(case, joins, most.get(case.id, 0)) for case, joins in rows]


def _most_from_one_address(session: Session, master_ids: list[int], since: datetime) -> dict[int, int]:
    """{master id: the most joins since `since` from one address}; joins without a mark
    (filed before marks were kept, or cleared) count toward no address."""
    if not master_ids:
        return {}
    per_address = (sa.select(Suggestion.merged_into_id.label("master_id"), sa.func.count().label("joins"))
                   .where(Suggestion.merged_into_id.in_(master_ids), Suggestion.joined_at >= since,
                          Suggestion.filed_from.is_not(None))
                   .group_by(Suggestion.merged_into_id, Suggestion.filed_from).subquery())
    rows = session.execute(sa.select(per_address.c.master_id, sa.func.max(per_address.c.joins))
                           .group_by(per_address.c.master_id))
    return dict(rows.all())
