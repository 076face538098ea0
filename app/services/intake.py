"""Intake: a citizen (or staff for them) files a case; lookups by token and by code + PIN."""
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple, Optional

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.core.db import begin_writing, one_read
from app.domain import codes, phones
from app.domain.deadlines import Clocks
from app.domain.workflow import OWN_CITIZEN_ACTIONS, Action, CaseState, Channel, Kind
from app.models import CaseEvent, Category, OrgUnit, Poster, Subscription, Suggestion
from app.services.announce import Step, note_step
from app.services.errors import AlreadyFiled, Mistyped, NotFound
from app.services.similar import remember_signature
from app.services.subscriptions import subscribe

DISPATCH_KIND = "dispatch"
# A replay of a filed form shows the PIN again only this soon after the filing, and only to the
# address that filed it: a double click, or a resend on a bad network (pin_on_replay).
PIN_REPLAY_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Submission:
    """What a citizen (or staff on their behalf) filed, already validated."""

    submission_key: str
    kind: Kind
    text: str
    category_id: Optional[int]
    location: str = ""
    citizen_name: Optional[str] = None
    citizen_phone: Optional[str] = None
    poster_code: Optional[str] = None
    channel: Optional[Channel] = None
    language: str = "zh_Hans_CN"
    unit_id: Optional[int] = None  # staff filing at their counter: their own unit receives it
    told: bool = False  # the citizen agreed to SMS about the case (a mobile is needed)
    recorded_by_id: Optional[int] = None  # the staff member who noted a caller's consent
    publish: bool = False  # the citizen agreed the question and answer may be published, redacted
    filed_from: Optional[str] = None  # the filing client, keyed (codes.client_mark); None from Open311


@dataclass(frozen=True)
class Receipt:
    """What the citizen keeps: the code to read aloud, the PIN, and the tracking token."""

    suggestion: Suggestion
    token: str
    pin: str
    replayed: bool = False  # the form was filed before: this is its first receipt, nothing changed

    @property
    def code(self) -> str:
        """The receipt code in groups, as printed."""
        return codes.grouped(self.suggestion.receipt_code)


def dispatch_centre(session: Session) -> OrgUnit:
    """The unit that triages whatever no poster or category routes."""
    unit = session.scalars(
        sa.select(OrgUnit).where(OrgUnit.kind == DISPATCH_KIND, OrgUnit.active).order_by(OrgUnit.id)
    ).first()
    if unit is None:
        raise RuntimeError("no dispatch centre configured: run `flask --app wsgi demo seed`")
    return unit


def find_poster(session: Session, code: str) -> Poster:
    """A poster by its printed code, active or not; printed codes never dead-end."""
    poster = session.scalars(sa.select(Poster).where(Poster.code == code.upper())).first()
    if poster is None:
        raise NotFound(code)
    return poster


def active_categories(session: Session) -> list[Category]:
    """Categories a citizen may choose, in display order."""
    return list(
        session.scalars(
            sa.select(Category).where(Category.active).order_by(Category.sort_order, Category.id)
        )
    )


def route(session: Session, poster: Optional[Poster], category: Optional[Category]) -> tuple[int, Channel]:
    """Decide who receives a new case: the receiving unit's id, and the channel.

    An active poster routes to its own unit, unless the citizen chose a category other
    than the poster's; then, as without a poster, the category's unit receives it.
    A deactivated poster, or no category at all, goes to the dispatch centre.
    """
    if poster is not None and not poster.active:
        return dispatch_centre(session).id, Channel.POSTER
    channel = Channel.POSTER if poster is not None else Channel.WEB
    if poster is not None and (category is None or category.id == poster.category_id or poster.category_id is None):
        return poster.unit_id, channel
    if category is not None:
        return category.unit_id, channel
    return dispatch_centre(session).id, channel


# The case's INSERT, RETURNING it, that inserts nothing on a unique clash, by dialect: built once.
_INSERT_OR_NOTHING = {
    "sqlite": sqlite.insert(Suggestion).on_conflict_do_nothing().returning(Suggestion),
    "postgresql": postgresql.insert(Suggestion).on_conflict_do_nothing().returning(Suggestion),
}


# The first event's INSERT, through Core: nothing needs it as an object, and the ORM's bulk
# INSERT cost more than the statement (bench/inprocess.py's submission row). Built once.
_FIRST_EVENT = sa.insert(CaseEvent.__table__).returning(CaseEvent.__table__.c.id)


@dataclass(frozen=True)
class Filing:
    """A submission ready to be written: its secrets derived and its route decided."""

    data: Submission
    token: str
    pin: str
    unit_id: int
    channel: Channel
    poster_id: Optional[int]
    category_id: Optional[int]


