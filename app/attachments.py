"""The row of every file attached to a case: its case, role, size, type, checksum and who added it.

Beside app/models.py (already long): the bytes are in the store (app/storage.py), under `key`;
a file is written there before its row commits, and a file without a row is an orphan that
the sweep deletes (app/services/uploads.py)."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.domain.attachments import STORED_TYPES, FileRole


def _in(column: str, values) -> str:
    return f"{column} IN ('" + "', '".join(values) + "')"


class Attachment(Base):
    """A photo or file of a case, kept re-encoded without metadata (app/core/images.py)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    reply_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("replies.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)  # the server's name in the store
    thumb_key: Mapped[Optional[str]] = mapped_column(sa.String(80))  # images only
    media_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]  # bytes as stored
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    checksum: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the stored bytes
    added_at: Mapped[datetime]
    added_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))  # None: the citizen

    __table_args__ = (
        sa.CheckConstraint(_in("role", [r.value for r in FileRole]), name="role"),
        sa.CheckConstraint(_in("media_type", STORED_TYPES), name="media_type"),
        sa.CheckConstraint("(role = 'reply') = (reply_id IS NOT NULL)", name="reply_iff_reply_role"),
        sa.CheckConstraint("size > 0", name="size"),
    )

    @property
    def is_image(self) -> bool:
        """Whether the file is a photo (it has a thumbnail) rather than a PDF."""
        return self.media_type != "application/pdf"
