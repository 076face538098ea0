"""Typed ORM models: org units, staff users, categories, posters, cases and their events."""
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base
from app.domain.workflow import OPEN_STATES, Action, CaseState, Channel, Kind, Rating, Role, Stage


def _enum(enum_cls, name: str) -> sa.Enum:
    """Store an enum as its value in a string column guarded by a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class OrgUnit(Base):
    """A unit in the organisation tree: county, town/street, village, department, dispatch centre."""

    __tablename__ = "org_units"
    KINDS = ("city", "county", "town", "village", "department", "dispatch")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    kind: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Optional["OrgUnit"]] = relationship(remote_side=[id])

    __table_args__ = (
        sa.CheckConstraint("kind IN ('" + "', '".join(KINDS) + "')", name="kind"),
    )

    def display_name(self, lang: str) -> str:
        """The unit's name in the page's language."""
        return self.name_en if lang == "en" and self.name_en else self.name


class User(Base):
    """A staff account; the staff issue gives it logins and roles."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    unit: Mapped[OrgUnit] = relationship()

    # What Flask-Login asks of a user.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The id with the session epoch: bumping the epoch ends every session of the user."""
        return f"{self.id}.{self.session_epoch}"

    @property
    def label(self) -> str:
        """How the user is named to colleagues."""
        return self.display_name or self.username


class Category(Base):
    """A "一件事" matter, routed by default to one receiving unit."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[OrgUnit] = relationship()

    def display_name(self, lang: str) -> str:
        """The category's name in the page's language."""
        return self.name_en if lang == "en" and self.name_en else self.name


class Poster(Base):
    """A posted QR code bound to a place and a unit; its code is printed and never reused."""

    __tablename__ = "posters"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    place_label: Mapped[str] = mapped_column(sa.String(120))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"), index=True)
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("categories.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    deactivated_at: Mapped[Optional[datetime]]

    unit: Mapped[OrgUnit] = relationship()
    category: Mapped[Optional[Category]] = relationship()


class PosterScan(Base):
    """One opening of a poster's landing page, for scans-to-submissions figures."""

    __tablename__ = "poster_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    poster_id: Mapped[int] = mapped_column(sa.ForeignKey("posters.id"))
    scanned_at: Mapped[datetime]

    __table_args__ = (sa.Index("ix_poster_scans_poster_at", "poster_id", "scanned_at"),)


# The shape of a stored phone (app/domain/phones.py keeps the exact rule): digits only, an
# 11-digit mobile starting 1, or a 10- to 12-digit landline starting with its area code's 0.
PHONE_SHAPE = ("citizen_phone IS NULL"
               " OR (length(citizen_phone) = 11 AND substr(citizen_phone, 1, 1) = '1')"
               " OR (length(citizen_phone) BETWEEN 10 AND 12 AND substr(citizen_phone, 1, 1) = '0')")


OPEN_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in sorted(OPEN_STATES)) + ")"
MARKED_SQL = "filed_from IS NOT NULL"
JOINED_SQL = "joined_at IS NOT NULL"  # the few cases filed as a join (附议): only these are indexed


