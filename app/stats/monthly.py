"""Stored monthly cubes, so a year's dashboard need not read a million cases each time.

A month's rows are figure_cube() of that month, written by `refresh()` (the sweep runs it),
so the figures keep one definition. A case can still change a past month's counts (a
review clears a rating, a forward moves a case before acceptance), so every case with an
event the last refresh did not see marks the months of all its events dirty; dirty months,
and months only partly inside a period, are computed live. The answer is exact either way.

Which events the refresh saw is remembered exactly (the newest event id, and how many events
of the MARGIN before it it saw), not guessed from a time window: with the window alone every
month a case touched in the last 15 minutes stayed dirty, and a busy county's year dashboard
counted two or three months live on every request, even just after a refresh.
"""
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import CaseEvent, FigureMonth, FigureWatermark, Reply, Suggestion
from app.stats.figures import (
    BREAKDOWNS, FIELD_NAMES, Figures, _in_scope, _reports, figure_cube, overdue_cube, volume_by_day,
)
from app.stats.periods import buckets, local_period

NEVER = datetime(1970, 1, 1, tzinfo=timezone.utc)  # a watermark made but never refreshed
# Events committed late (a slow request) still count: dirt is looked for this far back.
MARGIN = timedelta(minutes=15)
STORED = [name for name in FIELD_NAMES if name not in ("overdue_now", "scans")]


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _recent(since: datetime, up_to: int):
    """Events of the MARGIN before `since` with ids up to `up_to`: what a late commit adds to."""
    return sa.and_(CaseEvent.at >= since - MARGIN, CaseEvent.id <= up_to)


def _unseen(session: Session, mark: FigureWatermark) -> sa.Select:
    """Ids of the cases with an event the refresh of `mark` did not see.

    An event newer than the newest it saw has a larger id. One committed late (its id drawn
    before the refresh, its commit after) shows as one more event in the MARGIN before the
    refresh; then, and only then, every case of that margin counts as changed."""
    newer = CaseEvent.id > mark.seen_event_id
    count = sa.select(sa.func.count()).select_from(CaseEvent).where(_recent(mark.refreshed_at, mark.seen_event_id))
    if session.scalar(count) != mark.seen_recent:
        newer = sa.or_(newer, CaseEvent.at >= mark.refreshed_at - MARGIN)
    return sa.select(CaseEvent.suggestion_id).where(newer)


def dirty_months(session: Session, mark: Optional[FigureWatermark], zone) -> Optional[set[date]]:
    """Months a change unseen by the refresh of `mark` may have altered; None when nothing
    was ever stored."""
    changes = _changes(session, mark, zone)
    return None if changes is None else changes[0]


def _changes(session: Session, mark: Optional[FigureWatermark], zone):
    """(months, units) that changes unseen by the refresh of `mark` may have altered; None
    when nothing was ever stored. A changed case touches every month of its events, and
    every unit it was ever counted for: each unit its events came from or went to (so the
    one holding or accepting it, before and after), and each unit that answered it."""
    if mark is None or mark.refreshed_at == NEVER:
        return None
    changed = _unseen(session, mark)
    events = session.execute(sa.select(CaseEvent.at, CaseEvent.from_unit_id, CaseEvent.to_unit_id)
                             .where(CaseEvent.suggestion_id.in_(changed))).all()
    cases = session.execute(sa.select(Suggestion.created_at, Suggestion.unit_id, Suggestion.handled_by_id)
                            .where(Suggestion.id.in_(changed))).all()
    units = {unit for row in events + cases for unit in row[1:]}
    units |= set(session.scalars(sa.select(Reply.unit_id).where(Reply.suggestion_id.in_(changed))))
    return {month_start(row[0].astimezone(zone).date()) for row in events + cases}, units
def _seen(session: Session, now: datetime) -> tuple[int, int]:
    """The newest event committed now, and how many events of the MARGIN before `now` are.

    Read before the months are recounted: an event committed after this is either newer
    or committed late, and the next refresh finds it either way."""
    newest = session.scalar(sa.select(sa.func.max(CaseEvent.id))) or 0
    return newest, session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(_recent(now, newest)))


def refresh(session: Session, now: datetime, zone, months: Optional[Iterable[date]] = None) -> int:
    """Recompute the stored months that are dirty (or the given ones, or all); returns how many."""
    mark = _claim_watermark(session)
    seen = _seen(session, now)
    units = None  # every unit's cells of each month recounted
    if months is None:
        changes = _changes(session, mark, zone)
        if changes is None:
            oldest = session.scalar(sa.select(sa.func.min(Suggestion.created_at)))
            months = _months_between(oldest.astimezone(zone).date(), now.astimezone(zone).date()) if oldest else set()
        else:
            # Only the cells of the units the changed cases were counted for: each table's
            # cell is keyed by the unit it counts for, so the other units' cells stand as they
            # are. One changed case costs a unit's share of a few months, not whole months.
            months, units = changes
            units = None if None in units else sorted(units)  # an event of no unit: recount all
    months = sorted(set(months))
    for month in months:
        period = local_period(month, next_month(month), zone)
        session.execute(sa.delete(FigureMonth).where(FigureMonth.month == month,
                                                     _in_scope(FigureMonth.unit_id, units)))
        rows = []
        for is_report in (False, True):  # a dimension of its own, so most roles can leave reports out
            for key, figures in figure_cube(session, units, period, None, reports=is_report).items():
                row = dict(zip(BREAKDOWNS, key), month=month, is_report=is_report,
                           **{n: getattr(figures, n) for n in STORED})
                row["unit_id"] = row.pop("unit")
                row["category_id"], row["poster_id"] = row.pop("category"), row.pop("poster")
                row["channel"] = _plain(row["channel"])
                row["kind"] = _plain(row["kind"])
                rows.append(row)
        if rows:
            session.execute(sa.insert(FigureMonth), rows)
    mark.refreshed_at, (mark.seen_event_id, mark.seen_recent) = now, seen
    session.flush()
    return len(months)


