"""How a deadline reads in a staff list: overdue, due soon, and the whole days left."""
from datetime import datetime

from flask import current_app

from app.config import clocks
from app.domain.deadlines import days_left, is_overdue
from app.models import Suggestion


def deadline_badge(case: Suggestion, now: datetime, cl=None) -> dict:
    """How a deadline reads in a list: overdue, due soon, and the whole days left."""
    if case.due_at is None:
        return {}
    cl = cl or clocks(current_app.config)
    left = days_left(case.due_at, now, cl.calendar)
    return {"overdue": is_overdue(case.due_at, now), "soon": cl.is_due_soon(case.due_at, now), "left": left}


def badges(cases, now: datetime):
    """Each listed case's badge, worked out once (templates ask for it more than once)."""
    cl = clocks(current_app.config)  # once per list, not once per case
    table = {case.id: deadline_badge(case, now, cl) for case in cases}
    return lambda case: table[case.id]