class Suggestion(Base):
    """A citizen's case: what they wrote, where it stands, who holds it, and its clocks."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    pin_hash: Mapped[str] = mapped_column(sa.String(64))
    submission_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[Kind] = mapped_column(_enum(Kind, "kind"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    status: Mapped[CaseState] = mapped_column(_enum(CaseState, "status"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    citizen_name: Mapped[Optional[str]] = mapped_column(sa.String(50))
    citizen_phone: Mapped[Optional[str]] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(16), default="zh_Hans_CN")
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("categories.id"))
    poster_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("posters.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"))
    created_at: Mapped[datetime]
    received_at: Mapped[datetime]  # when the current unit got it: starts its clock
    accept_due_at: Mapped[datetime]
    accepted_at: Mapped[Optional[datetime]]
    replied_at: Mapped[Optional[datetime]]
    closed_at: Mapped[Optional[datetime]]
    stage: Mapped[Stage] = mapped_column(_enum(Stage, "stage"), default=Stage.FIRST)
    due_at: Mapped[Optional[datetime]]  # the current duty's deadline, for sorting and overdue
    reply_due_at: Mapped[Optional[datetime]]
    return_due_at: Mapped[Optional[datetime]]  # a forwarded case may be sent back until then
    window_ends_at: Mapped[Optional[datetime]]  # the citizen may rate or ask for review until then
    overdue_at: Mapped[Optional[datetime]]  # when the sweep found the current duty late
    due_soon_told_for: Mapped[Optional[datetime]]  # the deadline its unit was last warned of
    extension_days: Mapped[int] = mapped_column(default=0)  # granted (Art. 34: once)
    extension_request_days: Mapped[Optional[int]]  # a handler's request waiting for the lead
    extension_request_reason: Mapped[str] = mapped_column(sa.String(5000), default="")
    urge_count: Mapped[int] = mapped_column(default=0)
    is_report: Mapped[bool] = mapped_column(default=False)  # 检举控告: dispatch and supervisors only
    # The citizen agreed that the question and its answer may be published without name and phone.
    publish_consent: Mapped[bool] = mapped_column(default=False)
    assignee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    stage_started_at: Mapped[Optional[datetime]]  # acceptance, or the review request: the answer clock
    handled_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("org_units.id"))  # accepted it
    merged_into_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("suggestions.id"))
    joined_at: Mapped[Optional[datetime]]  # the citizen joined (附议) merged_into before filing: app/services/joins.py
    # The filing client's address, keyed (codes.client_mark): a replay's PIN, joins per address;
    # cleared by the sweep after CLIENT_MARK_DAYS (app/services/sweep.py) and by the purge.
    filed_from: Mapped[Optional[str]] = mapped_column(sa.String(32))
    rating: Mapped[Optional[Rating]] = mapped_column(_enum(Rating, "rating"))
    rating_comment: Mapped[str] = mapped_column(sa.String(500), default="")
    rated_at: Mapped[Optional[datetime]]
    version: Mapped[int] = mapped_column(default=1)

    category: Mapped[Optional[Category]] = relationship()
    poster: Mapped[Optional[Poster]] = relationship()
    unit: Mapped[OrgUnit] = relationship(foreign_keys=[unit_id])
    handled_by: Mapped[Optional[OrgUnit]] = relationship(foreign_keys=[handled_by_id])
    assignee: Mapped[Optional[User]] = relationship()
    merged_into: Mapped[Optional["Suggestion"]] = relationship(remote_side=[id], back_populates="merged_cases")
    merged_cases: Mapped[list["Suggestion"]] = relationship(back_populates="merged_into")
    events: Mapped[list["CaseEvent"]] = relationship(
        back_populates="suggestion", order_by="CaseEvent.id"
    )
    replies: Mapped[list["Reply"]] = relationship(back_populates="suggestion", order_by="Reply.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_suggestions_unit_status_due", "unit_id", "status", "accept_due_at"),
        sa.Index("ix_suggestions_unit_due", "unit_id", "due_at", "id"),
        sa.Index("ix_suggestions_due", "due_at", "id"),
        sa.Index("ix_suggestions_created", "created_at", postgresql_include=[
            "handled_by_id", "unit_id", "category_id", "poster_id", "channel", "kind", "is_report"]),
        sa.Index("ix_suggestions_unit_created", "unit_id", "created_at"),
        sa.Index("ix_suggestions_handled_created", "handled_by_id", "created_at"),
        # Similar open cases at a poster or of a matter (app/services/similar.py): open cases only.
        *(sa.Index(f"ix_suggestions_open_{column}", column, "created_at", postgresql_where=sa.text(OPEN_SQL),
                   sqlite_where=sa.text(OPEN_SQL)) for column in ("poster_id", "category_id")),
        # The figures read these indexes only (PostgreSQL INCLUDE): no trip to the wide rows.
        sa.Index("ix_suggestions_accepted", "accepted_at", postgresql_include=[
            "accept_due_at", "received_at", "handled_by_id", "unit_id", "category_id", "poster_id",
            "channel", "kind", "is_report"]),
        sa.Index("ix_suggestions_closed", "closed_at", postgresql_include=[
            "status", "stage", "handled_by_id", "unit_id", "category_id", "poster_id", "channel", "kind",
            "is_report"]),
        sa.Index("ix_suggestions_rated", "rated_at", postgresql_include=[
            "rating", "handled_by_id", "unit_id", "category_id", "poster_id", "channel", "kind", "is_report"]),
        # Open cases by deadline, alone (the inbox's order; the figures' overdue count, index only).
        sa.Index("ix_suggestions_open_due", "due_at", "id",
                 postgresql_where=sa.text("status IN ('submitted', 'accepted', 'review', 're_review')"),
                 sqlite_where=sa.text("status IN ('submitted', 'accepted', 'review', 're_review')"),
                 postgresql_include=["is_report", "handled_by_id", "unit_id", "category_id", "poster_id",
                                     "channel", "kind"]),
        # The inbox counts pending extension requests on every page: only those few are indexed.
        sa.Index("ix_suggestions_extension_pending", "unit_id",
                 postgresql_where=sa.text("extension_request_days IS NOT NULL"),
                 sqlite_where=sa.text("extension_request_days IS NOT NULL")),
        # Shape, not policy: how many days an extension may be is YIMA_MAX_EXTENSION_DAYS.
        sa.CheckConstraint("extension_days >= 0", name="extension_days"),
        sa.CheckConstraint("extension_request_days IS NULL OR extension_request_days >= 1",
                           name="extension_request_days"),
        sa.CheckConstraint("status <> 'merged' OR merged_into_id IS NOT NULL", name="merged_has_master"),
        sa.CheckConstraint("joined_at IS NULL OR merged_into_id IS NOT NULL", name="joined_has_master"),
        # Joins of a master, and those of the last days (the supervision page's growing clusters).
        sa.Index("ix_suggestions_joined_master", "merged_into_id", "joined_at", postgresql_where=sa.text(JOINED_SQL),
                 sqlite_where=sa.text(JOINED_SQL)),
        sa.Index("ix_suggestions_joined", "joined_at", postgresql_include=[
            "handled_by_id", "unit_id", "category_id", "poster_id", "channel", "kind"],
            postgresql_where=sa.text(JOINED_SQL), sqlite_where=sa.text(JOINED_SQL)),
        # The sweep clears the addresses' marks older than a week: only rows still holding one.
        sa.Index("ix_suggestions_filed_from", "created_at", postgresql_where=sa.text(MARKED_SQL),
                 sqlite_where=sa.text(MARKED_SQL)),
        sa.CheckConstraint(
            "(status IN ('closed')) = (closed_at IS NOT NULL)", name="closed_at_iff_closed"
        ),
        sa.CheckConstraint(
            "status NOT IN ('accepted', 'replied', 'review', 're_review') OR accepted_at IS NOT NULL",
            name="accepted_at_when_worked",
        ),
        sa.CheckConstraint(
            "status <> 'replied' OR replied_at IS NOT NULL", name="replied_at_when_replied"
        ),
        sa.CheckConstraint(PHONE_SHAPE, name="phone_shape"),
    )


class CaseEvent(Base):
    """One immutable step in a case's life; the citizen's timeline is the public subset."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id"), index=True)
    at: Mapped[datetime]
    action: Mapped[Action] = mapped_column(_enum(Action, "action"))
    __table_args__ = (sa.Index("ix_case_events_action_at", "action", "at"),
                      sa.Index("ix_case_events_at", "at"))
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[Optional[CaseState]] = mapped_column(_enum(CaseState, "from_status"))
    to_status: Mapped[Optional[CaseState]] = mapped_column(_enum(CaseState, "to_status"))
    from_unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("org_units.id"))
    to_unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("org_units.id"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    public: Mapped[bool] = mapped_column(default=False)

    suggestion: Mapped[Suggestion] = relationship(back_populates="events")
    actor: Mapped[Optional[User]] = relationship()
    from_unit: Mapped[Optional[OrgUnit]] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Optional[OrgUnit]] = relationship(foreign_keys=[to_unit_id])


