"""A unit's channels (a DingTalk or WeCom group robot, an e-mail address): the rules of adding
and removing one, shared by `flask channels` and the admins' page, and how a target shows.

A robot's webhook URL carries its access token in the query, and a DingTalk robot has a
signing secret: whoever holds both can post into the unit's work chat, so neither is ever
shown whole. Every add and remove is audited; nothing here commits.
"""
import json
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.domain.egress import URL_MAX, literal_address, robot_url_problem
from app.domain.policy import CHANNELS_OF_SUBTREE
from app.domain.tellings import TEST
from app.models import OrgUnit, OutboxMessage, UnitChannel, User
from app.services import outbox
from app.services.access import subtree_ids
from app.services.audit import record_audit
from app.services.errors import NotFound, Refused

ROBOTS = ("dingtalk", "wecom")
TARGET_MAX, SECRET_MAX, ADDRESS_MAX = URL_MAX, 200, 254  # the columns, and RFC 5321's longest path
SHOWN_TAIL = 4  # characters of a token left visible, so an admin can tell two robots apart
# An address as people type it: one @, no spaces or angle brackets, a dotted domain.
ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"'.]+(\.[^@\s<>,;\"'.]+)+")


@dataclass(frozen=True)
class ChannelData:
    """What an admin (or the command line) gives for a new channel."""

    unit_id: int
    kind: str
    target: str
    secret: str = ""
    digest: bool = False


class Invalid(Refused):
    """A field of a new channel is wrong; `field` names it, `reason` says why (a key)."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field


def channel_unit_ids(session: Session, user: Optional[User]) -> Optional[set[int]]:
    """The units whose channels `user` manages (None: every unit, for the command line)."""
    if user is None:
        return None
    if user.role in CHANNELS_OF_SUBTREE:
        return subtree_ids(session, user.unit_id)
    return set()


def scope_units(session: Session, user: Optional[User]) -> list[OrgUnit]:
    """The active units `user` may give a channel to, in tree order."""
    query = sa.select(OrgUnit).where(OrgUnit.active).order_by(OrgUnit.kind, OrgUnit.id)
    ids = channel_unit_ids(session, user)
    if ids is not None:
        query = query.where(OrgUnit.id.in_(ids))
    return list(session.scalars(query))


def channels_query(session: Session, user: Optional[User]) -> sa.Select:
    """The channels `user` manages, with their units, by unit then id."""
    query = sa.select(UnitChannel).options(joinedload(UnitChannel.unit)).order_by(UnitChannel.unit_id,
                                                                                 UnitChannel.id)
    ids = channel_unit_ids(session, user)
    return query if ids is None else query.where(UnitChannel.unit_id.in_(ids))


def get_channel_for(session: Session, user: Optional[User], channel_id: int) -> UnitChannel:
    """The channel, if `user` manages it; otherwise NotFound (another's reads as none)."""
    channel = session.scalars(channels_query(session, user).where(UnitChannel.id == channel_id)).first()
    if channel is None:
        raise NotFound(channel_id)
    return channel


def check(session: Session, user: Optional[User], data: ChannelData, robot_hosts: tuple[str, ...] = ()) -> None:
    """Raise Invalid for the first wrong field of `data`; a robot's address must be https to
    its service's documented host or one of `robot_hosts` (YIMA_ROBOT_HOSTS)."""
    ids = channel_unit_ids(session, user)
    unit = session.get(OrgUnit, data.unit_id) if data.unit_id else None
    if unit is None or not unit.active or (ids is not None and unit.id not in ids):
        raise Invalid("unit", "unit")
    if data.kind not in UnitChannel.KINDS:
        raise Invalid("kind", "kind")
    problem = robot_url_problem(data.target, data.kind, robot_hosts) if data.kind in ROBOTS else None
    if problem:
        raise Invalid("target", problem)  # "url" or "host"
    if data.kind == "email" and not is_address(data.target):
        raise Invalid("target", "address")
    if data.secret and data.kind != "dingtalk":
        raise Invalid("secret", "secret_unused")  # only DingTalk signs; a secret elsewhere is a mix-up
    if len(data.secret) > SECRET_MAX or any(ch.isspace() or not ch.isprintable() for ch in data.secret):
        raise Invalid("secret", "secret")
    twin = session.scalar(sa.select(UnitChannel.id).where(
        UnitChannel.unit_id == unit.id, UnitChannel.kind == data.kind, UnitChannel.target == data.target))
    if twin is not None:
        raise Invalid("target", "duplicate")  # the unit would hear every message twice


def is_address(text: str) -> bool:
    """A plausible single e-mail address, as typed (no display name), at a domain name: an
    address literal (a@[10.0.0.1], a@127.0.0.1, a@x.localhost) would have the SMTP relay
    connect inside the network for whoever typed it."""
    if not text or len(text) > ADDRESS_MAX or not text.isprintable():
        return False
    domain = text.rpartition("@")[2]
    if "[" in domain or "]" in domain or literal_address(domain) is not None:
        return False
    return parseaddr(text)[1] == text and ADDRESS.fullmatch(text) is not None


def add_channel(session: Session, user: Optional[User], data: ChannelData, now: datetime,
                address: str = "", robot_hosts: tuple[str, ...] = ()) -> UnitChannel:
    """Add a channel to a unit, audited; Invalid if a field is wrong. `user` None: the CLI;
    `robot_hosts`: the robot hosts the operator allows besides the documented ones."""
    data = ChannelData(unit_id=data.unit_id, kind=data.kind, target=data.target.strip(),
                       secret=data.secret.strip(), digest=data.digest)
    check(session, user, data, robot_hosts)
    channel = UnitChannel(unit_id=data.unit_id, kind=data.kind, target=data.target, secret=data.secret,
                          digest=data.digest, active=True, created_at=now)
    session.add(channel)
    session.flush()
    _audit(session, user, now, "channel_add", channel, address)
    return channel


def remove_channel(session: Session, user: Optional[User], channel: UnitChannel, now: datetime,
                   address: str = "") -> int:
    """Delete a channel (its secret goes with it), audited. Its messages still waiting are
    skipped, never sent to a robot nobody owns any more; the number skipped."""
    _audit(session, user, now, "channel_remove", channel, address)
    skipped = session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.channel_id == channel.id, OutboxMessage.status == "pending")
        .values(status="skipped", last_error="the unit's channel was removed")
        .execution_options(synchronize_session=False)).rowcount
    session.delete(channel)
    session.flush()
    return skipped


