"""Every route of app.url_map, every parameter its view reads, hostile values: never a 500,
never a cut stream, never the generic error page for a refusal.

The routes come from the URL map (citizen and staff, GET and POST); the parameters of each from
what its view reads: every request records the names it looks up in request.args and
request.form, and a name first read under a hostile value (after_due is read only with an
after_id) is fuzzed too, until no new name turns up. Each is sent as every demo role and as
a visitor. An export that answers 200 must parse whole: its last row is as long as its header.
"""
import csv
import io
import itertools
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import ImmutableMultiDict

from app.domain.workflow import Action
from app.core.db import utcnow
from app.config import clocks
from app.domain.workflow import Kind
from app.models import Category, OrgUnit, OutboxMessage, Poster, UnitChannel, User
from app.services import open311, publications
from tests.web.staff_helpers import CSRF_ANY, signed_in

ROLES = [None, "yangming", "yangming-lead", "jiaotong", "dispatch", "yuyao-supervisor", "ningbo-supervisor",
         "admin"]
NUMBERS = ["2147483648", str(2**63), str(2**64), "99999999999999999999", "-1", "0", "-2147483649"]
HOSTILE = NUMBERS + [
    "9999-12-31", "0001-01-01", "2026-02-30", "2026-01-01T00:00", "0001-01-01T00:00+14:00",
    "9999-12-31T23:59:59-12:00", "2026-13-45T25:61", "x" * 5000, "\x00", "a\x00b", "路灯😀\u202e",
    "' OR '1'='1", "%", "../..",
]
# Each starting point of a route's query or form: the values hostile ones are added to.
BASES = {
    "staff.inbox.index": [{}, {"after_id": "1", "after_due": "2026-12-01T00:00:00+00:00"}],
    "staff.inbox.export": [{}, {"date_from": "2026-11-01", "date_to": "2026-11-30"}],
    "staff.stats.dashboard": [{}, {"period": "custom", "from": "2026-11-01", "to": "2026-11-30"}],
    "staff.stats.export": [{}, {"period": "custom", "from": "2026-11-01", "to": "2026-11-30"}],
    "staff.stats.unit": [{}, {"period": "custom", "from": "2026-11-01", "to": "2026-11-30"}],
    "staff.auth.login": [{"username": "nobody", "password": "wrong"}],  # no account gets locked
}
# They change what the others reach: run last.
LAST = ("staff.posters.deactivate_poster", "staff.channels.remove", "staff.auth.logout")
GENERIC = "请稍后再试。"  # the page of a crash: a refusal says why instead
EXPORTS = {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class Recording(ImmutableMultiDict):
    """request.args and request.form that note each name a view looks up."""

    names: set = set()

    def __getitem__(self, key):
        Recording.names.add(key)
        return super().__getitem__(key)

    def getlist(self, key, type=None):  # noqa: A002 - werkzeug's signature
        Recording.names.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        Recording.names.add(key)
        return super().__contains__(key)


@pytest.fixture
def recording(app, monkeypatch):
    class RecordingRequest(app.request_class):
        parameter_storage_class = Recording

    monkeypatch.setattr(app, "request_class", RecordingRequest)
    monkeypatch.setattr(Recording, "names", set())
    return Recording


@pytest.fixture
def path_values(app, session, make_receipt):
    """Values that reach each path variable's view, by variable name."""
    receipt = make_receipt("replied", told=True)
    case_id = make_receipt().suggestion.id
    message = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.transport == "sms")).first()
    message.status, message_id = "dead", message.id  # so the outbox's Retry is reached
    poster_id = session.scalars(sa.select(Poster.id).where(Poster.code == "YMQ2K8")).one()
    unit_id = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-YM")).one()
    reply_id = receipt.suggestion.replies[0].id
    # A robot nobody listens for (the discard port): its test button fails fast, never a 500.
    channel = UnitChannel(unit_id=unit_id, kind="wecom", target="http://127.0.0.1:9/cgi-bin/webhook/send?key=k",
                          created_at=utcnow())
    session.add(channel)
    session.flush()
    channel_id = channel.id
    file_id = _a_photo(app, session, receipt.suggestion.id)
    _key, api_key = open311.new_api_key(session, "fuzz partner", utcnow())
    open311_token = open311.file_request(session, _key, open311.PartnerFiling(
        fingerprint="fuzz", category=session.scalars(sa.select(Category)).first(), kind=Kind.SUGGESTION,
        description="路灯不亮", location="新建路"), clocks(app.config), app.config["SECRET_KEY"], utcnow())[1]
    answered = make_receipt("replied", kind="suggestion", publish=True).suggestion
    lead = session.scalars(sa.select(User).where(User.username == "yangming-lead")).one()
    proposed = publications.propose(session, answered, lead, utcnow(), clocks(app.config))
    publications.approve(session, proposed, lead, utcnow(), proposed.question, proposed.answer)
    session.commit()  # no read snapshot held while the app writes
    return {"publication_id": [proposed.id], "answer_id": [proposed.id], "case_id": [case_id, receipt.suggestion.id], "file_id": [file_id], "poster_id": [poster_id], "unit_id": [unit_id],
            "reply_id": [reply_id], "channel_id": [channel_id], "message_id": [message_id],
            "fmt": ["csv", "xlsx", "a4.pdf", "a5.pdf", "svg", "png", "json", "xml"], "step": ["rate", "review", "follow-up", "approve", "decline", "unpublish"],
            "action": [a.value for a in Action], "token": [receipt.token], "code": ["YMQ2K8"],
            "filename": ["yima.css"], "service_code": ["daolu"], "service_request_id": [receipt.suggestion.receipt_code],
            "open311_token": [open311_token], "rest": ["nothing.json"]}


