"""Open311 partners: their keys, what they file (through intake, as every case is filed) and
what of the cases they may read (app/domain/publication.py decides what the public sees)."""
import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Session

from app.domain import codes
from app.domain.deadlines import Clocks
from app.domain.workflow import CaseState, Channel, Kind
from app.models import CaseEvent, Category, Reply, Suggestion
from app.models_open311 import ApiKey, PartnerRequest
from app.services.audit import record_audit
from app.services.errors import NotFound
from app.services.intake import Receipt, Submission, find_poster, submit_suggestion
from app.services.publications import answer_text

MAX_RESULTS = 1000  # the spec's ceiling for one answer


def new_api_key(session: Session, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A partner's new key: the row (its hash only) and the key, to be shown once. Audited."""
    key = "o311_" + secrets.token_urlsafe(24)
    row = ApiKey(name=name, key_hash=codes.hash_secret(key), created_at=now)
    session.add(row)
    session.flush()
    record_audit(session, now, "open311_key_added", username="cli", target=f"open311:{name}")
    return row, key


def revoke_api_key(session: Session, name: str, now: datetime) -> ApiKey:
    """Revoke a partner's key by its name (NotFound when no live key has that name). Audited."""
    row = session.scalars(sa.select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))).first()
    if row is None:
        raise NotFound(name)
    row.revoked_at = now
    record_audit(session, now, "open311_key_revoked", username="cli", target=f"open311:{name}")
    return row


def live_key(session: Session, presented: str) -> Optional[ApiKey]:
    """The unrevoked key `presented` is, else None."""
    if not presented or len(presented) > 200:
        return None
    return session.scalars(sa.select(ApiKey).where(ApiKey.key_hash == codes.hash_secret(presented),
                                                   ApiKey.revoked_at.is_(None))).first()


@dataclass(frozen=True)
class PartnerFiling:
    """A validated POST requests: what Yima keeps of it. `fingerprint` is the request's body,
    canonical, so the same key and body file one case."""

    fingerprint: str
    category: Category
    kind: Kind
    description: str
    location: str = ""
    lat: Optional[float] = None
    long: Optional[float] = None
    poster_code: Optional[str] = None
    name: Optional[str] = None
    phone: Optional[str] = None
    media_url: str = ""
    language: str = "zh_Hans_CN"


def _secret(secret_key: str, purpose: str, text: str) -> str:
    raw = codes.derive_secret(secret_key, purpose, text)[:24]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def file_request(session: Session, key: ApiKey, filing: PartnerFiling, clocks: Clocks, secret_key: str,
                 now: datetime, address: str = "") -> tuple[Receipt, str]:
    """File a partner's request through intake; its Receipt and the Open311 token. A retry with
    the same key and body gets the same case and token. Audited, retry or not."""
    body = hashlib.sha256(f"{key.id}\n{filing.fingerprint}".encode()).hexdigest()
    submission_key = _secret(secret_key, "open311-key", body)[:22]
    token = _secret(secret_key, "open311-token", submission_key)
    poster = find_poster(session, filing.poster_code) if filing.poster_code else None
    data = Submission(submission_key=submission_key, kind=filing.kind, text=filing.description,
                      category_id=filing.category.id, location=filing.location, citizen_name=filing.name,
                      citizen_phone=filing.phone, poster_code=poster.code if poster else None,
                      channel=Channel.OPEN311, language=filing.language)
    receipt = submit_suggestion(session, data, clocks, secret_key, now, poster=poster)
    case = receipt.suggestion
    retry = session.get(PartnerRequest, case.id) is not None
    if not retry:
        session.add(PartnerRequest(case_id=case.id, key_id=key.id, token_hash=codes.hash_secret(token),
                                   lat=filing.lat, long=filing.long, media_url=filing.media_url, created_at=now))
    record_audit(session, now, "open311_request", username=f"open311:{key.name}"[:64],
                 target=case.receipt_code, address=address, detail="retry" if retry else "filed")
    return receipt, token


def audit_refusal(session: Session, now: datetime, key: Optional[ApiKey], status: int, address: str = "") -> None:
    """Audit a refused POST: by a known key (a 400) or by none (a 403)."""
    record_audit(session, now, "open311_refused", username=f"open311:{key.name}"[:64] if key else "open311:no key",
                 address=address, detail=f"status {status}")


def _listed():
    """The cases the public may know of (app/domain/publication.py: not reports), with what an
    answer shows loaded alongside."""
    return (sa.select(Suggestion).where(Suggestion.is_report.is_(False))
            .options(orm.joinedload(Suggestion.category), orm.joinedload(Suggestion.unit),
                     orm.selectinload(Suggestion.events), orm.selectinload(Suggestion.publication)))