class Reply(Base):
    """An answer to the citizen; for a complaint, the structured decision (信访处理意见书)."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id"), index=True)
    stage: Mapped[Stage] = mapped_column(_enum(Stage, "stage"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"))
    author_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime]
    body: Mapped[str] = mapped_column(sa.Text, default="")
    claim: Mapped[str] = mapped_column(sa.Text, default="")
    facts: Mapped[str] = mapped_column(sa.Text, default="")
    decision: Mapped[str] = mapped_column(sa.Text, default="")
    basis: Mapped[str] = mapped_column(sa.Text, default="")
    review_until: Mapped[Optional[datetime]]  # the citizen may ask for review until then
    final: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[Optional[datetime]]  # when the answering unit's clock started
    due_at: Mapped[Optional[datetime]]  # the deadline it answered against: on time if at < due_at
    # The case's fixed facts, copied so the figures of answers need no join with the cases.
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("categories.id"))
    poster_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("posters.id"))
    channel: Mapped[Optional[Channel]] = mapped_column(_enum(Channel, "channel"))
    kind: Mapped[Optional[Kind]] = mapped_column(_enum(Kind, "kind"))
    is_report: Mapped[bool] = mapped_column(default=False)  # figures leave reports out for most roles

    suggestion: Mapped[Suggestion] = relationship(back_populates="replies")
    unit: Mapped[OrgUnit] = relationship()

    __table_args__ = (
        sa.Index("ix_replies_at", "at", postgresql_include=[
            "unit_id", "stage", "due_at", "started_at", "category_id", "poster_id", "channel", "kind",
            "is_report"]),
    )

    @property
    def is_decision(self) -> bool:
        """Whether this reply is a structured complaint decision."""
        return bool(self.decision)


class AuditEvent(Base):
    """Who did what outside a case's own timeline: logins, denials, reveals, exports."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(sa.String(64), default="")
    action: Mapped[str] = mapped_column(sa.String(40))
    target: Mapped[str] = mapped_column(sa.String(120), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    detail: Mapped[str] = mapped_column(sa.String(500), default="")


class FigureMonth(Base):
    """One cell of a month's stored figure cube (see app/stats/monthly.py)."""

    __tablename__ = "figure_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, index=True)  # its first local day
    unit_id: Mapped[Optional[int]]
    category_id: Mapped[Optional[int]]
    poster_id: Mapped[Optional[int]]
    channel: Mapped[Optional[str]] = mapped_column(sa.String(20))
    kind: Mapped[Optional[str]] = mapped_column(sa.String(20))
    is_report: Mapped[bool] = mapped_column(default=False)
    volume: Mapped[int] = mapped_column(default=0)
    closed: Mapped[int] = mapped_column(default=0)
    closed_first_time: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    accepted_on_time: Mapped[int] = mapped_column(default=0)
    accept_days: Mapped[float] = mapped_column(default=0.0)
    replies: Mapped[int] = mapped_column(default=0)
    replies_on_time: Mapped[int] = mapped_column(default=0)
    first_replies: Mapped[int] = mapped_column(default=0)
    reply_days: Mapped[float] = mapped_column(default=0.0)
    reviews: Mapped[int] = mapped_column(default=0)
    re_reviews: Mapped[int] = mapped_column(default=0)
    joins: Mapped[int] = mapped_column(default=0)


class FigureWatermark(Base):
    """When the stored months were last brought up to date (one row)."""

    __tablename__ = "figure_watermark"

    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at: Mapped[datetime]
    # The newest event that refresh saw, and how many of the events of the MARGIN before
    # refreshed_at it saw: a later event, or one committed late, makes its months dirty.
    seen_event_id: Mapped[int] = mapped_column(default=0, server_default="0")
    seen_recent: Mapped[int] = mapped_column(default=0, server_default="0")


class LoginThrottle(Base):
    """Failed sign-ins counted per account and address, or per account (app/domain/throttle.py);
    in the database so every worker and node counts the same failures."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # a hash: no address kept in clear
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
    blocked_until: Mapped[Optional[datetime]]

    __table_args__ = (sa.CheckConstraint("failures >= 0", name="failures"),)


class StaffDraft(Base):
    """A case action's text posted after its session ended, kept until its author signs in
    again and sees it on the case page (app/staff/drafts.py); deleted once shown."""

    __tablename__ = "staff_drafts"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # random; the session holds it
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id", ondelete="CASCADE"))
    fields: Mapped[str] = mapped_column(sa.Text)  # JSON: form field name -> text
    created_at: Mapped[datetime] = mapped_column(index=True)


class Subscription(Base):
    """A citizen's agreement to be told of their case by SMS (app/services/outbox.py): given
    on the form, or recorded by staff for a counter or hotline case; stopped from the tracking
    page. It holds the tracking token sealed, since only its hash is on the case and every
    message links to the tracking page; it is deleted with the case's personal data."""

    __tablename__ = "subscriptions"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True)
    token_sealed: Mapped[str] = mapped_column(sa.String(200))
    consent_at: Mapped[datetime]
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))  # staff, for a caller
    stopped_at: Mapped[Optional[datetime]]