def _claim_watermark(session: Session) -> FigureWatermark:
    """Lock the one watermark row, making it on the very first refresh: two nodes sweeping
    at once then queue on that row, instead of both inserting it (one would crash)."""
    mark = session.scalars(sa.select(FigureWatermark).with_for_update()).first()
    if mark is None:
        try:
            with session.begin_nested():
                session.add(FigureWatermark(id=1, refreshed_at=NEVER))
        except IntegrityError:
            pass  # another node made it first and holds it until it commits
        mark = session.scalars(sa.select(FigureWatermark).with_for_update()).one()
    return mark


def _plain(value):
    return value.value if hasattr(value, "value") else value


def _months_between(first: date, last: date) -> set[date]:
    months, month = set(), month_start(first)
    while month <= last:
        months.add(month)
        month = next_month(month)
    return months


def plan(session: Session, first: date, last: date, now: datetime, zone):
    """Split local days [first, last] into clean stored months and live day ranges."""
    dirty = dirty_months(session, session.scalars(sa.select(FigureWatermark)).first(), zone)
    today = now.astimezone(zone).date()
    this_month = month_start(today)
    last = min(last, today)  # nothing is filed, closed or rated in the future
    stored, live = [], []
    month = month_start(first)
    while month <= last:
        end_of_month = next_month(month) - timedelta(days=1)
        start, end = max(month, first), min(end_of_month, last)
        if (start, end) == (month, end_of_month) and dirty is not None and month not in dirty \
                and month < this_month:
            stored.append(month)
        elif live and live[-1][1] + timedelta(days=1) == start:
            live[-1] = (live[-1][0], end)  # one live range, not one per month: fewer passes
        else:
            live.append((start, end))
        month = next_month(month)
    return stored, live


def cube_for(session: Session, unit_ids, first: date, last: date, now: datetime, zone, split=None,
             reports: Optional[bool] = None) -> dict:
    """The cube of local days [first, last]: stored clean whole months, the rest live.

    `split` is plan()'s answer when the caller has it already; `reports` as in figure_cube."""
    stored, live = split or plan(session, first, last, now, zone)
    cube: dict = {}
    if stored:
        m = FigureMonth
        keys = [m.unit_id, m.category_id, m.poster_id, m.channel, m.kind]
        query = (sa.select(*keys, *[sa.func.sum(getattr(m, n)) for n in STORED])
                 .where(m.month.in_(stored), _in_scope(m.unit_id, unit_ids), _reports(m.is_report, reports))
                 .group_by(*keys))
        # Each stored cell is new to the empty cube: made whole in one call, not merged field by
        # field (a year holds some 6,000 cells; merging them was a quarter of the page).
        cube = {tuple(row[:5]): Figures(**dict(zip(STORED, (v or 0 for v in row[5:]))))
                for row in session.execute(query)}
    for start, end in live:
        period = local_period(start, end + timedelta(days=1), zone)
        for key, figures in figure_cube(session, unit_ids, period, None, reports).items():
            _merge(cube, _key(key), {n: getattr(figures, n) for n in STORED})
    for key, figures in overdue_cube(session, unit_ids, now, reports).items():
        _merge(cube, _key(key), {"overdue_now": figures.overdue_now})
    return cube


def volume_series(session: Session, unit_ids, first: date, last: date, grain: str, now: datetime,
                  zone, split=None, reports: Optional[bool] = None) -> list[tuple[date, int]]:
    """Cases filed per day, week or month of [first, last]; stored months answer for themselves."""
    if grain != "month":
        stored, live = [], [(first, min(last, now.astimezone(zone).date()))]
    else:
        stored, live = split or plan(session, first, last, now, zone)
    counts: dict[date, int] = {}
    if stored:
        m = FigureMonth
        query = (sa.select(m.month, sa.func.sum(m.volume))
                 .where(m.month.in_(stored), _in_scope(m.unit_id, unit_ids), _reports(m.is_report, reports))
                 .group_by(m.month))
        counts.update({month: int(n or 0) for month, n in session.execute(query)})
    for start, end in live:
        period = local_period(start, end + timedelta(days=1), zone)
        for day, n in volume_by_day(session, unit_ids, period, zone, reports).items():
            counts[day] = counts.get(day, 0) + n
    return buckets(first, last, grain, counts)


def _key(key: tuple) -> tuple:
    return key[0], key[1], key[2], _plain(key[3]), _plain(key[4])


def _merge(cube: dict, key: tuple, values: dict) -> None:
    figures = cube.setdefault(key, Figures())
    for name, value in values.items():
        setattr(figures, name, getattr(figures, name) + (value or 0))


