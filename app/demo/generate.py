"""`flask --app wsgi demo generate --cases N`: a year of realistic cases, inserted in bulk.

Rows are built in Python and written in batches: PostgreSQL's COPY where available, else
executemany. Ids are assigned here so events and replies can point at their case without
a round trip; PostgreSQL's sequences are moved past them at the end.
"""
import random
import secrets
from datetime import datetime, timedelta
from typing import Callable, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import codes
from app.domain.deadlines import Clocks
from app.models import CaseEvent, Category, OrgUnit, Poster, Reply, Suggestion

BATCH = 5000
MATTERS = ["小区门口路灯坏了，晚上很黑", "饭店油烟直排，影响居民开窗", "道路坑洼积水，电动车容易摔倒",
           "夜间施工噪声扰民，影响休息", "垃圾桶满溢无人清运", "人行道被车辆长期占用", "物业收费不透明",
           "孩子入学咨询学区划分", "医保异地结算手续咨询", "建议增设公交站候车亭", "菜市场周边交通拥堵",
           "表扬社区工作人员热心帮助老人"]
PLACES = ["新建路", "舜水南路", "阳明西路", "城东菜市场", "梨洲路", "谭家岭东路", "四明山村", "凤山路"]
KINDS = ["complaint"] * 5 + ["suggestion"] * 3 + ["consultation"] * 2 + ["praise"]
CHANNELS = ["web"] * 3 + ["counter", "hotline"]


