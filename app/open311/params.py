"""What Open311 requests send, read and checked: a POST's fields and GET requests' filters.

Each problem is a Problem(description), answered 400 with the spec's error body; unknown
parameters are ignored. The limits are the spec's (description 4,000 characters, a window of
at most 90 days, at most 1,000 results) or Yima's columns' (a place of 200, a name of 50).
"""
import json
import math
import re
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.forms import clean_text
from app.domain import codes, phones
from app.domain.deadlines import Calendar
from app.domain.open311 import states_with
from app.domain.workflow import Kind
from app.models import Category
from app.services.open311 import MAX_RESULTS, PartnerFiling, RequestQuery

DESCRIPTION_MAX = 4000
WINDOW = timedelta(days=90)
HTML = re.compile(r"<\s*/?\s*[A-Za-z!?]|&[A-Za-z#][A-Za-z0-9]*;")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MEDIA_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
POSTER_CODE = re.compile(r"^[A-Za-z0-9]{4,16}$")
CJK = re.compile(r"^[\u3400-\u9fff\u00b7]+$")


class Problem(ValueError):
    """A request the spec answers with 400; `description` says what to change."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


def _text(form, name: str, limit: int) -> str:
    value = clean_text(form.get(name, "")) or ""
    if len(value) > limit:
        raise Problem(_("%(field)s: at most %(max)d characters.", field=name, max=limit))
    return value


def _coordinate(form, name: str, bound: float):
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Problem(_("%(field)s must be a number of degrees.", field=name)) from None
    if not math.isfinite(value) or abs(value) > bound:
        raise Problem(_("%(field)s must be between -%(bound)d and %(bound)d degrees.", field=name, bound=bound))
    return value


def _name(form) -> str | None:
    first, last = _text(form, "first_name", 50), _text(form, "last_name", 50)
    if CJK.match(first + last or "x"):
        name = last + first  # a Chinese name reads family name first
    else:
        name = " ".join(part for part in (first, last) if part)
    if len(name) > 50:
        raise Problem(_("first_name and last_name: at most %(max)d characters together.", max=50))
    return name or None


def _phone(form) -> str | None:
    typed = _text(form, "phone", 30)
    if not typed:
        return None
    number = phones.normalise(typed)
    if not phones.is_phone(number):
        raise Problem(_("phone: an 11-digit mobile number, or a landline with its area code."))
    return number


def _fingerprint(form) -> str:
    """The body without its key, canonical: the same fields in any order are the same request."""
    return json.dumps(sorted((k, v) for k, v in form.items(multi=True) if k != "api_key"), ensure_ascii=False)


def filing(session, form, language: str) -> PartnerFiling:
    """A POST requests body as a PartnerFiling; Problem when a field is missing or wrong."""
    code = _text(form, "service_code", 32)
    if not code:
        raise Problem(_("service_code is required."))
    category = session.scalars(sa.select(Category).where(Category.code == code, Category.active)).first()
    if category is None:
        raise Problem(_("service_code: no such service."))
    lat, long = _coordinate(form, "lat", 90), _coordinate(form, "long", 180)
    if (lat is None) != (long is None):
        raise Problem(_("lat and long go together."))
    address = _text(form, "address_string", 200)
    poster = _text(form, "address_id", 16)
    if poster and not POSTER_CODE.match(poster):
        raise Problem(_("address_id: no such poster code."))
    if lat is None and not address and not poster:
        raise Problem(_("A location is required: lat and long, address_string or address_id."))
    description = clean_text(form.get("description", "")) or ""
    if not description:
        raise Problem(_("description is required."))
    if len(description) > DESCRIPTION_MAX:
        raise Problem(_("description: at most %(max)d characters.", max=DESCRIPTION_MAX))
    if HTML.search(description):
        raise Problem(_("description: plain text only, no HTML."))
    kind = form.get("attribute[kind]", "").strip() or Kind.SUGGESTION.value
    if kind not in {k.value for k in Kind}:
        raise Problem(_("attribute[kind]: one of suggestion, complaint, consultation, praise."))
    email = _text(form, "email", 254)
    if email and not EMAIL.match(email):
        raise Problem(_("email: one e-mail address."))
    _text(form, "device_id", 100)  # checked, not kept: Yima has no use for it
    media_url = _text(form, "media_url", 500)
    if media_url and not MEDIA_URL.match(media_url):
        raise Problem(_("media_url: an http or https URL."))
    location = address or (f"{lat:.6f},{long:.6f}" if lat is not None else "")
    return PartnerFiling(fingerprint=_fingerprint(form), category=category, kind=Kind(kind),
                         description=description, location=location, lat=lat, long=long,
                         poster_code=poster.upper() or None, name=_name(form), phone=_phone(form),
                         media_url=media_url, language=language)


def when(text: str, calendar: Calendar, field: str, end: bool = False) -> datetime:
    """A W3C date or datetime as an aware UTC instant; without a zone it is local time, and a
    date alone is its local day's start (or, for an end, the next day's)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return calendar.end_of(day) if end else calendar.start_of(day)
        at = datetime.fromisoformat(text)
        if at.tzinfo is None:
            at = at.replace(tzinfo=calendar.zone)
        return at.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise Problem(_("%(field)s: a W3C datetime such as 2026-12-01T10:00:00+08:00.", field=field)) from None


def window(args, calendar: Calendar, now: datetime) -> tuple[datetime, datetime]:
    """start_date and end_date, at most 90 days apart; by default the last 90 days."""
    start_text, end_text = args.get("start_date", "").strip(), args.get("end_date", "").strip()
    start = when(start_text, calendar, "start_date") if start_text else None
    end = when(end_text, calendar, "end_date", end=True) if end_text else None
    try:
        if start is None and end is None:
            end = now
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
    except OverflowError:
        raise Problem(_("start_date and end_date: dates within the calendar.")) from None
    if start > end:
        raise Problem(_("start_date must come before end_date."))
    if end - start > WINDOW:
        raise Problem(_("start_date and end_date: at most %(days)d days apart.", days=WINDOW.days))
    return start, end


def _number(args, name: str, default: int, largest: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= largest:
        raise Problem(_("%(field)s: a whole number from 1 to %(max)d.", field=name, max=largest))
    return int(raw)


def page(args) -> tuple[int, int]:
    """The page/page_size extension: which page of how many (at most 1,000)."""
    return _number(args, "page", 1, 1_000_000), _number(args, "page_size", MAX_RESULTS, MAX_RESULTS)


def _listed(args, name: str) -> list[str]:
    # Control characters dropped: PostgreSQL's text holds no NUL, and no code has one.
    return [part for value in args.getlist(name) for part in (clean_text(p) for p in value.split(",")) if part]


def request_query(args, calendar: Calendar, now: datetime) -> RequestQuery:
    """GET requests' filters as a RequestQuery."""
    number, size = page(args)
    wanted = [codes.normalise(code) for code in _listed(args, "service_request_id")][:MAX_RESULTS]
    if wanted:
        return RequestQuery(codes=tuple(c for c in wanted if codes.is_valid(c)) or ("",), page=number,
                            page_size=size)
    states = set()
    for status in _listed(args, "status"):
        if status.lower() not in ("open", "closed"):
            raise Problem(_("status: open, closed or both."))
        states |= states_with(status.lower())
    start, end = window(args, calendar, now)
    return RequestQuery(service_codes=tuple(_listed(args, "service_code"))[:MAX_RESULTS], states=tuple(states),
                        start=start, end=end, page=number, page_size=size)