def queue_test(session: Session, channel: UnitChannel, texts: outbox.Texts, now: datetime) -> OutboxMessage:
    """Queue a test message to this one channel; the message (flushed, not committed). The
    `notify` worker sends it like any other: a web request never connects to a channel."""
    key = f"test:{channel.id}:{now.strftime('%Y%m%dT%H%M%S.%f')}"
    outbox.tell_unit(session, channel.unit_id, TEST, key, {}, texts, now, channels=[channel])
    session.flush()
    return session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.channel_id == channel.id, OutboxMessage.key.startswith(key, autoescape=True))).one()


def masked_target(target: str) -> str:
    """A target as pages and the command line show it: an e-mail address whole; a robot URL
    with every query value (DingTalk's access_token, WeCom's key) and any password masked."""
    if "://" not in target:
        return target
    try:
        url = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
    except ValueError:
        return "****"
    netloc = url.netloc.rpartition("@")[2] if "@" in url.netloc else url.netloc
    if url.username:
        netloc = f"{url.username}:****@{netloc}"
    shown = "&".join(f"{name}={_mask(value)}" for name, value in query)
    return urllib.parse.urlunsplit((url.scheme, netloc, url.path, shown, ""))


def _mask(value: str) -> str:
    if len(value) < 3 * SHOWN_TAIL:
        return "****"
    return "****" + value[-SHOWN_TAIL:]


def _audit(session, user, now, action, channel: UnitChannel, address: str) -> None:
    unit = channel.unit or session.get(OrgUnit, channel.unit_id)
    detail = json.dumps({"unit": unit.code if unit else "", "kind": channel.kind,
                         "target": masked_target(channel.target), "digest": channel.digest}, ensure_ascii=False)
    record_audit(session, now, action, actor=user, username="" if user else "cli",
                 target=f"channel:{channel.id}", address=address, detail=detail)
