"""The outbox: the messages a case's steps cause, written in the step's own transaction.

A step rolled back leaves no message; a committed one always leaves its messages, which the
`notify` command sends (app/notify/worker.py). Who is told what is app/domain/tellings.py;
the words are app/notify/texts.py, handed in as `Texts` (services import no Flask).

Each message's `key` is unique and derived from what caused it (the event, the deadline, the
day), so the same cause never queues a message twice, on any node.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.sealed import unseal
from app.domain import codes
from app.domain.deadlines import Calendar, last_day
from app.domain.tellings import QuietHours, citizen_topic, quoted, unit_topic
from app.domain.workflow import OWN_CITIZEN_ACTIONS, Action, CaseState
from app.models import OrgUnit, OutboxMessage, Subscription, Suggestion, UnitChannel
from app.services.announce import Step
from app.services.intake import dispatch_centre
from app.services.subscriptions import is_told

TOKEN_MARK = "{token}"  # stands for the tracking token in a stored SMS: only its hash is on the case,
# and the outbox keeps it sealed (params "token"), filled in as the message leaves (app/notify/worker.py)
REASON_CHARS = 60  # a reason quoted in an SMS is cut here: SMS are short, and billed per 70


class Texts(Protocol):
    """The words of every message, in a language (app/notify/texts.py)."""

    def citizen(self, topic: str, language: str, values: dict) -> str: ...

    def unit(self, topic: str, values: dict) -> tuple[str, str]: ...  # subject, markdown

    def digest(self, unit_name: str, day: str, counts: dict, overdue: list[dict],
               more: int = 0) -> tuple[str, str]: ...


@dataclass(frozen=True)
class Settings:
    """What telling needs from the configuration."""

    base_url: str  # PUBLIC_BASE_URL: links in messages
    secret_key: str  # opens the sealed tracking tokens
    calendar: Calendar  # the local days deadlines are named by
    quiet: QuietHours = field(default_factory=QuietHours)
    daily_cap: int = 20  # SMS per phone per local day, beyond which they are skipped


def tell_steps(session: Session, steps: list[Step], texts: Texts, settings: Settings) -> int:
    """Queue every message `steps` cause, each as of its step's time; the number queued."""
    queued = 0
    channels = UnitChannels(session)
    for step in steps:
        case = session.get(Suggestion, step.case_id)
        if case is None:
            continue
        queued += _tell_citizens(session, case, step, texts, settings, step.at)
        queued += _tell_unit(session, case, step, texts, settings, step.at, channels)
    return queued


def _tell_citizens(session, case, step: Step, texts, settings, now) -> int:
    topic = citizen_topic(step.action, case.stage)
    if topic is None or not step.public:
        return 0
    if step.action is Action.MERGE and case.joined_at is not None:
        return 0  # joined as it was filed (附议): the receipt just sent says it all
    cases = [case] + also_told(session, case, step)
    # Only the citizens who get SMS: their words read the unit, which nobody else's need.
    return sum(tell_citizen(session, each, topic, f"e{step.event_id}:sms:{each.id}",
                            _citizen_values(session, each, case, step, settings), texts, settings, now)
               for each in cases if is_told(session, each))


def also_told(session, case: Suggestion, step: Step) -> list[Suggestion]:
    """The other citizens a step on `case` reaches: its answer reaches every citizen merged into
    it; who joined it (附议) hears every step its own citizen hears, but the ones that citizen took."""
    if step.action is Action.REPLY:
        joined = sa.true()
    elif step.action not in OWN_CITIZEN_ACTIONS:
        joined = Suggestion.joined_at.is_not(None)
    else:
        return []
    return list(session.scalars(sa.select(Suggestion).where(
        Suggestion.merged_into_id == case.id, Suggestion.status == CaseState.MERGED, joined)))


def tell_citizen(session, case: Suggestion, topic: str, key: str, values: dict, texts: Texts,
                 settings: Settings, now: datetime) -> int:
    """Queue one SMS to the citizen of `case` if they agreed and have a mobile; 1 if queued."""
    if not is_told(session, case):
        return 0
    subscription = session.get(Subscription, case.id)
    if not unseal(subscription.token_sealed, settings.secret_key):
        return 0  # sealed under another secret key: no link can be made
    values = dict(values, link=f"{settings.base_url}/t/{TOKEN_MARK}")
    message = OutboxMessage(
        key=key, topic=topic, transport="sms", phone=case.citizen_phone, case_id=case.id,
        language=case.language, body=texts.citizen(topic, case.language, values),
        params=json.dumps(dict(values, token=subscription.token_sealed), ensure_ascii=False), created_at=now,
        not_before=settings.quiet.send_at(now, settings.calendar.zone, topic))
    if _sent_today(session, case.citizen_phone, now, settings.calendar) >= settings.daily_cap:
        message.status, message.last_error = "skipped", "daily cap for this phone reached"
    session.add(message)
    return 1


