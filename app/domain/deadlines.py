"""Statutory clocks of the 信访工作条例, counted on the local calendar.

Days are counted the statutory way: the day a case arrives is not counted, and a
deadline runs to the end of its last local day. So a case received on 1 December
must be accepted by the end of 16 December (Asia/Shanghai); the instant returned is
the first moment it is late, midnight local time, stored as UTC.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Calendar:
    """Where days are counted and which days are not working days."""

    zone: ZoneInfo = DEFAULT_ZONE
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[date] = field(default_factory=frozenset)  # 调休 weekends

    @classmethod
    def from_strings(cls, zone: str, holidays=(), makeup_workdays=()) -> "Calendar":
        """Build a calendar from ISO date strings, as they come from settings."""
        return cls(
            ZoneInfo(zone),
            frozenset(date.fromisoformat(d.strip()) for d in holidays),
            frozenset(date.fromisoformat(d.strip()) for d in makeup_workdays),
        )

    def local_date(self, at: datetime) -> date:
        """The local calendar day an aware instant falls on."""
        return at.astimezone(self.zone).date()

    def end_of(self, day: date) -> datetime:
        """The first instant after a local day, in UTC."""
        start_next = datetime.combine(day + timedelta(days=1), time.min, self.zone)
        return start_next.astimezone(ZoneInfo("UTC"))

    def is_working_day(self, day: date) -> bool:
        """Weekdays work, unless a holiday; weekends rest, unless a makeup workday."""
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def due_after_days(start_at: datetime, days: int, calendar: Calendar) -> datetime:
    """The instant a duty of `days` calendar days, starting at `start_at`, becomes late."""
    return calendar.end_of(calendar.local_date(start_at) + timedelta(days=days))


def due_after_working_days(start_at: datetime, days: int, calendar: Calendar) -> datetime:
    """The instant a duty of `days` working days, starting at `start_at`, becomes late."""
    day = calendar.local_date(start_at)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return calendar.end_of(day)


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    """A duty is overdue from its due instant on."""
    return due_at is not None and now >= due_at


def days_left(due_at: datetime, now: datetime, calendar: Calendar) -> int:
    """Whole local days left before the due instant (0 on the last day, negative when late)."""
    last_day = calendar.local_date(due_at - timedelta(microseconds=1))
    return (last_day - calendar.local_date(now)).days
