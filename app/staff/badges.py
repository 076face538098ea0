"""How a deadline reads in a staff list: overdue, due soon, and the whole days left."""
from datetime import datetime

from flask import current_app

from app.config import clocks
from app.domain.deadlines import days_left
from app.models import Suggestion


def deadline_badge(case: Suggestion, now: datetime, calendar=None) -> dict:
    """How a deadline reads in a list: overdue, due soon, and the whole days left."""
    if case.due_at is None:
        return {}
    calendar = calendar or clocks(current_app.config).calendar
    left = days_left(case.due_at, now, calendar)
    return {"overdue": now >= case.due_at, "soon": now < case.due_at and left <= 3, "left": left}


def badges(cases, now: datetime):
    """Each listed case's badge, worked out once (templates ask for it more than once)."""
    calendar = clocks(current_app.config).calendar
    table = {case.id: deadline_badge(case, now, calendar) for case in cases}
    return lambda case: table[case.id]
