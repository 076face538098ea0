"""The statutory clocks, counted on Shanghai's calendar with `now` passed in."""
from datetime import date, datetime, timedelta, timezone

from app.domain.deadlines import Calendar, days_left, due_after_days, due_after_working_days, is_overdue

UTC = timezone.utc
SHANGHAI = Calendar()


def test_fifteen_days_run_to_the_end_of_the_fifteenth_local_day():
    received = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 23:30 on 1 Dec in Shanghai
    due = due_after_days(received, 15, SHANGHAI)
    assert due == datetime(2026, 12, 16, 16, 0, tzinfo=UTC)  # midnight 16→17 Dec, Shanghai
    assert not is_overdue(due, due - timedelta(seconds=1))
    assert is_overdue(due, due)
    assert days_left(due, due - timedelta(seconds=1), SHANGHAI) == 0
    assert days_left(due, received, SHANGHAI) == 15


def test_the_local_day_not_the_utc_day_starts_the_count():
    # 17:00 UTC on 1 Dec is already 2 Dec in Shanghai.
    late_evening = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert SHANGHAI.local_date(late_evening) == date(2026, 12, 2)
    assert due_after_days(late_evening, 15, SHANGHAI) == datetime(2026, 12, 17, 16, 0, tzinfo=UTC)


def test_working_days_skip_weekends_and_configured_holidays():
    friday = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    # Mon 7, Tue 8, Wed 9, Thu 10, Fri 11: the fifth working day.
    assert due_after_working_days(friday, 5, SHANGHAI) == SHANGHAI.end_of(date(2026, 12, 11))
    with_holiday = Calendar(holidays=frozenset({date(2026, 12, 8)}))
    assert due_after_working_days(friday, 5, with_holiday) == with_holiday.end_of(date(2026, 12, 14))


def test_a_makeup_workday_on_a_weekend_counts():
    friday = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    makeup = Calendar(makeup_workdays=frozenset({date(2026, 12, 5)}))
    assert due_after_working_days(friday, 1, makeup) == makeup.end_of(date(2026, 12, 5))


def test_calendar_from_settings_strings():
    calendar = Calendar.from_strings("Asia/Shanghai", ["2026-10-01"], ["2026-10-10"])
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert calendar.is_working_day(date(2026, 10, 10))
