"""Statutory clocks of the 信访工作条例, counted on the local calendar.

Days are counted the statutory way: the day a case arrives is not counted, and a
deadline runs to the end of its last local day. So a case received on 1 December
must be accepted by the end of 16 December (Asia/Shanghai); the instant returned is
the first moment it is late, midnight local time, stored as UTC.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Optional
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

    def start_of(self, day: date) -> datetime:
        """The first instant of a local day, in UTC."""
        return self.end_of(day - timedelta(days=1))

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


def last_day(due_at: datetime, calendar: Calendar) -> date:
    """The last local day of a duty (its due instant is the midnight after it): what every page
    and export prints as the deadline."""
    return calendar.local_date(due_at - timedelta(microseconds=1))


def days_left(due_at: datetime, now: datetime, calendar: Calendar) -> int:
    """Whole local days left before the due instant (0 on the last day, negative when late)."""
    return (last_day(due_at, calendar) - calendar.local_date(now)).days


@dataclass(frozen=True)
class Clocks:
    """Every configured clock of the lifecycle, from the 信访工作条例 unless said otherwise."""

    calendar: Calendar = field(default_factory=Calendar)
    accept_days: int = 15  # Arts. 22-23: tell the citizen it was received and how it is handled
    return_working_days: int = 5  # Arts. 23-24: a receiving unit may object to a forward
    complaint_days: int = 60  # Art. 34: answer a complaint or request
    suggestion_days: int = 60  # Art. 29 sets none; county policy
    consultation_days: int = 15  # policy
    praise_days: int = 15  # policy
    max_extension_days: int = 30  # Art. 34: once, approved by the lead
    review_request_days: int = 30  # Arts. 35-36: the citizen's window after an answer
    review_answer_days: int = 30  # Arts. 35-36: the reviewing unit's answer
    due_soon_days: int = 3  # policy: a duty due within this many local days is "due soon"

    def __post_init__(self):
        for name in ("accept_days", "return_working_days", "complaint_days", "suggestion_days",
                     "consultation_days", "praise_days", "review_request_days", "review_answer_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1 day")
        if self.max_extension_days < 0 or self.due_soon_days < 0:
            raise ValueError("max_extension_days and due_soon_days cannot be negative")

    def accept_due(self, received_at: datetime) -> datetime:
        """When a received (or forwarded) case must have been accepted, rejected or forwarded."""
        return due_after_days(received_at, self.accept_days, self.calendar)

    def return_due(self, forwarded_at: datetime) -> datetime:
        """Until when the receiving unit may send a forwarded case back."""
        return due_after_working_days(forwarded_at, self.return_working_days, self.calendar)

    def reply_days(self, kind: str) -> int:
        """Days from acceptance to the answer, by the case's kind."""
        return {
            "complaint": self.complaint_days,
            "suggestion": self.suggestion_days,
            "consultation": self.consultation_days,
            "praise": self.praise_days,
        }[kind]

    def reply_due(self, accepted_at: datetime, kind: str) -> datetime:
        """When an accepted case must be answered, by its kind."""
        return due_after_days(accepted_at, self.reply_days(kind), self.calendar)

    def extended(self, due_at: datetime, days: int) -> datetime:
        """A reply deadline pushed back by an approved extension."""
        if not 1 <= days <= self.max_extension_days:
            raise ValueError(f"an extension is 1 to {self.max_extension_days} days")
        return due_at + timedelta(days=days)

    def review_window_end(self, replied_at: datetime) -> datetime:
        """Until when the citizen may rate a reply or ask for (re-)review."""
        return due_after_days(replied_at, self.review_request_days, self.calendar)

    def review_answer_due(self, requested_at: datetime) -> datetime:
        """When the reviewing unit must answer."""
        return due_after_days(requested_at, self.review_answer_days, self.calendar)

    def due_soon_until(self, now: datetime) -> datetime:
        """A duty due at or before this instant is due soon (or overdue): its last day is at
        most `due_soon_days` local days from today."""
        return due_after_days(now, self.due_soon_days, self.calendar)

    def is_due_soon(self, due_at: Optional[datetime], now: datetime) -> bool:
        """Not yet overdue, but due within `due_soon_days` local days."""
        return due_at is not None and now < due_at <= self.due_soon_until(now)

    def needs_attention(self, due_at: Optional[datetime], now: datetime) -> bool:
        """Overdue or due soon: what supervisors list and may urge."""
        return due_at is not None and due_at <= self.due_soon_until(now)
