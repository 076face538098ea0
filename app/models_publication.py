"""A case's publication on the public answers board (/answers): its redacted question and answer
as the unit's lead approved them, and the few facts the board shows and filters by. Nothing here
names the citizen or a staff member in public: the people columns are for the audit of who
proposed and approved, and are never shown on the board."""
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.core.db import Base
from app.domain.publication import PubState
from app.models import Category, OrgUnit, Poster, Suggestion, User

STATES = [s.value for s in PubState]


class Publication(Base):
    """One case's way onto the board: proposed, then published or declined, maybe taken down."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12))
    question: Mapped[str] = mapped_column(sa.Text)  # redacted; as approved once published
    answer: Mapped[str] = mapped_column(sa.Text)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"))  # the unit that answered
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("categories.id"))
    poster_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("posters.id"))
    month: Mapped[date] = mapped_column(sa.Date)  # first local day of the month it was filed
    replied_on: Mapped[date] = mapped_column(sa.Date)  # the local day of the answer: never finer
    reply_days: Mapped[int]  # calendar days from filing to the answer
    rating: Mapped[Optional[str]] = mapped_column(sa.String(12))  # the citizen's, once given
    proposed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime]
    approved_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[Optional[datetime]]
    declined_at: Mapped[Optional[datetime]]
    unpublished_at: Mapped[Optional[datetime]]
    changed_at: Mapped[datetime] = mapped_column(index=True)  # the board's kept pages are keyed by it

    case: Mapped[Suggestion] = relationship(backref=backref("publication", uselist=False, passive_deletes=True))
    unit: Mapped[OrgUnit] = relationship()
    category: Mapped[Optional[Category]] = relationship()
    poster: Mapped[Optional[Poster]] = relationship()
    proposed_by: Mapped[Optional[User]] = relationship(foreign_keys=[proposed_by_id])
    approved_by: Mapped[Optional[User]] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (
        sa.Index("ix_publications_status_approved", "status", "approved_at"),
        sa.Index("ix_publications_unit_status", "unit_id", "status"),
        sa.CheckConstraint("status IN ('" + "', '".join(STATES) + "')", name="status"),
        sa.CheckConstraint("status <> 'published' OR approved_at IS NOT NULL", name="published_is_approved"),
        sa.CheckConstraint("reply_days >= 0", name="reply_days"),
    )
