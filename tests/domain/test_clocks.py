"""The lifecycle's clocks at their boundaries: 15, 60 and 30 days, 5 working days, one extension."""
from datetime import date, datetime, timedelta, timezone

import pytest

from app.domain.deadlines import Calendar, Clocks, is_overdue

UTC = timezone.utc
SHANGHAI = Calendar()
CLOCKS = Clocks(calendar=Calendar(holidays=frozenset({date(2027, 1, 1)})))
RECEIVED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 1 Dec, 10:00 in Shanghai


def local_midnight_after(day: date) -> datetime:
    return SHANGHAI.end_of(day)


def test_acceptance_is_due_at_the_end_of_the_fifteenth_day():
    due = CLOCKS.accept_due(RECEIVED)
    assert due == local_midnight_after(date(2026, 12, 16))
    assert not is_overdue(due, due - timedelta(microseconds=1))
    assert is_overdue(due, due)


def test_a_complaint_is_answered_within_sixty_days_of_acceptance():
    assert CLOCKS.reply_due(RECEIVED, "complaint") == local_midnight_after(date(2027, 1, 30))
    assert CLOCKS.reply_due(RECEIVED, "consultation") == local_midnight_after(date(2026, 12, 16))


def test_one_extension_of_at_most_thirty_days():
    due = CLOCKS.reply_due(RECEIVED, "complaint")
    assert CLOCKS.extended(due, 30) == due + timedelta(days=30)
    for days in (0, 31, -1):
        with pytest.raises(ValueError):
            CLOCKS.extended(due, days)


def test_review_windows_are_thirty_days():
    assert CLOCKS.review_window_end(RECEIVED) == local_midnight_after(date(2026, 12, 31))
    assert CLOCKS.review_answer_due(RECEIVED) == local_midnight_after(date(2026, 12, 31))


def test_five_working_days_to_object_across_a_weekend_and_a_holiday():
    forwarded = datetime(2026, 12, 30, 2, 0, tzinfo=UTC)  # Wednesday 30 Dec
    # Thu 31, (Fri 1 Jan holiday), (Sat, Sun), Mon 4, Tue 5, Wed 6, Thu 7.
    assert CLOCKS.return_due(forwarded) == local_midnight_after(date(2027, 1, 7))
