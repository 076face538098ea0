"""The steps of an answer's way onto the public board (/answers): proposed with a reply, read
redacted beside the original by the unit's lead, edited, approved or declined; taken down in one
click. Who may take each step is app/domain/policy.py's publication_refusal(); every step but
the proposal is audited (app/services/audit.py), the proposal too, and none commits."""
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from app.domain.deadlines import Clocks
from app.domain.policy import PubStep, publication_refusal
from app.domain.publication import PubState
from app.domain.workflow import Role
from app.domain.redaction import Redacted, Span, flags, redact
from app.models import Suggestion, User
from app.models_publication import Publication
from app.services.audit import record_audit
from app.services.errors import NotFound, Refused

_ROLE_NOTE = re.compile(r"[（(][^）)]*[）)]")  # "李强（负责人）": the role in brackets is no name
_UNIT_WORD = re.compile(r"(?:局|街道|镇|乡|村|社区|中心|办|委|所|站|队|院|厅|处|科)$")


def staff_names(case: Suggestion, *also: User) -> list[str]:
    """The names of every staff member of the units the case went through (the unit holding it,
    each unit it was forwarded from or to, each unit that answered), of anyone who acted on it,
    and of `also` (the lead reviewing): masked in what is published, whoever wrote them.

    A display name reads "阳明街道 王芳": the person is what follows the unit's name."""
    session = object_session(case)
    people = [e.actor for e in case.events if e.actor is not None] + [case.assignee, *also]
    units = {case.unit_id} | {r.unit_id for r in case.replies}
    units |= {u for e in case.events for u in (e.from_unit_id, e.to_unit_id) if u is not None}
    if session is not None:
        people += [session.get(User, r.author_id) for r in case.replies if r.author_id]
        people += session.scalars(sa.select(User).where(User.unit_id.in_(units))).all()
    names = {name for user in people if user is not None for name in _person(user)}
    return sorted(n for n in names if len(n) >= 2)


def _person(user: User) -> set[str]:
    """Who a display name names: its last word ("阳明街道 王芳"), and all of it after the unit
    when the name itself was typed apart ("阳明街道 欧阳 娜娜")."""
    words = _ROLE_NOTE.sub("", user.display_name or "").split()
    unit = user.unit.name if user.unit is not None else ""
    if len(words) > 1 and (words[0] == unit or unit.endswith(words[0]) or _UNIT_WORD.search(words[0])):
        words = words[1:]
    return {words[-1], "".join(words)} if words else set()


DECISION_PARTS = ("claim", "facts", "decision", "basis")  # a complaint's written decision (Art. 32)


def answer_text(reply, heads: Optional[Mapping[str, str]] = None) -> str:
    """A reply as one text: its body, or a complaint decision's parts one a line, each after its
    head from `heads` ("信访事项：", by part: app/core/labels.py decision_heads()), so the
    published answer still says which is the claim, the facts, the decision and the basis."""
    if not reply.is_decision:
        return reply.body
    heads = heads or {}
    return "\n".join(heads.get(part, "") + getattr(reply, part) for part in DECISION_PARTS if getattr(reply, part))


@dataclass(frozen=True)
class Draft:
    """What the lead reads side by side: the originals and their redacted texts."""

    question: str
    answer: str
    question_redacted: Redacted
    answer_redacted: Redacted


def draft_of(case: Suggestion, *readers: User, heads: Optional[Mapping[str, str]] = None) -> Draft:
    """The case's question and latest answer, original and redacted (the citizen's own name and
    the names of the staff of the units involved, `readers` among them, masked too); `heads`
    name a decision's parts."""
    answer = answer_text(case.replies[-1], heads) if case.replies else ""
    names = staff_names(case, *readers)
    return Draft(case.text, answer, redact(case.text, case.citizen_name, names),
                 redact(answer, case.citizen_name, names))


@dataclass(frozen=True)
class Flagged:
    """What in the texts about to be published may still name a person: (text, kind) of each
    flag, and each text's flags as spans, for the page to mark."""

    pieces: tuple[tuple[str, str], ...]
    question: tuple[Span, ...]
    answer: tuple[Span, ...]


def flagged(question: str, answer: str) -> Flagged:
    """The flags of app/domain/redaction.py's flags() in a question and an answer as redacted."""
    in_question, in_answer = flags(question or ""), flags(answer or "")
    pieces = [(question[f.start:f.end], f.kind) for f in in_question]
    pieces += [(answer[f.start:f.end], f.kind) for f in in_answer]
    return Flagged(tuple(pieces), in_question, in_answer)


def _check(actor, case, step: PubStep, found) -> None:
    reason = publication_refusal(actor, case, step, found)
    if reason is not None:
        raise Refused(reason)


