"""What a request may ask for, bounded in one place: integers the database's INTEGER columns
hold, days the calendar code can handle, the longest period of figures, the most days shown
one by one, the rows of an export and the posters of a print file. A request past a bound
gets a 400 whose page says why (app/core/errors.py), raised before anything is written or
streamed."""
from datetime import date, datetime

from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL's INTEGER; SQLite takes more
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # any day a case can be filed or asked about
MAX_PERIOD_DAYS = 5 * 366  # about five years of figures
MAX_DAY_GRAIN_DAYS = 366  # a chart shows days one by one over about a year at most
MAX_PRINT_POSTERS = 100  # one print file from the staff view: about 3 s of drawing (the CLI has no cap)


class BadInput(BadRequest):
    """A value past a bound: a 400 whose page shows `description`, in the page's language."""


class IdConverter(IntegerConverter):
    """The `<int:...>` of every route: an id past DB_INT_MAX matches no route (a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def check_int(value: int | None) -> int | None:
    """`value` if the database can compare it with an INTEGER column; else BadInput."""
    if value is not None and not DB_INT_MIN <= value <= DB_INT_MAX:
        raise BadInput(_("A number in this request is too large."))
    return value


def check_day(value: date | None) -> date | None:
    """`value` if it lies in [FIRST_DAY, LAST_DAY]; else BadInput."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise BadInput(_("Choose a date from %(first)s to %(last)s.", first=FIRST_DAY.isoformat(),
                         last=LAST_DAY.isoformat()))
    return value


def check_moment(value: datetime) -> datetime:
    """An instant of a link the app made (aware, in the days above); else BadInput."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadInput(_("This link was changed by hand. Go back to the first page of the list."))
    check_day(value.date())
    return value


def check_period(first: date, last: date, grain: str | None = None) -> None:
    """Local days [first, last] of figures: at most MAX_PERIOD_DAYS, and MAX_DAY_GRAIN_DAYS by day."""
    check_day(first), check_day(last)
    days = (last - first).days + 1
    if days > MAX_PERIOD_DAYS:
        raise BadInput(_("A period can be at most %(days)d days long.", days=MAX_PERIOD_DAYS))
    if grain == "day" and days > MAX_DAY_GRAIN_DAYS:
        raise BadInput(_("Days are shown one by one for at most %(days)d days; choose weeks or months.",
                         days=MAX_DAY_GRAIN_DAYS))


def check_rows(count: int, most: int) -> None:
    """An export of `count` rows when `most` is the cap (EXPORT_MAX_ROWS); else BadInput."""
    if count > most:
        raise BadInput(_("This export would hold %(count)d cases; an export holds at most %(most)d. "
                         "Narrow the filters, for example to fewer days filed.", count=count, most=most))


def check_print(count: int) -> None:
    """A print file of `count` posters from the staff view: at most MAX_PRINT_POSTERS; else BadInput."""
    if count > MAX_PRINT_POSTERS:
        raise BadInput(_("This choice holds %(count)d posters; one print file holds at most %(most)d. "
                         "Choose fewer posters or a smaller unit.", count=count, most=MAX_PRINT_POSTERS))


def int_field(form, field) -> None:
    """A WTForms validator: check_int on a field's number, or on each of its numbers."""
    for value in field.data if isinstance(field.data, list) else [field.data]:
        check_int(value)


def day_field(form, field) -> None:
    """A WTForms validator: check_day on a field's day."""
    check_day(field.data)
