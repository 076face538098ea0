"""The public answers board's reads: published answers by unit, matter, poster and month, found
by a Chinese substring of their texts, a page at a time; one answer; a poster's latest few.

Search is a LIKE '%words%' over the published (redacted) question and answer: a substring match
needs no word segmenter for Chinese, means the same on SQLite and PostgreSQL, and reads only the
published rows, a few thousand a year (the board's pages are kept, app/citizen/answers.py)."""
from dataclasses import dataclass
from datetime import date
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Session

from app.core.db import one_read
from app.domain.publication import PubState
from app.models import Category, OrgUnit, Poster, Suggestion
from app.models_publication import Publication
from app.services.errors import NotFound

PAGE_SIZE = 20


@dataclass(frozen=True)
class BoardQuery:
    """The board's filters, validated; None or "" means any."""

    unit_id: Optional[int] = None
    category_id: Optional[int] = None
    poster_id: Optional[int] = None
    month: Optional[date] = None
    words: str = ""
    page: int = 1


@dataclass(frozen=True)
class BoardPage:
    """One page of published answers, how many match in all, and how many pages that makes."""

    rows: list
    total: int
    pages: int


def _published():
    # A case marked a report after it was published drops off the board with no one's click.
    return (sa.select(Publication).join(Suggestion, Suggestion.id == Publication.case_id)
            .where(Publication.status == PubState.PUBLISHED.value, Suggestion.is_report.is_(False),
                   Suggestion.publish_consent.is_(True)))


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def board(session: Session, query: BoardQuery) -> BoardPage:
    """The published answers matching `query`, newest first, one page of them."""
    select = _published()
    if query.unit_id:
        select = select.where(Publication.unit_id == query.unit_id)
    if query.category_id:
        select = select.where(Publication.category_id == query.category_id)
    if query.poster_id:
        select = select.where(Publication.poster_id == query.poster_id)
    if query.month:
        select = select.where(Publication.month == query.month)
    for word in query.words.split():
        pattern = _like(word)
        select = select.where(sa.or_(Publication.question.like(pattern, escape="\\"),
                                     Publication.answer.like(pattern, escape="\\")))
    total = session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))
    rows = session.scalars(select.options(orm.joinedload(Publication.unit), orm.joinedload(Publication.category),
                                          orm.joinedload(Publication.poster))
                           .order_by(Publication.approved_at.desc(), Publication.id.desc())
                           .limit(PAGE_SIZE).offset((query.page - 1) * PAGE_SIZE)).all()
    return BoardPage(list(rows), total, max(1, -(-total // PAGE_SIZE)))


def facets(session: Session) -> dict:
    """What the filters offer: the units, matters and posters that have answers, and the months."""
    rows = session.execute(_published().with_only_columns(
        Publication.unit_id, Publication.category_id, Publication.poster_id, Publication.month).distinct()).all()

    def named(model, ids):
        return list(session.scalars(sa.select(model).where(model.id.in_(ids)).order_by(model.id))) if ids else []

    return {"units": named(OrgUnit, {r.unit_id for r in rows}),
            "categories": named(Category, {r.category_id for r in rows if r.category_id}),
            "posters": named(Poster, {r.poster_id for r in rows if r.poster_id}),
            "months": sorted({r.month for r in rows}, reverse=True)}


def published_answer(session: Session, publication_id: int) -> Publication:
    """One published answer, else NotFound (a proposed, declined or withdrawn one is not there)."""
    found = session.scalars(_published().where(Publication.id == publication_id)
                            .options(orm.joinedload(Publication.unit), orm.joinedload(Publication.category))).first()
    if found is None:
        raise NotFound("answer")
    return found


def latest_at_poster(session: Session, poster_id: int, count: int = 3) -> list[Publication]:
    """The newest published answers of cases filed at this poster."""
    return list(session.scalars(_published().where(Publication.poster_id == poster_id)
                                .order_by(Publication.approved_at.desc()).limit(count)))


_STAMP = sa.select(sa.func.count(Publication.id), sa.func.max(Publication.changed_at))


def stamp(engine: sa.Engine) -> tuple:
    """What changes whenever any answer is published, declined, withdrawn or rated: the kept
    board pages are keyed by it, so a withdrawn answer leaves every worker's pages at once.

    It reads in a statement of its own (app/core/db.py one_read), as the tracking page does:
    the request's session is never started for a kept page."""
    with one_read(engine) as connection:
        return tuple(connection.execute(_STAMP).one())
