"""Every figure of the dashboard, the exports and the tests, defined here and only here.

A figure counts what the units of a *scope* (those a leader answers for) did over a
*period* [start, end) of UTC instants; see figures_by() for which unit each count is for. Counts are summed
in the database with conditional aggregates, one query per table, grouped by whatever the
breakdown asks for (nothing, unit, category, poster, channel, kind, or a time bucket).
"""
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.workflow import Action, CaseState, Rating, Stage
from app.models import CaseEvent, PosterScan, Reply, Suggestion
from app.services.duties import overdue

SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class Period:
    """[start_at, end_at) in UTC."""

    start_at: datetime
    end_at: datetime

    def holds(self, column) -> sa.ColumnElement[bool]:
        return sa.and_(column >= self.start_at, column < self.end_at)


@dataclass
class Figures:
    """The counts of one group; the rates are derived from them."""

    volume: int = 0  # cases filed in the period
    closed: int = 0  # cases closed in the period
    closed_first_time: int = 0  # ... of which never went to review
    rated: int = 0  # cases whose (latest) rating was given in the period
    satisfied: int = 0  # ... rated 满意 or 基本满意
    accepted: int = 0  # cases accepted in the period
    accepted_on_time: int = 0  # ... before their acceptance deadline
    accept_days: float = 0.0  # summed days from reaching the unit to acceptance
    replies: int = 0  # answers given in the period (first answers, reviews, re-reviews)
    replies_on_time: int = 0  # ... before the deadline they answered against
    first_replies: int = 0  # first answers given in the period
    reply_days: float = 0.0  # summed days from acceptance to the first answer
    reviews: int = 0  # 复查 requests made in the period
    re_reviews: int = 0  # 复核 requests made in the period
    joins: int = 0  # citizens who joined (附议) an open case in the period: support, for the master's unit
    overdue_now: int = 0  # open cases past their current deadline at `now` (not period-bound)
    scans: int = 0  # poster scans in the period (poster breakdowns only)

    @property
    def one_time_resolution_rate(self) -> Optional[float]:
        """一次性化解率 = closed cases never reopened for review / closed cases."""
        return _ratio(self.closed_first_time, self.closed)

    @property
    def satisfaction_rate(self) -> Optional[float]:
        """满意率 = (满意 + 基本满意) / rated cases."""
        return _ratio(self.satisfied, self.rated)

    @property
    def on_time_acceptance_rate(self) -> Optional[float]:
        """按期受理率 = accepted before the acceptance deadline / accepted."""
        return _ratio(self.accepted_on_time, self.accepted)

    @property
    def on_time_reply_rate(self) -> Optional[float]:
        """按期答复率 = answers given before their deadline (extensions included) / answers."""
        return _ratio(self.replies_on_time, self.replies)

    @property
    def average_days_to_accept(self) -> Optional[float]:
        """Mean days from the case reaching the accepting unit to its acceptance."""
        return self.accept_days / self.accepted if self.accepted else None

    @property
    def average_days_to_reply(self) -> Optional[float]:
        """Mean days from acceptance to the first answer."""
        return self.reply_days / self.first_replies if self.first_replies else None

    @property
    def conversion_rate(self) -> Optional[float]:
        """Poster conversion = cases filed from the poster / its scans."""
        return _ratio(self.volume, self.scans)