class UnitChannel(Base):
    """Where a unit is told of its cases: a DingTalk or WeCom group robot, or an e-mail address."""

    __tablename__ = "unit_channels"
    KINDS = ("dingtalk", "wecom", "email")

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    target: Mapped[str] = mapped_column(sa.String(500))  # the robot's webhook URL, or the address
    secret: Mapped[str] = mapped_column(sa.String(200), default="")  # DingTalk's signing secret
    digest: Mapped[bool] = mapped_column(default=False)  # also the daily digest
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    unit: Mapped[OrgUnit] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('" + "', '".join(KINDS) + "')", name="kind"),
    )


class OutboxMessage(Base):
    """One message to send, written in the transaction of the step that causes it; the
    `notify` command sends it (app/notify/worker.py). `key` is unique: the same step never
    queues a message twice, and the receiving side may use it to drop a repeat."""

    __tablename__ = "outbox"
    STATES = ("pending", "sent", "dead", "skipped")

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    topic: Mapped[str] = mapped_column(sa.String(40))  # what it tells: receipt, accepted, due_soon...
    transport: Mapped[str] = mapped_column(sa.String(20))  # sms, dingtalk, wecom, email
    phone: Mapped[Optional[str]] = mapped_column(sa.String(20))  # an SMS's number; purged with the case
    channel_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit_channels.id", ondelete="SET NULL"))
    case_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("suggestions.id", ondelete="SET NULL"),
                                                   index=True)
    language: Mapped[str] = mapped_column(sa.String(16), default="zh_Hans_CN")
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    params: Mapped[str] = mapped_column(sa.Text, default="{}")  # JSON: an SMS template's values
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime]  # quiet hours and retries: not sent before then
    claimed_until: Mapped[Optional[datetime]]  # a sender holds it until then
    claimed_by: Mapped[str] = mapped_column(sa.String(80), default="")
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[Optional[datetime]]

    channel: Mapped[Optional[UnitChannel]] = relationship()

    __table_args__ = (
        sa.Index("ix_outbox_due", "status", "not_before"),
        sa.Index("ix_outbox_phone_created", "phone", "created_at"),
        sa.CheckConstraint("status IN ('" + "', '".join(STATES) + "')", name="status"),
        sa.CheckConstraint("transport IN ('sms', 'dingtalk', 'wecom', 'email')", name="transport"),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
    )


class CaseSignature(Base):
    """What similarity compares of a case (app/domain/similarity.py Profile), kept when it is
    filed so a hint reads it instead of reading the text again: space-separated grams."""

    __tablename__ = "case_signatures"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True)
    place: Mapped[str] = mapped_column(sa.Text, default="")
    matter: Mapped[str] = mapped_column(sa.Text, default="")
    words: Mapped[str] = mapped_column(sa.Text, default="")