class _Writer:
    """Buffers rows per table and flushes them in batches."""

    def __init__(self, session: Session):
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.rows: dict = {Suggestion.__table__: [], CaseEvent.__table__: [], Reply.__table__: []}

    def add(self, table, row: dict) -> None:
        self.rows[table].append(row)

    def case_done(self) -> None:
        """Called between cases, so a batch never holds an event without its case."""
        if len(self.rows[Suggestion.__table__]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write every buffer, cases first: events and replies point at them."""
        for table, rows in self.rows.items():
            self.rows[table] = []
            if rows:
                self._write(table, rows)

    def _write(self, table, rows: list[dict]) -> None:
        columns = list(rows[0])
        if not self.postgres:
            self.session.execute(table.insert(), rows)
            return
        raw = self.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_plain(row[c]) for c in columns])


def _plain(value):
    return value.value if hasattr(value, "value") else value


def generate(session: Session, count: int, now: datetime, clocks: Clocks, days: int = 365,
             seed: Optional[int] = None, progress: Callable[[int], None] = lambda n: None) -> int:
    """Add `count` cases filed over the last `days` days, each with its events and replies."""
    rng = random.Random(seed)
    units = list(session.scalars(sa.select(OrgUnit).where(OrgUnit.kind.in_(("town", "village", "department")))))
    parents = {u.id: u.parent_id for u in session.scalars(sa.select(OrgUnit))}
    categories = list(session.scalars(sa.select(Category)))
    posters = list(session.scalars(sa.select(Poster)))
    next_id = {t: (session.scalar(sa.select(sa.func.max(t.c.id))) or 0) + 1
               for t in (Suggestion.__table__, CaseEvent.__table__, Reply.__table__)}
    used = set(session.scalars(sa.select(Suggestion.receipt_code)))
    writer = _Writer(session)
    span = days * 86400

    def event(case_id, at, action, before, after, unit_id, public=True):
        writer.add(CaseEvent.__table__, {
            "id": _next(CaseEvent.__table__), "suggestion_id": case_id, "at": at, "action": action,
            "actor_id": None, "from_status": before, "to_status": after, "from_unit_id": unit_id,
            "to_unit_id": unit_id, "message": "", "public": public})

    def reply(row, at, unit, stage, started, due):
        window = clocks.review_window_end(at)
        row.update(status="replied", replied_at=at, window_ends_at=window, due_at=None)
        writer.add(Reply.__table__, {
            "id": _next(Reply.__table__), "suggestion_id": row["id"], "stage": stage, "unit_id": unit,
            "author_id": None, "at": at, "body": "已按您反映的情况处理完毕。", "claim": "", "facts": "",
            "decision": "", "basis": "", "review_until": window, "final": False, "started_at": started,
            "due_at": due, "category_id": row["category_id"], "poster_id": row["poster_id"],
            "channel": row["channel"], "kind": row["kind"]})

    def _next(table):
        value = next_id[table]
        next_id[table] += 1
        return value

    for n in range(count):
        case_id = _next(Suggestion.__table__)
        # Filed in order, as a county files them: a table in the order of its cases' filing,
        # so a range of days is a range of pages, as in production (random order made every
        # export and live count read a page per case).
        created = now - timedelta(seconds=span - (n + rng.random()) * span / count)
        poster = rng.choice(posters) if posters and rng.random() < 0.4 else None
        unit_id = poster.unit_id if poster else rng.choice(units).id
        kind = rng.choice(KINDS)
        code = codes.new_receipt_code()
        while code in used:
            code = codes.new_receipt_code()
        used.add(code)
        row = {
            "id": case_id, "receipt_code": code, "token_hash": secrets.token_hex(32),
            "pin_hash": secrets.token_hex(32), "submission_key": secrets.token_hex(32), "kind": kind,
            "channel": "poster" if poster else rng.choice(CHANNELS), "status": "submitted",
            "text": f"{rng.choice(PLACES)}{rng.randint(1, 300)}号：{rng.choice(MATTERS)}。",
            "location": rng.choice(PLACES), "citizen_name": None if rng.random() < 0.4 else "市民",
            "citizen_phone": None if rng.random() < 0.3 else f"13{rng.randint(0, 999999999):09d}",
            "language": "zh_Hans_CN", "category_id": rng.choice(categories).id if categories else None,
            "poster_id": poster.id if poster else None, "unit_id": unit_id, "handled_by_id": None,
            "created_at": created, "received_at": created, "accept_due_at": clocks.accept_due(created),
            "due_at": None, "accepted_at": None, "stage_started_at": None, "replied_at": None,
            "reply_due_at": None, "return_due_at": None, "window_ends_at": None, "overdue_at": None,
            "closed_at": None, "stage": "first", "extension_days": 0, "urge_count": 0,
            "is_report": False, "assignee_id": None, "merged_into_id": None, "rating": None,
            "rating_comment": "", "rated_at": None, "version": 1,
        }
        event(case_id, created, "submit", None, "submitted", unit_id)
        _advance(row, rng, now, clocks, parents, event, reply)
        writer.add(Suggestion.__table__, row)
        writer.case_done()
        if n % 1000 == 999:
            progress(1000)
    writer.flush()
    if writer.postgres:
        for table in ("suggestions", "case_events", "replies"):
            session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    progress(count % 1000)
    return count


def _advance(row, rng, now, clocks: Clocks, parents, event, reply) -> None:
    """Walk one case through its life as far as its age allows."""
    case_id, unit_id = row["id"], row["unit_id"]
    accepted = row["created_at"] + timedelta(days=rng.uniform(0.1, 16) if rng.random() < 0.05 else rng.uniform(0.1, 10))
    if accepted > now:
        row["due_at"] = row["accept_due_at"]
        return
    reply_due = clocks.reply_due(accepted, row["kind"])
    row.update(status="accepted", accepted_at=accepted, stage_started_at=accepted, handled_by_id=unit_id,
               reply_due_at=reply_due, due_at=reply_due)
    event(case_id, accepted, "accept", "submitted", "accepted", unit_id)
    replied = accepted + timedelta(days=rng.uniform(1, 70) if rng.random() < 0.04 else rng.uniform(1, 40))
    if replied > now:
        return
    reply(row, replied, unit_id, "first", accepted, reply_due)
    event(case_id, replied, "reply", "accepted", "replied", unit_id)
    rated = replied + timedelta(days=rng.uniform(0.2, 12))
    if rated > now:
        return
    roll = rng.random()
    rating = "satisfied" if roll < 0.72 else "basically" if roll < 0.975 else "unsatisfied"
    event(case_id, rated, "rate", "replied", "replied", unit_id)
    if rating == "unsatisfied" and rng.random() < 0.5:
        reviewer = parents.get(unit_id) or unit_id
        due = clocks.review_answer_due(rated)
        row.update(status="review", stage="review", unit_id=reviewer, stage_started_at=rated,
                   reply_due_at=due, due_at=due, window_ends_at=None)
        event(case_id, rated, "request_review", "replied", "review", unit_id)
        answered = rated + timedelta(days=rng.uniform(3, 28))
        if answered > now:
            return
        reply(row, answered, reviewer, "review", rated, due)
        event(case_id, answered, "reply", "review", "replied", reviewer)
        rated, rating = answered + timedelta(days=rng.uniform(0.5, 5)), rng.choice(["satisfied", "basically"])
        if rated > now:
            return
        event(case_id, rated, "rate", "replied", "replied", reviewer)
    row.update(status="closed", rating=rating, rated_at=rated, closed_at=rated, window_ends_at=None, due_at=None)
    event(case_id, rated, "close", "replied", "closed", row["unit_id"])