def prepare_submission(session: Session, data: Submission, secret_key: str,
                       poster: Optional[Poster] = None) -> Filing:
    """The reads a filing needs: its secrets derived and its route decided.

    `poster` is the Poster of `data.poster_code` when the caller has read it already.
    """
    token = codes.tracking_token(secret_key, data.submission_key)
    pin = codes.pin(secret_key, data.submission_key)
    # A form sent again is found by its key as the INSERT meets it (file_submission): asking
    # first would cost every submission a SELECT that nearly always finds nothing.
    if not data.poster_code:
        poster = None
    elif poster is None or poster.code != data.poster_code.upper():
        poster = find_poster(session, data.poster_code)
    category = session.get(Category, data.category_id) if data.category_id else None
    if category is not None and not category.active:
        category = None
    unit_id, channel = route(session, poster, category)
    if data.unit_id is not None and session.get(OrgUnit, data.unit_id) is not None:
        unit_id = data.unit_id
    return Filing(data, token, pin, unit_id, data.channel or channel,
                  poster.id if poster else None, category.id if category else None)


def file_submission(session: Session, filing: Filing, clocks: Clocks, now: datetime,
                    secret_key: str = "") -> Receipt:
    """Write a prepared filing: the case and its first event, two INSERT statements.

    They go straight to the database (the case by an ORM bulk INSERT RETURNING itself, the
    event through Core), not through the session's unit of work, which cost more than the
    statements.
    The same form sent again (a retry, or twice at once) meets the unique submission key: it
    gets the first one's receipt if its words are the same, else AlreadyFiled.
    """
    data, token, pin = filing.data, filing.token, filing.pin
    begin_writing(session)  # a citizen's filing read DEFERRED so far: SQLite's write lock from here on
    due = clocks.accept_due(now)
    values = dict(
        token_hash=codes.hash_secret(token), submission_key=codes.hash_secret(data.submission_key),
        kind=data.kind, channel=filing.channel, status=CaseState.SUBMITTED,
        text=data.text, location=data.location,
        citizen_name=data.citizen_name or None, citizen_phone=data.citizen_phone or None,
        publish_consent=data.publish, filed_from=data.filed_from,
        language=data.language, category_id=filing.category_id, poster_id=filing.poster_id,
        unit_id=filing.unit_id, created_at=now, received_at=now, accept_due_at=due, due_at=due,
    )
    insert = _INSERT_OR_NOTHING[session.get_bind().dialect.name]
    for _attempt in range(5):
        receipt_code = codes.new_receipt_code()
        # ON CONFLICT DO NOTHING: a clash on a unique column inserts nothing and raises
        # nothing, where a savepoint around a failing INSERT cost two statements more each time.
        case = session.scalars(insert, [
            dict(values, receipt_code=receipt_code, pin_hash=pin_hash(receipt_code, pin))]).one_or_none()
        if case is None:
            existing = by_submission_key(session, data.submission_key)
            if existing is not None:  # the same form, sent again or twice at once
                return _retried(existing, data, token, pin)
            continue  # a receipt code clash: draw another
        # Nothing in the event can clash: it is written once the case is, outside the retries.
        event_id = session.connection().execute(_FIRST_EVENT, dict(
            suggestion_id=case.id, at=now, action=Action.SUBMIT, to_status=CaseState.SUBMITTED,
            to_unit_id=filing.unit_id, public=True)).scalar_one()
        remember_signature(session, case.id, data.text, data.location)  # for hints of similar cases
        if data.told and secret_key and phones.is_mobile(data.citizen_phone):
            subscribe(session, case.id, token, secret_key, now, data.recorded_by_id)
        note_step(session, Step(case.id, Action.SUBMIT, event_id, now, to_unit_id=filing.unit_id))
        return Receipt(case, token, pin)
    raise RuntimeError("could not draw a free receipt code")


def submit_suggestion(session: Session, data: Submission, clocks: Clocks, secret_key: str, now: datetime,
                      poster: Optional[Poster] = None) -> Receipt:
    """File a case once per submission key; a retry of the same form returns the same receipt,
    the same key with other words raises AlreadyFiled.

    `poster` is the Poster of `data.poster_code` when the caller has read it already."""
    return file_submission(session, prepare_submission(session, data, secret_key, poster), clocks, now, secret_key)


def _retried(existing: Suggestion, data: Submission, token: str, pin: str) -> Receipt:
    """A form sent again: the same words are a retry (one case, the same receipt, marked
    replayed: nothing of the case changes, whatever else the form now says); other words under
    the same key are refused, never dropped in silence (AlreadyFiled)."""
    if existing.text != data.text:
        raise AlreadyFiled(Receipt(existing, token, pin, replayed=True))
    return Receipt(existing, token, pin, replayed=True)