def _a_photo(app, session, case_id: int) -> int:
    """A photo of the case, stored and rowed, so the file routes reach their views."""
    from app.core.images import clean_image
    from app.domain.attachments import FileRole
    from app.services.uploads import attach
    from app.storage import store_file
    from tests.uploads.made import phone_jpeg

    held = store_file(app.extensions["yima_store"], clean_image(phone_jpeg()), "photos")
    return attach(session, case_id, [held], FileRole.PHOTO, utcnow())[0].id


def _rules(app):
    rules = [(rule, method) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(rules, key=lambda rm: (rm[0].endpoint in LAST, LAST.index(rm[0].endpoint)
                                         if rm[0].endpoint in LAST else 0, rm[0].rule, rm[1]))


def _url(rule, values: dict) -> str:
    """The rule's path with each variable as given (quoted: hostile ones hold / and NUL)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: quote(str(values[m.group(1)]), safe=""), rule.rule)


class Sender:
    """One client (a role, or a visitor) that sends requests and checks every answer."""

    def __init__(self, app, role, recording):
        self.app, self.role, self.recording = app, role, recording
        self.client = signed_in(app, role) if role else app.test_client()
        page = self.client.get("/staff/" if role else "/track").get_data(as_text=True)
        self.csrf = CSRF_ANY.search(page).group(1)
        self.sent, self.statuses, self.failures = 0, {}, []

    def send(self, method: str, url: str, params: dict) -> set:
        """Send one request; check it; return the names its view read, and its status."""
        for limiter in self.app.extensions["limiter"]:
            limiter.reset()  # a limit would hide the view behind a 429
        self.recording.names = set()
        where = (self.role, method, url[:120], {k: v[:40] for k, v in params.items()})
        self.sent += 1
        try:  # a stream that breaks raises in the test client, once the status is sent
            if method == "GET":
                response = self.client.get(url, query_string=params)
            else:
                response = self.client.post(url, data={"csrf_token": self.csrf, **params})
            body = response.get_data()
            response.close()
        except Exception as error:  # noqa: BLE001 - a cut stream is what this looks for
            self.failures.append(("cut stream", repr(error)[:200], where))
            return set(self.recording.names), 500
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            self.failures.append((response.status_code, where))
        elif response.status_code == 400 and GENERIC in body.decode("utf-8", "replace"):
            self.failures.append(("400 without a reason", where))
        elif response.status_code == 200 and response.mimetype in EXPORTS and not _parses(body, response.mimetype):
            self.failures.append(("export does not parse", where))
        return set(self.recording.names), response.status_code


def _parses(body: bytes, mimetype: str) -> bool:
    """Whether an export is whole: rows, the last one as long as the header."""
    if mimetype == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        book.close()
    return bool(rows) and len(rows[-1]) == len(rows[0])


def _fuzz_rule(senders: list[Sender], rule, method: str, path_values: dict, shared: set) -> set:
    """Send one route its hostile values, each by one of the roles that reach its view in turn;
    names in `shared` (read by every request's hooks, such as lang) were fuzzed already."""
    names = sorted(rule.arguments)
    valid_urls = [_url(rule, dict(zip(names, combo)))
                  for combo in itertools.product(*(path_values[n] for n in names))]
    bases = BASES.get(rule.endpoint, [{}])
    read: set = set()
    reaching, opened = [], set()
    for sender in senders:  # every role opens the route as it is meant to be used
        statuses = set()
        for url, base in itertools.product(valid_urls, bases):
            got, status = sender.send(method, url, base)
            statuses.add(status)
            if status not in (302, 403, 404):
                read |= got - {"csrf_token"}
                opened.add(url)
        if statuses - {302, 403, 404}:
            reaching.append(sender)
    valid_urls = [url for url in valid_urls if url in opened] or valid_urls  # export.svg is no export
    reaching, read = reaching or senders, read - shared
    turn = itertools.count()
    for name in names:  # each path variable hostile, the others valid, by every role in turn
        for value in HOSTILE:
            sender = senders[next(turn) % len(senders)]
            sender.send(method, _url(rule, {n: path_values[n][0] for n in names} | {name: value}), {})
    done: set = set()
    while read - done:
        name = sorted(read - done)[0]
        done.add(name)
        for i, value in enumerate(HOSTILE + [""]):
            url, base = valid_urls[i % len(valid_urls)], bases[i % len(bases)]
            got, _status = reaching[next(turn) % len(reaching)].send(method, url, {**base, name: value})
            read |= got - {"csrf_token"}
    if method == "POST":
        for value in HOSTILE:  # a forged or lost CSRF token
            reaching[next(turn) % len(reaching)].send(method, valid_urls[0], {"csrf_token": value})
    return done


def test_every_route_and_parameter_answers_hostile_values_without_a_500(app, staff, recording, path_values):
    senders = [Sender(app, role, recording) for role in ROLES]
    read: dict = {}
    shared = _fuzz_rule(senders, app.url_map.bind("").match("/", return_rule=True)[0], "GET", path_values, set())
    assert "lang" in shared  # the hooks' names, fuzzed once on the start page
    for rule, method in _rules(app):
        if rule.endpoint != "citizen.index":
            found = _fuzz_rule(senders, rule, method, path_values, shared)
            read[rule.endpoint] = read.get(rule.endpoint, set()) | found
    # What the views read was found, not listed: the fuzzing reached each of these.
    assert {"after_id", "after_due", "poster", "category", "date_from", "date_to", "q"} <= read["staff.inbox.index"]
    assert {"period", "from", "to", "unit", "grain"} <= read["staff.stats.dashboard"]
    assert {"unit", "assignee", "days", "version", "master_code"} <= read["staff.cases.act"]
    assert {"posters", "kind", "size"} <= read["staff.posters.print_selection"]
    assert {"text", "category", "phone", "submission_key"} <= read["citizen.poster"]
    failures = [f for s in senders for f in s.failures]
    assert failures == [], f"{len(failures)} failures, the first ones: {failures[:30]}"
    sent = sum(s.sent for s in senders)
    print(f"{sent} requests:", {s.role: s.statuses for s in senders})
    assert sent > 4000