def find_request(session: Session, receipt_code: str) -> Suggestion:
    """A listed case by its receipt code (as typed: grouped or not); else NotFound."""
    code = codes.normalise(receipt_code or "")
    if not codes.is_valid(code):
        raise NotFound("code")
    case = session.scalars(_listed().where(Suggestion.receipt_code == code)).first()
    if case is None:
        raise NotFound("code")
    return case


def find_by_partner_token(session: Session, token: str) -> Suggestion:
    """The listed case an Open311 token follows; else NotFound."""
    if not codes.TOKEN_PATTERN.match(token or ""):
        raise NotFound("token")
    case = session.scalars(_listed().join(PartnerRequest, PartnerRequest.case_id == Suggestion.id)
                           .where(PartnerRequest.token_hash == codes.hash_secret(token))).first()
    if case is None:
        raise NotFound("token")
    return case


@dataclass(frozen=True)
class RequestQuery:
    """GET requests' filters, validated: receipt codes (which override the rest), service codes,
    statuses wanted ("open", "closed"), the window, and the page."""

    codes: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    states: tuple[CaseState, ...] = ()  # empty: every state
    start: Optional[datetime] = None
    end: Optional[datetime] = None
    page: int = 1
    page_size: int = MAX_RESULTS


def find_requests(session: Session, query: RequestQuery) -> list[Suggestion]:
    """The listed cases a GET requests asks for, newest first, one page of at most 1,000."""
    select = _listed()
    if query.codes:
        select = select.where(Suggestion.receipt_code.in_(query.codes))
    else:
        if query.service_codes:
            select = select.join(Category, Category.id == Suggestion.category_id).where(
                Category.code.in_(query.service_codes))
        if query.states:
            select = select.where(Suggestion.status.in_(query.states))
        select = select.where(Suggestion.created_at >= query.start, Suggestion.created_at <= query.end)
    select = (select.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
              .limit(query.page_size).offset((query.page - 1) * query.page_size))
    return list(session.scalars(select).unique())


def find_updates(session: Session, start: datetime, end: datetime, page: int = 1,
                 page_size: int = MAX_RESULTS) -> list[CaseEvent]:
    """The public steps of listed cases between `start` and `end`, oldest first, one page."""
    select = (sa.select(CaseEvent).join(Suggestion, Suggestion.id == CaseEvent.suggestion_id)
              .where(CaseEvent.public.is_(True), Suggestion.is_report.is_(False),
                     CaseEvent.at >= start, CaseEvent.at <= end)
              .options(orm.joinedload(CaseEvent.suggestion))
              .order_by(CaseEvent.at, CaseEvent.id).limit(page_size).offset((page - 1) * page_size))
    return list(session.scalars(select))


def partner_media(session: Session, case_ids: list[int]) -> dict[int, PartnerRequest]:
    """The partner rows of these cases, by case id (their media URL and coordinates)."""
    if not case_ids:
        return {}
    rows = session.scalars(sa.select(PartnerRequest).where(PartnerRequest.case_id.in_(case_ids)))
    return {row.case_id: row for row in rows}


@dataclass(frozen=True)
class PartnerAnswer:
    """A unit's answer as the partner that filed the case reads it: when, its whole text, and for
    a complaint's decision its four parts (claim, facts found, decision, basis) apart."""

    at: datetime
    text: str
    decision: tuple[str, str, str, str] | None = None


def answers_for(session: Session, key: Optional[ApiKey],
                rows: dict[int, PartnerRequest]) -> dict[int, tuple[PartnerAnswer, ...]]:
    """The answers, oldest first, of those cases (partner rows by case id) that `key` filed: the
    partner passes them on to the citizen who filed through it. Nobody else gets them (no key, or
    another partner's): the public reads only what the answers board published, redacted. A case
    merged into another gets its master's answers, as a merged citizen does."""
    mine = [case_id for case_id, row in rows.items() if key is not None and row.key_id == key.id]
    if not mine:
        return {}
    # One query for where each case's answers are (itself, or its master), not one per case.
    source = dict(session.execute(sa.select(Suggestion.id, sa.func.coalesce(Suggestion.merged_into_id, Suggestion.id))
                                  .where(Suggestion.id.in_(mine))).all())
    found: dict[int, list[PartnerAnswer]] = {}
    replies = sa.select(Reply).where(Reply.suggestion_id.in_(set(source.values()))).order_by(Reply.at, Reply.id)
    for reply in session.scalars(replies):
        parts = (reply.claim, reply.facts, reply.decision, reply.basis) if reply.is_decision else None
        found.setdefault(reply.suggestion_id, []).append(PartnerAnswer(reply.at, answer_text(reply), parts))
    return {case_id: tuple(found.get(origin, ())) for case_id, origin in source.items()}
