"""Similar cases: precision and recall on the labelled pairs, and the cost of a hint. Not a test.

    python bench/similar.py                       # the precision/recall table (no database)
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/yima_similar python bench/similar.py --cases 1000000

The table: Yima's measure (app/domain/similarity.py) at several thresholds on
tests/domain/data/similar_pairs.json, then the plain measures it was chosen against, each at
its best F1. With --cases on a database, fills it (INSERT ... SELECT, texts from the labelled
set, filed in order over three years as a live table grows, 2,000 posters, a few per cent open), keeps the signatures intake would
have kept for the open cases, and times similar_open_cases() for a busy poster and a busy matter. Target (issue 17): at most 20 ms at 1 M cases on PostgreSQL.
"""
import argparse
import collections
import json
import math
import os
import re
import statistics
import sys
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAIRS = ROOT / "tests/domain/data/similar_pairs.json"


def counts(scores: list[float], labels: list[bool], threshold: float) -> tuple[float, float]:
    """Precision and recall of `score >= threshold` against the labels."""
    tp = sum(1 for s, same in zip(scores, labels) if s >= threshold and same)
    fp = sum(1 for s, same in zip(scores, labels) if s >= threshold and not same)
    fn = sum(1 for s, same in zip(scores, labels) if s < threshold and same)
    return (tp / (tp + fp) if tp + fp else 1.0), tp / (tp + fn)


def _grams(text: str, n: int) -> collections.Counter:
    runs = re.split(r"[^\w]+", unicodedata.normalize("NFKC", text).lower())
    return collections.Counter(run[i:i + n] for run in runs for i in range(len(run) - n + 1))


def baselines(pairs: list[dict]) -> dict:
    """Plain measures on character n-grams: Jaccard and TF-IDF cosine (IDF over the set's texts)."""
    texts = {p["a"] for p in pairs} | {p["b"] for p in pairs}

    def jaccard(n):
        return lambda a, b: (lambda x, y: len(x & y) / len(x | y) if x | y else 0)(set(_grams(a, n)), set(_grams(b, n)))

    def tfidf(n):
        df = collections.Counter(g for t in texts for g in set(_grams(t, n)))
        idf = {g: math.log((len(texts) + 1) / (c + 1)) + 1 for g, c in df.items()}

        def cosine(a, b):
            x, y = _grams(a, n), _grams(b, n)
            dot = sum(v * y[g] * idf[g] ** 2 for g, v in x.items() if g in y)
            norm = math.sqrt(sum((v * idf[g]) ** 2 for g, v in x.items()) * sum((v * idf[g]) ** 2 for g, v in y.items()))
            return dot / norm if norm else 0.0
        return cosine
    return {"bigram Jaccard (MinHash estimates this)": jaccard(2), "trigram Jaccard": jaccard(3),
            "bigram TF-IDF cosine": tfidf(2), "trigram TF-IDF cosine": tfidf(3)}