def propose(session: Session, case: Suggestion, actor: User, now: datetime, clocks: Clocks,
            heads: Optional[Mapping[str, str]] = None) -> Publication:
    """Propose the case's answer for publication: its texts redacted, waiting for the lead; a
    decision's parts named by `heads` in the board's language (the views pass decision_heads())."""
    found = case.publication
    _check(actor, case, PubStep.PROPOSE, found)
    if not case.replies:
        raise Refused("pub_state")
    reply, texts = case.replies[-1], draft_of(case, actor, heads=heads)
    filed = clocks.calendar.local_date(case.created_at)
    replied = clocks.calendar.local_date(reply.at)
    values = dict(status=PubState.PROPOSED.value, question=texts.question_redacted.text,
                  answer=texts.answer_redacted.text, unit_id=reply.unit_id, category_id=case.category_id,
                  poster_id=case.poster_id, month=date(filed.year, filed.month, 1), replied_on=replied,
                  reply_days=max(0, (replied - filed).days), rating=case.rating.value if case.rating else None,
                  proposed_by_id=actor.id, proposed_at=now, approved_by_id=None, approved_at=None,
                  declined_at=None, unpublished_at=None, changed_at=now)
    if found is None:
        found = Publication(case=case, **values)
        session.add(found)
    else:
        for name, value in values.items():
            setattr(found, name, value)
    record_audit(session, now, "publication_proposed", actor=actor, target=f"case:{case.id}")
    session.flush()
    return found


def final_texts(found: Publication, reader: User, question: str, answer: str) -> tuple[str, str]:
    """The question and answer as they would be published from the lead's edit: redacted once
    more, with the names of the units' staff and the reader's."""
    names = staff_names(found.case, reader)
    return (redact((question or "").strip(), found.case.citizen_name, names).text,
            redact((answer or "").strip(), found.case.citizen_name, names).text)


def approve(session: Session, found: Publication, actor: User, now: datetime, question: str,
            answer: str, flags_seen: bool = False) -> Publication:
    """Publish the texts as the lead edited them, redacted once more: a phone typed back in
    while editing is masked all the same. What is still flagged (a long run of digits, a name
    told) is published only once the lead said they read it (`flags_seen`): approving blind
    is what published numbers the machine could not see."""
    _check(actor, found.case, PubStep.APPROVE, found)
    question, answer = final_texts(found, actor, question, answer)
    if not question or not answer:
        raise Refused("pub_empty")
    if flagged(question, answer).pieces and not flags_seen:
        raise Refused("pub_flags")
    found.question, found.answer = question, answer
    found.status, found.approved_by_id, found.approved_at, found.changed_at = (
        PubState.PUBLISHED.value, actor.id, now, now)
    seen = len(flagged(question, answer).pieces)
    record_audit(session, now, "publication_approved", actor=actor, target=f"publication:{found.id}",
                 detail=f"case:{found.case_id}" + (f" flags_seen:{seen}" if seen else ""))
    session.flush()
    return found


def decline(session: Session, found: Publication, actor: User, now: datetime) -> Publication:
    """The lead keeps the answer off the board."""
    _check(actor, found.case, PubStep.DECLINE, found)
    found.status, found.declined_at, found.changed_at = PubState.DECLINED.value, now, now
    record_audit(session, now, "publication_declined", actor=actor, target=f"publication:{found.id}",
                 detail=f"case:{found.case_id}")
    session.flush()
    return found


def unpublish(session: Session, found: Publication, actor: User, now: datetime) -> Publication:
    """Take a published answer off the board (and out of Open311) at once."""
    _check(actor, found.case, PubStep.UNPUBLISH, found)
    found.status, found.unpublished_at, found.changed_at = PubState.UNPUBLISHED.value, now, now
    record_audit(session, now, "publication_unpublished", actor=actor, target=f"publication:{found.id}",
                 detail=f"case:{found.case_id}")
    session.flush()
    return found


def note_rating(case: Suggestion, now: datetime) -> None:
    """A rating given after publication shows on the board beside the answer."""
    found = case.publication
    if found is not None and case.rating is not None:
        found.rating, found.changed_at = case.rating.value, now


def get_publication(session: Session, publication_id: int) -> Publication:
    """A publication by id, else NotFound (the policy says who may act on it)."""
    found = session.get(Publication, publication_id)
    if found is None:
        raise NotFound("publication")
    return found


def queue_for(session: Session, actor: User) -> list[Publication]:
    """What the actor's unit has proposed or published, newest first (an admin: every unit's)."""
    query = (sa.select(Publication).where(Publication.status.in_([PubState.PROPOSED.value,
                                                                  PubState.PUBLISHED.value]))
             .order_by(Publication.status, Publication.changed_at.desc()).limit(200))
    if actor.role is not Role.ADMIN:
        query = query.where(Publication.unit_id == actor.unit_id)
    return list(session.scalars(query))