def _sent_today(session, phone: str, now: datetime, calendar: Calendar) -> int:
    """SMS queued to `phone` since the start of `now`'s local day (the daily cap's count)."""
    return session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.phone == phone, OutboxMessage.created_at >= calendar.start_of(calendar.local_date(now)),
        OutboxMessage.status != "skipped"))


# The date a citizen's SMS names, by the step: the deadline that now runs for them.
DATE_OF = {Action.SUBMIT: "accept_due_at", Action.FORWARD: "accept_due_at", Action.RETURN: "accept_due_at",
           Action.ACCEPT: "reply_due_at", Action.EXTEND: "reply_due_at", Action.REQUEST_REVIEW: "reply_due_at",
           Action.REPLY: "window_ends_at"}


def _citizen_values(session, case: Suggestion, about: Suggestion, step: Step, settings: Settings) -> dict:
    """What a citizen's SMS may say: never the case's text, never a staff name."""
    unit = session.get(OrgUnit, step.to_unit_id) if step.to_unit_id else about.unit
    values = {"code": codes.grouped(case.receipt_code),
              "unit": unit.display_name("en" if case.language == "en" else "zh") if unit else "",
              "reason": quoted(step.message, REASON_CHARS)}
    due = getattr(about, DATE_OF[step.action]) if step.action in DATE_OF else None
    if due is not None:
        values["date"] = last_day(due, settings.calendar).isoformat()
    return values


def told_unit_id(session, case: Suggestion, unit_id: Optional[int]) -> int:
    """Which unit's channels hear of `case`: a report or accusation is told only to the
    dispatch centre, whoever holds it."""
    if case.is_report:
        return dispatch_centre(session).id
    return unit_id or case.unit_id


def _tell_unit(session, case, step: Step, texts, settings, now, channels: "UnitChannels") -> int:
    topic = unit_topic(step.action, case.stage)
    if topic is None or (step.action is Action.SUBMIT and case.joined_at is not None):
        return 0  # a case joined as it was filed lands on nobody's desk: its master is there
    unit_id = told_unit_id(session, case, step.to_unit_id)
    if not channels[unit_id]:
        return 0  # nobody to tell: nothing worked out (the message's matter is a read of its own)
    return tell_unit(session, unit_id, topic, f"e{step.event_id}", unit_values(case, settings),
                     texts, now, case_id=case.id, channels=channels[unit_id])


def unit_values(case: Suggestion, settings: Settings) -> dict:
    """What a unit's message may say: the receipt code, the kind, the matter and the deadline;
    never the citizen's words (a report's would name the accused), name or phone."""
    values = {"code": codes.grouped(case.receipt_code), "kind": case.kind.value,
              "report": case.is_report,
              "category": case.category.name if case.category and not case.is_report else "",
              "link": f"{settings.base_url}/staff/cases/{case.id}"}
    if case.due_at is not None:
        values["date"] = last_day(case.due_at, settings.calendar).isoformat()
    return values


def channels_of(session, unit_id: int) -> list[UnitChannel]:
    """A unit's active channels."""
    return list(session.scalars(sa.select(UnitChannel).where(
        UnitChannel.unit_id == unit_id, UnitChannel.active.is_(True)).order_by(UnitChannel.id)))


class UnitChannels(dict):
    """Units' active channels by unit id, each unit's read once: a commit or a sweep may tell
    thousands of cases, most of them to a few units."""

    def __init__(self, session):
        super().__init__()
        self.session = session

    def __missing__(self, unit_id: int) -> list[UnitChannel]:
        self[unit_id] = channels_of(self.session, unit_id)
        return self[unit_id]


def tell_unit(session, unit_id: int, topic: str, key: str, values: dict, texts: Texts, now: datetime,
              case_id: Optional[int] = None, channels: Optional[list[UnitChannel]] = None) -> int:
    """Queue one message per active channel of the unit; the number queued."""
    channels = channels_of(session, unit_id) if channels is None else channels
    if not channels:
        return 0
    subject, body = texts.unit(topic, values)
    for channel in channels:
        session.add(OutboxMessage(
            key=f"{key}:ch{channel.id}", topic=topic, transport=channel.kind, channel_id=channel.id,
            case_id=case_id, subject=subject, body=body, params=json.dumps(values, ensure_ascii=False),
            created_at=now, not_before=now))
    return len(channels)


def revealed(body: str, params: dict, secret_key: str) -> tuple[str, dict]:
    """A stored SMS's text and values with the tracking token filled in, for sending only."""
    token = unseal(params.get("token"), secret_key) if TOKEN_MARK in body else None
    if token is None:
        return body, {k: v for k, v in params.items() if k != "token"}
    shown = {k: (v.replace(TOKEN_MARK, token) if isinstance(v, str) else v)
             for k, v in params.items() if k != "token"}
    return body.replace(TOKEN_MARK, token), shown