def quality() -> None:
    """Print precision/recall of Yima's measure by threshold, and the baselines at their best F1."""
    from app.domain import similarity

    pairs = json.loads(PAIRS.read_text())["pairs"]
    labels = [p["same"] for p in pairs]
    start = time.perf_counter()
    scores = [similarity.similarity(similarity.profile(p["a"]), similarity.profile(p["b"])) for p in pairs]
    cost = (time.perf_counter() - start) / len(pairs) * 1e6
    print(f"{len(pairs)} labelled pairs, {sum(labels)} the same matter at the same place\n")
    print("| threshold | precision | recall |\n| --- | --- | --- |")
    for threshold in (0.15, 0.2, 0.22, 0.25, 0.3, 0.33, 0.35, 0.4):
        precision, recall = counts(scores, labels, threshold)
        chosen = " (chosen)" if threshold == similarity.THRESHOLD else ""
        print(f"| {threshold:.2f}{chosen} | {precision:.3f} | {recall:.3f} |")
    holdout = json.loads(PAIRS.with_name("similar_holdout.json").read_text())["pairs"]
    precision, recall = counts([similarity.similarity(similarity.profile(p["a"]), similarity.profile(p["b"]))
                                for p in holdout], [p["same"] for p in holdout], similarity.THRESHOLD)
    print(f"\nheld out ({len(holdout)} pairs never used to tune): precision {precision:.3f}, recall {recall:.3f}")
    print(f"\n| measure | best-F1 threshold | precision | recall | µs a pair |\n| --- | --- | --- | --- | --- |")
    precision, recall = counts(scores, labels, similarity.THRESHOLD)
    print(f"| Yima: min(place, matter), synonyms folded | {similarity.THRESHOLD:.2f} | {precision:.3f} | {recall:.3f} | {cost:.0f} |")
    for name, measure in baselines(pairs).items():
        start = time.perf_counter()
        scores = [measure(p["a"], p["b"]) for p in pairs]
        cost = (time.perf_counter() - start) / len(pairs) * 1e6
        best = max((counts(scores, labels, t / 100) + (t / 100,) for t in range(1, 95)),
                   key=lambda r: 2 * r[0] * r[1] / (r[0] + r[1] + 1e-9))
        print(f"| {name} | {best[2]:.2f} | {best[0]:.3f} | {best[1]:.3f} | {cost:.0f} |")


def fill(engine, cases: int) -> None:
    """Add posters and `cases` cases (texts from the labelled set) with INSERT ... SELECT."""
    import sqlalchemy as sa

    texts = sorted({p[k] for p in json.loads(PAIRS.read_text())["pairs"] for k in ("a", "b")})
    with engine.begin() as c:
        have = c.scalar(sa.text("SELECT count(*) FROM suggestions"))
        if have >= cases:
            return
        unit = c.scalar(sa.text("SELECT min(id) FROM org_units WHERE kind = 'town'"))
        c.execute(sa.text(
            "INSERT INTO posters (code, place_label, unit_id, note, active, created_at)"
            " SELECT 'B' || i, '余姚 第' || i || '号点位', :unit, '', true, now() FROM generate_series(1, 2000) i"
            " ON CONFLICT DO NOTHING"), {"unit": unit})
        posters = list(c.scalars(sa.text("SELECT id FROM posters WHERE code LIKE 'B%' ORDER BY id")))
        c.execute(sa.text("SELECT setseed(0.17)"))
        c.execute(sa.text("""
            INSERT INTO suggestions (receipt_code, token_hash, pin_hash, submission_key, kind, channel, status,
                text, location, language, category_id, poster_id, unit_id, created_at, received_at, accept_due_at,
                accepted_at, closed_at, stage, extension_days, extension_request_reason, urge_count, is_report,
                rating_comment, version)
            SELECT 'Z' || lpad(to_hex(i), 8, '0'), md5('t' || i), md5('p' || i), md5('k' || i), 'complaint',
                'poster', CASE WHEN open THEN 'accepted' ELSE 'closed' END,
                (CAST(:texts AS text[]))[1 + CAST((i * 7919) % cardinality(CAST(:texts AS text[])) AS integer)], '', 'zh_Hans_CN',
                (SELECT id FROM categories ORDER BY id LIMIT 1 OFFSET (i % 9)),
                CASE WHEN i % 5 < 3 THEN (CAST(:posters AS integer[]))[1 + CAST((i * 31) % 2000 AS integer)] END,
                :unit, at, at, at + interval '15 days', at + interval '1 day',
                CASE WHEN open THEN NULL ELSE at + interval '20 days' END,
                'first', 0, '', 0, i % 50 = 0, '', 1
            FROM (SELECT i, now() - ((CAST(:stop AS bigint) - i) * 1095.0 / CAST(:stop AS bigint) + random() * 0.05)
                    * interval '1 day' AS at FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint)) i) s,
                LATERAL (SELECT at > now() - interval '60 days' AND random() < 0.6 AS open) o
        """), {"texts": texts, "posters": posters, "unit": unit, "start": have + 1, "stop": cases})
        c.execute(sa.text("ANALYZE suggestions"))


