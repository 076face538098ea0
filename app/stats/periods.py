"""Reporting periods on the local calendar: this week, month, quarter, year, or custom days."""
from datetime import date, datetime, time, timedelta

from app.stats.figures import Period

NAMES = ("week", "month", "quarter", "year", "custom")


def local_period(first: date, after_last: date, zone) -> Period:
    """The UTC instants of local days [first, after_last)."""
    return Period(datetime.combine(first, time.min, zone), datetime.combine(after_last, time.min, zone))


def named_period(name: str, today: date, zone, first=None, last=None) -> tuple[Period, date, date]:
    """A named period containing `today`, or custom days [first, last]; returns it with its days."""
    if name == "week":
        start = today - timedelta(days=today.weekday())
        end = start + timedelta(days=7)
    elif name == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = _add_months(start, 3)
    elif name == "year":
        start, end = date(today.year, 1, 1), date(today.year + 1, 1, 1)
    elif name == "custom" and first and last and first <= last:
        start, end = first, last + timedelta(days=1)
    else:  # month, and a custom period given badly
        start = today.replace(day=1)
        end = _add_months(start, 1)
    return local_period(start, end, zone), start, end - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def buckets(first: date, last: date, grain: str, counts: dict[date, int]) -> list[tuple[date, int]]:
    """Fold day counts into day, week (from Monday) or month buckets, empty ones included."""
    def bucket_of(day: date) -> date:
        if grain == "week":
            return day - timedelta(days=day.weekday())
        if grain == "month":
            return day.replace(day=1)
        return day

    folded: dict[date, int] = {}
    day = first
    while day <= last:
        folded.setdefault(bucket_of(day), 0)
        day += timedelta(days=1)
    for day, n in counts.items():
        if first <= day <= last:
            folded[bucket_of(day)] += n
    return sorted(folded.items())
