"""Demo cases with a past: each scenario of app/demo/scenarios.py, played through the real
service steps at times before the seeding's `now`.

A scenario's submission key derives from its name, so its case, its tracking token and its
PIN are the same on every run: a scenario whose case exists is skipped whole (its later steps
never run twice), and `flask --app wsgi demo urls` can print a tracking link without storing
the token. Overdue and due-soon cases come from when they were filed or accepted; no deadline
is written by hand.
"""
import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.labels import decision_heads
from app.domain import codes
from app.domain.deadlines import Clocks
from app.domain.workflow import Channel, Kind, Rating
from app.models import Category, FigureWatermark, OrgUnit, Suggestion, User
from app.services import casework, feedback, publications
from app.services.errors import Refused
from app.services.intake import Submission, submit_suggestion


@dataclass(frozen=True)
class Step:
    """One step of a scenario: `days` (at least 1) local days before the seeding's day, at
    local `at` (HH:MM), so every step is in the past whatever the hour of the seeding.

    `actor` is a demo username (app/demo/seed.py DEMO_USERS), None for the citizen or the timers."""

    days: int
    at: str
    verb: str
    actor: Optional[str] = None
    args: tuple = ()


@dataclass(frozen=True)
class Scenario:
    """A case as a newcomer should find it: how it was filed and what happened to it since."""

    name: str  # stable: the submission key, hence the case, derives from it
    kind: Kind
    via: str  # "poster:CODE", "web", "counter:USERNAME" or "hotline:USERNAME"
    filed: tuple[int, str]  # (days ago, local HH:MM)
    text: str
    location: str = ""
    citizen: tuple[Optional[str], Optional[str]] = (None, None)  # (name, mobile); anonymous if both None
    category: Optional[str] = None  # a category code (app/demo/seed.py CATEGORIES)
    steps: tuple[Step, ...] = ()
    link: str = ""  # when set, `demo urls` prints this case's tracking link under this label
    publish: bool = False  # the citizen agreed its question and answer may be published, redacted


# The vocabulary of the scenarios: one constructor per step, named for what happens.
def accept(days, at, actor):
    return Step(days, at, "accept", actor)


def assign(days, at, actor, assignee):
    return Step(days, at, "assign", actor, (assignee,))


def note(days, at, actor, text):
    return Step(days, at, "note", actor, (text,))


def forward(days, at, actor, unit_code, reason):
    return Step(days, at, "forward", actor, (unit_code, reason))


def reply(days, at, actor, body="", *, claim="", facts="", decision="", basis=""):
    return Step(days, at, "reply", actor,
                (casework.ReplyText(body=body, claim=claim, facts=facts, decision=decision, basis=basis),))


def reject(days, at, actor, reason):
    return Step(days, at, "reject", actor, (reason,))


def ask_extension(days, at, actor, extra_days, reason):
    return Step(days, at, "request_extension", actor, (extra_days, reason))


def extend(days, at, actor, extra_days=None, reason=""):
    """The lead extends; without days and reason, the handler's request as asked."""
    return Step(days, at, "extend", actor, (extra_days, reason))


def merge(days, at, actor, master_scenario):
    return Step(days, at, "merge", actor, (master_scenario,))


def mark_report(days, at, actor, reason):
    return Step(days, at, "mark_report", actor, (reason,))


def urge(days, at, actor, message):
    return Step(days, at, "urge", actor, (message,))


def rate(days, at, rating: Rating, comment=""):
    return Step(days, at, "rate", None, (rating, comment))


def ask_review(days, at, reason):
    return Step(days, at, "request_review", None, (reason,))


def follow_up(days, at, text):
    return Step(days, at, "follow_up", None, (text,))


def propose(days, at, actor):
    """The handler proposes the answer for the public board (/answers)."""
    return Step(days, at, "propose", actor)


def publish(days, at, actor):
    """The lead approves the redacted texts as proposed."""
    return Step(days, at, "publish", actor)


def _propose(session, case, actor, now, clocks):
    return publications.propose(session, case, actor, now, clocks, decision_heads())