def sign(engine) -> int:
    """Keep signatures, as intake does, for the cases a hint may read: open, of the last 60 days."""
    import sqlalchemy as sa

    from app.domain import similarity

    with engine.begin() as c:
        rows = c.execute(sa.text(
            "SELECT s.id, s.text, s.location FROM suggestions s LEFT JOIN case_signatures g ON g.case_id = s.id"
            " WHERE g.case_id IS NULL AND s.status IN ('submitted', 'accepted', 'review', 're_review')"
            " AND s.created_at >= now() - interval '60 days'")).all()
        values = [dict(zip(("case_id", "place", "matter", "words"),
                           (case_id, *similarity.signature(similarity.profile(text, location)))))
                  for case_id, text, location in rows]
        if values:
            c.execute(sa.text("INSERT INTO case_signatures (case_id, place, matter, words)"
                              " VALUES (:case_id, :place, :matter, :words)"), values)
    return len(values)


def timings(cases: int, repeat: int) -> None:
    """Time similar_open_cases() on the database for a busy poster and a busy matter."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.core.extensions import db
    from app.demo.seed import seed_demo
    from app.services.similar import similar_open_cases

    app = create_app({"TESTING": True})
    with app.app_context():
        upgrade()
        seed_demo(db.session, datetime.now(timezone.utc))
        db.session.commit()
        start = time.perf_counter()
        fill(db.engine, cases)
        signed = sign(db.engine)
        print(f"\nfilled to {cases} cases in {time.perf_counter() - start:.0f} s ({db.engine.dialect.name});"
              f" {signed} signatures added")
        now = datetime.now(timezone.utc)
        since = now - timedelta(days=30)
        poster = db.session.execute(sa.text(
            "SELECT poster_id, count(*) FROM suggestions WHERE poster_id IS NOT NULL AND created_at >= :s"
            " AND status = 'accepted' GROUP BY poster_id ORDER BY 2 DESC LIMIT 1"), {"s": since}).one()
        matter = db.session.execute(sa.text(
            "SELECT category_id, count(*) FROM suggestions WHERE created_at >= :s AND status = 'accepted'"
            " GROUP BY category_id ORDER BY 2 DESC LIMIT 1"), {"s": since}).one()
        text = "南雷南路新建北路十字路口的路灯晚上都不亮了，请尽快修。"
        floor = []
        for _ in range(repeat):
            begin = time.perf_counter()
            db.session.execute(sa.text("SELECT 1"))
            floor.append((time.perf_counter() - begin) * 1000)
        print(f"one round trip (SELECT 1): median {statistics.median(floor):.2f} ms")
        print("The machine is shared: min is the least disturbed run; Python CPU is this process's own time.")
        print("| hint for | open cases in 30 days | min ms | median ms | p90 ms | Python CPU ms | found |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, kwargs, n in (("one poster", {"poster_id": poster[0]}, poster[1]),
                                 ("a poster and its matter", {"poster_id": poster[0], "category_id": matter[0]},
                                  matter[1] + poster[1]),
                                 ("one matter (busiest)", {"category_id": matter[0]}, matter[1])):
            samples, cpu, found = [], [], []
            for _ in range(repeat + 1):
                db.session.execute(sa.text("SELECT 1"))  # the request's transaction is open already
                begin, begin_cpu = time.perf_counter(), time.process_time()
                found = similar_open_cases(db.session, text, now, **kwargs)
                samples.append((time.perf_counter() - begin) * 1000)
                cpu.append((time.process_time() - begin_cpu) * 1000)
                db.session.rollback()
            samples = sorted(samples[1:])
            print(f"| {label} | {n} | {samples[0]:.1f} | {statistics.median(samples):.1f}"
                  f" | {samples[int(len(samples) * 0.9) - 1]:.1f} | {statistics.median(cpu[1:]):.1f} | {len(found)} |")
        print(f"load average while timing: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=0, help="fill DATABASE_URL to this many cases and time hints")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    quality()
    if args.cases:
        timings(args.cases, args.repeat)


if __name__ == "__main__":
    main()
