"""Who is told what, and when (信访工作条例 Arts. 22-23, 32, 34): the one table of the
messages a case's steps cause, and the rules of their timing (quiet hours, retries).

app/services/outbox.py writes the messages in the step's own transaction; app/notify sends
them. A citizen is told of every step they see on their tracking page but the ones they
took themselves (a rating, a follow-up); a unit is told of what lands on its desk.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.domain.workflow import Action, CaseState, Stage

# The citizen's SMS, by the step that causes it (each one a public event on their timeline).
CITIZEN_TOPICS: dict[Action, str] = {
    Action.SUBMIT: "receipt",  # the receipt code and the tracking link: sent even in quiet hours
    Action.ACCEPT: "accepted",
    Action.REJECT: "rejected",  # with the reason
    Action.FORWARD: "forwarded",  # to whom
    Action.RETURN: "returned",  # back to the dispatch centre, to be routed again
    Action.EXTEND: "extended",  # the new date and the reason (Art. 34)
    Action.REPLY: "replied",  # the answer, review answer or re-review answer: the link to rate it
    Action.MERGE: "merged",  # handled with a similar case: its answer will reach them
    Action.REQUEST_REVIEW: "review_requested",  # who reviews, and by when
    Action.CLOSE: "closed",
}

# A unit's channels (DingTalk, WeCom, e-mail), by the step: told to the unit the case went to.
UNIT_TOPICS: dict[Action, str] = {
    Action.SUBMIT: "new_case",
    Action.FORWARD: "forwarded_in",
    Action.RETURN: "returned_in",
    Action.MARK_REPORT: "report_in",
    Action.REQUEST_REVIEW: "review_in",
    Action.URGE: "urged",
    Action.FOLLOW_UP: "follow_up_in",  # the citizen added a message: the holder should read it
    Action.FLAG_OVERDUE: "overdue",
}

# A review's steps name the one that applies (复查 after a first answer, 复核 after a review
# answer), and a review's answer is told as that review's answer: by the case's stage after the step.
STAGED_TOPICS: dict[tuple[str, Stage], str] = {
    ("review_requested", Stage.RE_REVIEW): "re_review_requested",
    ("replied", Stage.REVIEW): "review_replied",
    ("replied", Stage.RE_REVIEW): "re_review_replied",
    ("review_in", Stage.RE_REVIEW): "re_review_in",
}
# A staged topic's plain one, whose approved SMS template (app/notify/tencent.py) takes the
# same values in the same order: used where a county has not yet approved the staged one.
BASE_TOPIC = {staged: plain for (plain, _stage), staged in STAGED_TOPICS.items()}
# Every topic a citizen's SMS, or a unit's message, may be on.
ALL_CITIZEN_TOPICS = frozenset(CITIZEN_TOPICS.values()) | {
    staged for staged, plain in BASE_TOPIC.items() if plain in CITIZEN_TOPICS.values()}
ALL_UNIT_TOPICS = frozenset(UNIT_TOPICS.values()) | {
    staged for staged, plain in BASE_TOPIC.items() if plain in UNIT_TOPICS.values()}


def citizen_topic(action: Action, stage: Stage) -> str | None:
    """The citizen's SMS a step causes, named for the case's `stage` after it; None if none."""
    topic = CITIZEN_TOPICS.get(action)
    return STAGED_TOPICS.get((topic, stage), topic) if topic else None


def unit_topic(action: Action, stage: Stage) -> str | None:
    """The unit's message a step causes, named for the case's `stage` after it; None if none."""
    topic = UNIT_TOPICS.get(action)
    return STAGED_TOPICS.get((topic, stage), topic) if topic else None


# After these no step can follow, so no SMS can come: a closed case is rated or its window is
# over, a rejected one has its reason (the citizen may file again, as a new case).
FINISHED = frozenset({CaseState.CLOSED, CaseState.REJECTED})


def more_to_tell(status: CaseState, master_status: CaseState | None = None) -> bool:
    """Whether a citizen may still get an SMS about a case in `status`: not once it is finished,
    nor, for a case merged into another (`master_status`), once that one is."""
    if status is CaseState.MERGED and master_status is not None:
        return master_status not in FINISHED
    return status not in FINISHED


# A sentence's closing marks, Chinese and Latin: the SMS's own sentence brings its own.
_CLOSING = "。．.，,；;：:！!？?、 \t"


def quoted(text: str, most: int) -> str:
    """Staff's words (a reason) as an SMS quotes them inside its own sentence: on one line, cut
    at `most` characters, without the closing mark that would double the sentence's ("。。")."""
    text = " ".join((text or "").split()).rstrip(_CLOSING)
    return text if len(text) <= most else text[:most - 1].rstrip(_CLOSING) + "…"


# Told without a step: by the sweep (once per deadline), the digest (once a day), an admin.
DUE_SOON, DIGEST, TEST = "due_soon", "digest", "test"

# The receipt is what the citizen keeps: it goes at once, even at night.
IMMEDIATE_TOPICS = frozenset({"receipt"})


@dataclass(frozen=True)
class QuietHours:
    """When citizens' SMS wait for the morning, in local time; start == end means never."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, text: str) -> "QuietHours":
        """"21:00-08:00" as set in YIMA_SMS_QUIET_HOURS; an empty setting turns them off."""
        if not text.strip():
            return cls(time(0, 0), time(0, 0))
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        return cls(start, end)

    def _quiet(self, clock: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end  # across midnight

    def send_at(self, now: datetime, zone: ZoneInfo, topic: str) -> datetime:
        """The first instant a message on `topic` may go: now, or the end of the quiet hours."""
        local = now.astimezone(zone)
        if topic in IMMEDIATE_TOPICS or not self._quiet(local.time().replace(tzinfo=None)):
            return now
        morning = datetime.combine(local.date(), self.end, zone)
        if morning <= local:
            morning = datetime.combine(local.date() + timedelta(days=1), self.end, zone)
        return morning.astimezone(now.tzinfo)


def retry_delay(attempts: int) -> timedelta:
    """How long a failed message waits before its next try: 1, 2, 4 ... minutes, at most an
    hour, so a gateway down for an hour loses nothing within the default ten tries."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))