def _publish(session, case, actor, now, clocks):
    found = case.publication
    return publications.approve(session, found, actor, now, found.question, found.answer)


def window_over(days, at):
    """The timers close a replied case whose rating window is over (what `sweep` does)."""
    return Step(days, at, "close")


# Each verb's service step: staff steps are (session, case, actor, now, clocks, *args), the
# citizen's (session, case, *args, now, clocks).
STAFF_STEPS = {
    "accept": casework.accept_case, "assign": casework.assign_case, "note": casework.add_note,
    "forward": casework.forward_case, "reply": casework.reply_to_case, "reject": casework.reject_case,
    "request_extension": casework.request_extension, "extend": casework.extend_case,
    "merge": casework.merge_case, "mark_report": casework.mark_report, "urge": casework.urge_case,
    "propose": _propose, "publish": _publish,
}
CITIZEN_STEPS = {
    "rate": feedback.rate_reply, "request_review": feedback.request_review,
    "follow_up": feedback.follow_up, "close": feedback.close_case,
}


def submission_key(scenario_name: str) -> str:
    """The scenario's submission key: 22 URL-safe characters, the same on every run."""
    digest = hashlib.sha256(f"yima-demo-case:{scenario_name}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


def find_case(session: Session, scenario_name: str) -> Optional[Suggestion]:
    """The scenario's case, if it was seeded (only the key's hash is stored)."""
    hashed = codes.hash_secret(submission_key(scenario_name))
    return session.scalars(sa.select(Suggestion).where(Suggestion.submission_key == hashed)).first()


def local_instant(today: date, days: int, at: str, clocks: Clocks) -> datetime:
    """`days` local days before `today`, at local HH:MM, as an aware UTC instant."""
    hour, minute = (int(part) for part in at.split(":"))
    local = datetime.combine(today - timedelta(days=days), time(hour, minute), clocks.calendar.zone)
    return local.astimezone(timezone.utc)


class _Player:
    """Plays scenarios at one seeding `now`: the demo accounts act, the citizen rates."""

    def __init__(self, session: Session, now: datetime, clocks: Clocks, secret_key: str):
        self.session, self.now, self.clocks, self.secret_key = session, now, clocks, secret_key
        self.today = clocks.calendar.local_date(now)
        self.users = {u.username: u for u in session.scalars(sa.select(User))}
        self.units = {u.code: u for u in session.scalars(sa.select(OrgUnit))}
        self.categories = {c.code: c for c in session.scalars(sa.select(Category))}

    def when(self, days: int, at: str, after: datetime, scenario: Scenario) -> datetime:
        instant = local_instant(self.today, days, at, self.clocks)
        # Never today: a step at 20:00 today would be in the future when seeding in the morning.
        if days < 1 or not after < instant < self.now:
            raise ValueError(f"demo case {scenario.name!r}: a step at {days} days ago {at} is out of order")
        return instant

    def user(self, username: Optional[str]) -> User:
        if username not in self.users:
            raise LookupError(f"demo user {username!r} is missing: seed the demo users first")
        return self.users[username]

    def file(self, scenario: Scenario) -> tuple[Suggestion, datetime]:
        how, _, what = scenario.via.partition(":")
        poster_code, channel, unit_id = None, None, None
        if how == "poster":
            poster_code = what
        elif how in ("counter", "hotline"):  # staff file for the citizen: their unit receives it
            channel, unit_id = Channel(how), self.user(what).unit_id
        elif how == "open311":  # a partner's system, routed by the matter as the web form is
            channel = Channel.OPEN311
        elif how != "web":
            raise ValueError(f"demo case {scenario.name!r}: unknown channel {scenario.via!r}")
        category = self.categories[scenario.category].id if scenario.category else None
        name, phone = scenario.citizen
        data = Submission(submission_key=submission_key(scenario.name), kind=scenario.kind, text=scenario.text,
                          category_id=category, location=scenario.location, citizen_name=name,
                          citizen_phone=phone, poster_code=poster_code, channel=channel, unit_id=unit_id,
                          publish=scenario.publish)
        filed_at = self.when(*scenario.filed, datetime.min.replace(tzinfo=timezone.utc), scenario)
        receipt = submit_suggestion(self.session, data, self.clocks, self.secret_key, filed_at)
        return receipt.suggestion, filed_at

    def step(self, case: Suggestion, step: Step, now: datetime) -> None:
        if step.verb in CITIZEN_STEPS:  # the citizen, or the timers: no actor
            return CITIZEN_STEPS[step.verb](self.session, case, *step.args, now, self.clocks)
        args = step.args
        if step.verb == "forward":
            args = (self.units[args[0]], args[1])
        elif step.verb == "assign":
            args = (self.user(args[0]),)
        elif step.verb == "merge":
            master = find_case(self.session, args[0])
            if master is None:
                raise LookupError(f"demo case {args[0]!r} (a merge's master) must come first")
            args = (master,)
        STAFF_STEPS[step.verb](self.session, case, self.user(step.actor), now, self.clocks, *args)

    def play(self, scenario: Scenario) -> set[datetime]:
        """File the scenario's case and take its steps; the instants it wrote at."""
        case, at = self.file(scenario)
        stamps = {at}
        for step in scenario.steps:
            at = self.when(step.days, step.at, at, scenario)
            self.step(case, step, at)
            stamps.add(at)
        return stamps


class Seeded(NamedTuple):
    """What a seeding did: how many cases it added, and the scenarios the policy refused."""

    added: int
    refused: tuple[str, ...] = ()


def seed_demo_cases(session: Session, now: datetime, clocks: Clocks, secret_key: str) -> Seeded:
    """File and play every demo scenario whose case is missing.

    The scenarios are timed for the default clocks: with other YIMA_ clock settings a step may
    be refused (a window not yet over, a case not yet late enough to urge); that scenario is
    then left out whole, and named in the answer. The demo users must exist
    (app/demo/seed.py seed_demo_users). Flushes, never commits."""
    from app.demo.scenarios import SCENARIOS

    player = _Player(session, now, clocks, secret_key)
    added, refused, stamps = 0, [], set()
    for scenario in SCENARIOS:
        if find_case(session, scenario.name) is not None:
            continue
        try:
            with session.begin_nested():  # a refused step takes its whole case back
                played = player.play(scenario)
        except Refused as refusal:
            refused.append(f"{scenario.name} ({refusal.reason})")
            continue
        stamps |= played
        added += 1
    if stamps:
        _refresh_stored_months(session, now, clocks, stamps)
    return Seeded(added, tuple(refused))


def _refresh_stored_months(session: Session, now: datetime, clocks: Clocks, stamps: set[datetime]) -> None:
    """Recount the stored monthly figures (app/stats/monthly.py) these backdated steps changed.

    Stored months are marked dirty by events written after the last refresh; a demo case's
    events are all older than that, so once `sweep` has stored months, they would miss it."""
    from app.stats.monthly import dirty_months, month_start, refresh

    mark = session.scalars(sa.select(FigureWatermark)).first()
    if mark is None:
        return  # nothing stored yet: every figure is counted live
    zone = clocks.calendar.zone
    months = {month_start(at.astimezone(zone).date()) for at in stamps}
    refresh(session, now, zone, months | (dirty_months(session, mark, zone) or set()))


@dataclass(frozen=True)
class DemoLink:
    """A seeded case a newcomer may open as its citizen: the tracking URL, the code and PIN."""

    label: str
    url: str
    receipt_code: str
    pin: str


def demo_links(session: Session, base_url: str, secret_key: str) -> list[DemoLink]:
    """Tracking links of the seeded scenarios that have a `link` label, derived, never stored."""
    from app.demo.scenarios import SCENARIOS

    links = []
    for scenario in SCENARIOS:
        case = find_case(session, scenario.name) if scenario.link else None
        if case is not None:
            key = submission_key(scenario.name)
            links.append(DemoLink(scenario.link, f"{base_url}/t/{codes.tracking_token(secret_key, key)}",
                                  codes.grouped(case.receipt_code), codes.pin(secret_key, key)))
    return links
