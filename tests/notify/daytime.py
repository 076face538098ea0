"""An instant for tests that send with the real clock (the `notify` command): the last 10:00 in
Shanghai, so no message they queue is held by the quiet hours, whenever the suite runs."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def last_morning() -> datetime:
    """The latest 10:00 Shanghai time that is already past, in UTC."""
    now = datetime.now(timezone.utc)
    morning = now.astimezone(SHANGHAI).replace(hour=10, minute=0, second=0, microsecond=0)
    if morning > now:
        morning -= timedelta(days=1)
    return morning.astimezone(timezone.utc)