def _ratio(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


def _count(condition) -> sa.ColumnElement[int]:
    return sa.func.count().filter(condition)


def _days(session: Session, later, earlier) -> sa.ColumnElement[float]:
    """`later - earlier` in days, in SQL, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.julianday(later) - sa.func.julianday(earlier)
    return sa.func.extract("epoch", later - earlier) / SECONDS_PER_DAY


# What a breakdown groups by, per table: a unit is judged for what it did itself.
BREAKDOWNS = ("unit", "category", "poster", "channel", "kind")


def attributed_unit():
    """The unit a case counts for: the unit that accepted it, else the unit holding it."""
    return sa.func.coalesce(Suggestion.handled_by_id, Suggestion.unit_id)


def _keys(unit_column) -> list:
    """The cube's dimensions, in BREAKDOWNS order; the unit is the table's own unit."""
    return [unit_column, Suggestion.category_id, Suggestion.poster_id, Suggestion.channel, Suggestion.kind]


def _in_scope(column, unit_ids) -> sa.ColumnElement[bool]:
    return sa.true() if unit_ids is None else column.in_(unit_ids)


def _reports(column, reports: Optional[bool]) -> sa.ColumnElement[bool]:
    """Reports and accusations (检举控告): None counts every case, False leaves reports out
    (for roles that may not see them, app/services/access.py sees_reports), True counts only them."""
    return sa.true() if reports is None else column.is_(reports)


def figure_cube(session: Session, unit_ids, period: Period, now: Optional[datetime],
                reports: Optional[bool] = None) -> dict:
    """The figures per (unit, category, poster, channel, kind): four grouped queries in all.

    `unit_ids` is the scope (None: every unit). Each table counts for its own unit: a case
    for the unit that accepted it (else the one holding it), an answer for the unit that
    gave it, a review request for the unit whose answer was challenged, an overdue duty for
    the unit holding the case now.
    Every breakdown, and the total, is a roll-up of this cube (see figures_by). With `now`
    None the present's overdue count is left out. `reports`: see _reports().
    """
    cube: dict = {}

    def add(query, columns):
        keys = query.selected_columns[:len(BREAKDOWNS)]
        for row in session.execute(query.group_by(*keys)):
            figures = cube.setdefault(tuple(row[:len(BREAKDOWNS)]), Figures())
            for name, value in zip(columns, row[len(BREAKDOWNS):]):
                setattr(figures, name, getattr(figures, name) + (value or 0))

    s, unit = Suggestion, attributed_unit()
    good = (Rating.SATISFIED, Rating.BASICALLY)
    # One query per moment counted, each on its own indexed timestamp: a short period
    # reads few rows, and a case counts wherever each of its moments fell.
    per_moment = {
        s.created_at: {"volume": sa.func.count()},
        s.joined_at: {"joins": sa.func.count()},  # a joined case is held by its master's unit
        s.closed_at: {"closed": _count(s.status == CaseState.CLOSED),
                      "closed_first_time": _count(sa.and_(s.status == CaseState.CLOSED, s.stage == Stage.FIRST))},
        s.rated_at: {"rated": _count(s.rating.is_not(None)), "satisfied": _count(s.rating.in_(good))},
        s.accepted_at: {"accepted": sa.func.count(), "accepted_on_time": _count(s.accepted_at < s.accept_due_at),
                        "accept_days": sa.func.sum(_days(session, s.accepted_at, s.received_at))},
    }
    for moment, columns in per_moment.items():
        add(sa.select(*_keys(unit), *columns.values())
            .where(_in_scope(unit, unit_ids), _reports(s.is_report, reports), period.holds(moment)), list(columns))

    if now is not None:  # a snapshot of the present, not of the period: stored roll-ups leave it out
        for key, figures in overdue_cube(session, unit_ids, now, reports).items():
            cube.setdefault(key, Figures()).overdue_now += figures.overdue_now

    r = Reply
    reply_columns = {
        "replies": sa.func.count(),
        "replies_on_time": _count(sa.and_(r.due_at.is_not(None), r.at < r.due_at)),
        "first_replies": _count(r.stage == Stage.FIRST),
        "reply_days": sa.func.sum(_days(session, r.at, r.started_at)).filter(
            r.stage == Stage.FIRST, r.started_at.is_not(None)),
    }
    reply_keys = [r.unit_id, r.category_id, r.poster_id, r.channel, r.kind]  # copied from the case
    add(sa.select(*reply_keys, *reply_columns.values())
        .where(_in_scope(r.unit_id, unit_ids), _reports(r.is_report, reports), period.holds(r.at)),
        list(reply_columns))

    e = CaseEvent
    event_columns = {"reviews": _count(e.to_status == CaseState.REVIEW),
                     "re_reviews": _count(e.to_status == CaseState.RE_REVIEW)}
    add(sa.select(*_keys(e.from_unit_id), *event_columns.values()).select_from(e)
        .join(s, s.id == e.suggestion_id)
        .where(_in_scope(e.from_unit_id, unit_ids), _reports(s.is_report, reports), e.action == Action.REQUEST_REVIEW,
               period.holds(e.at)), list(event_columns))
    return cube


def overdue_cube(session: Session, unit_ids, now: datetime, reports: Optional[bool] = None) -> dict:
    """Open cases past their current deadline at `now`, for the unit holding each."""
    s = Suggestion
    keys = _keys(s.unit_id)
    query = (sa.select(*keys, sa.func.count())
             .where(_in_scope(s.unit_id, unit_ids), _reports(s.is_report, reports), overdue(now)).group_by(*keys))
    return {tuple(row[:len(keys)]): Figures(overdue_now=row[-1]) for row in session.execute(query)}


def rollup(cube: dict, by: Optional[str]) -> dict:
    """Sum the cube over every dimension but `by` (None: one total under the key None)."""
    index = BREAKDOWNS.index(by) if by else None
    groups: dict = {}
    for key, figures in cube.items():
        # A dataclass keeps its fields in declaration order: columns sum in C, not per attribute.
        groups.setdefault(key[index] if index is not None else None, []).append(figures.__dict__.values())
    return {group: Figures(*map(sum, zip(*rows))) for group, rows in groups.items()}


def figures_by(session: Session, unit_ids, period: Period, now: datetime, by: Optional[str] = None,
               reports: Optional[bool] = None) -> dict:
    """Figures per value of one breakdown (`by` in BREAKDOWNS; None for one total)."""
    return rollup(figure_cube(session, unit_ids, period, now, reports), by)


def total(session: Session, unit_ids, period: Period, now: datetime, reports: Optional[bool] = None) -> Figures:
    """The figures of the whole scope."""
    return figures_by(session, unit_ids, period, now, reports=reports).get(None, Figures())


def scans_by_poster(session: Session, poster_ids, period: Period) -> dict[int, int]:
    """Scans per poster in the period: each opening of its landing page counts once.

    `poster_ids` is a list or a SELECT of ids; None means every poster."""
    query = (sa.select(PosterScan.poster_id, sa.func.count()).where(period.holds(PosterScan.scanned_at))
             .group_by(PosterScan.poster_id))
    if poster_ids is not None:
        query = query.where(PosterScan.poster_id.in_(poster_ids))
    return dict(session.execute(query).all())


def cases_by_poster(session: Session, poster_ids, period: Period, reports: Optional[bool] = None) -> dict[int, int]:
    """Cases filed from each poster in the period, whichever unit holds them now."""
    query = (sa.select(Suggestion.poster_id, sa.func.count())
             .where(Suggestion.poster_id.is_not(None), _reports(Suggestion.is_report, reports),
                    period.holds(Suggestion.created_at))
             .group_by(Suggestion.poster_id))
    if poster_ids is not None:
        query = query.where(Suggestion.poster_id.in_(poster_ids))
    return dict(session.execute(query).all())


FIELD_NAMES = [f.name for f in fields(Figures)]


def volume_by_day(session: Session, unit_ids, period: Period, zone, reports: Optional[bool] = None) -> dict:
    """Cases filed per local calendar day (the zone of the county), as {date: count}."""
    from datetime import date

    if session.get_bind().dialect.name == "sqlite":
        offset = period.start_at.astimezone(zone).utcoffset()
        hours = int(offset.total_seconds() // 3600)
        day = sa.func.strftime("%Y-%m-%d", Suggestion.created_at, f"{hours:+d} hours")
    else:
        day = sa.func.to_char(sa.func.timezone(str(zone), Suggestion.created_at), "YYYY-MM-DD")
    query = (sa.select(day, sa.func.count())
             .where(_in_scope(attributed_unit(), unit_ids), _reports(Suggestion.is_report, reports),
                    period.holds(Suggestion.created_at))
             .group_by(day))
    return {date.fromisoformat(d): n for d, n in session.execute(query)}
