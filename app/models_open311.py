"""Open311 partners: their API keys (only hashes stored) and the cases each filed."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base
from app.models import Suggestion


class ApiKey(Base):
    """One partner's key for POST /open311/v2/requests; the key itself is shown once, never stored."""

    __tablename__ = "open311_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[Optional[datetime]]


class PartnerRequest(Base):
    """A case a partner filed: by which key, the Open311 token that follows it, and the fields of
    the request Yima's case has no column for. No name, phone or e-mail is kept here."""

    __tablename__ = "open311_requests"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True)
    key_id: Mapped[int] = mapped_column(sa.ForeignKey("open311_keys.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    lat: Mapped[Optional[float]]
    long: Mapped[Optional[float]]
    media_url: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime]

    case: Mapped[Suggestion] = relationship()
    key: Mapped[ApiKey] = relationship()