def pin_on_replay(receipt: Receipt, filed_from: Optional[str], now: datetime) -> bool:
    """Whether a replay of a filed form may show the PIN again: within PIN_REPLAY_WINDOW of
    the filing and from the address that filed it (a double click, a resend on a bad network).

    The submission key alone is a bearer for the tracking link (the token derives from it), so
    it must never show the PIN to anyone who merely holds it later or elsewhere."""
    case = receipt.suggestion
    if not filed_from or not case.filed_from:
        return False
    return now - case.created_at <= PIN_REPLAY_WINDOW and hmac.compare_digest(case.filed_from, filed_from)


def pin_hash(receipt_code: str, pin: str) -> str:
    """Hash a PIN salted with its receipt code."""
    return codes.hash_secret(f"{receipt_code}:{pin}")


def by_submission_key(session: Session, key: str) -> Optional[Suggestion]:
    """The case filed with this submission key, if any."""
    # Only the key's hash is kept: with it and the secret key alone no token can be derived.
    hashed = codes.hash_secret(key)
    return session.scalars(sa.select(Suggestion).where(Suggestion.submission_key == hashed)).first()


def _token_hash(token: str) -> str:
    """The stored hash of a well-formed tracking token; a malformed one is NotFound."""
    if not codes.TOKEN_PATTERN.match(token or ""):
        raise NotFound("token")
    return codes.hash_secret(token)


def find_by_token(session: Session, token: str) -> Suggestion:
    """The case a tracking token opens; malformed and unknown tokens alike are NotFound."""
    case = session.scalars(sa.select(Suggestion).where(Suggestion.token_hash == _token_hash(token))).first()
    if case is None:
        raise NotFound("token")
    return case


class TrackingState(NamedTuple):
    """What decides a tracking page's content: each version of the case (and of the case
    it was merged into) is one page; the rating window's end the only clock on it; and
    whether the citizen gets SMS (stopping them changes no version of the case)."""

    id: int
    receipt_code: str
    version: int
    master_version: Optional[int]
    window_ends_at: Optional[datetime]
    told: bool


_master = orm.aliased(Suggestion)
_TRACKING_STATE = (  # built once: an aliased select costs more to construct than to run
    sa.select(Suggestion.id, Suggestion.receipt_code, Suggestion.version, _master.version,
              Suggestion.window_ends_at, Subscription.stopped_at.is_(None) & Subscription.case_id.is_not(None))
    .outerjoin(_master, _master.id == Suggestion.merged_into_id)
    .outerjoin(Subscription, Subscription.case_id == Suggestion.id)
    .where(Suggestion.token_hash == sa.bindparam("token_hash"))
)


def tracking_state(engine: sa.Engine, token: str) -> TrackingState:
    """The case a tracking token opens, as its TrackingState; unknown tokens are NotFound.

    It takes the engine, not a session: it reads in a statement of its own (app/core/db.py
    one_read), so the request's session is never started for a kept page.
    """
    token_hash = _token_hash(token)
    # A connection of its own, outside any session: six columns need neither the ORM's
    # loading nor its transaction bookkeeping (together most of a kept page's cost).
    with one_read(engine) as connection:
        row = connection.execute(_TRACKING_STATE, {"token_hash": token_hash}).first()
    if row is None:
        raise NotFound("token")
    return TrackingState(*row[:-1], told=bool(row[-1]))


def find_by_code_and_pin(session: Session, typed_code: str, typed_pin: str) -> Suggestion:
    """The case a receipt code opens with its PIN, or with the whole phone number given.

    The phone may be a mobile or a landline with its area code (app/domain/phones.py).
    Not the phone's last four digits: staff see those in every masked number (138****5678),
    and a second factor that every case page shows would let staff rate as the citizen.
    A code that no receipt can carry is Mistyped; an unknown code and a wrong PIN are the
    same NotFound, so the answer never says whether a well-formed code exists."""
    code = codes.normalise(typed_code)
    typed_pin = phones.normalise(typed_pin)  # full-width digits, spaces, dashes, +86: a PIN or a phone
    if not codes.is_valid(code):
        raise Mistyped("code")
    case = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == code)).first()
    if case is None:
        raise NotFound("code")
    if len(typed_pin) == 6 and pin_hash(code, typed_pin) == case.pin_hash:
        return case
    if phones.is_phone(typed_pin) and case.citizen_phone and hmac.compare_digest(case.citizen_phone, typed_pin):
        return case
    raise NotFound("pin")


def public_timeline(case: Suggestion) -> list[CaseEvent]:
    """The events a citizen may see, oldest first: a merged (or joined) case's citizen also sees
    the steps taken on its master, but those the master's own citizen took (their words)."""
    shown = [e for e in case.events if e.public]
    if case.merged_into is not None:
        shown += [e for e in case.merged_into.events if e.public and e.action not in OWN_CITIZEN_ACTIONS]
        shown.sort(key=lambda e: (e.at, e.id))
    return shown
