"""Benchmark the `notify` worker's send rate through the http SMS provider. Not a test.

    python bench/notify.py [--count 2000] [--database-url URL]

Queues --count citizens' SMS in a fresh SQLite database (or the empty database at
--database-url), starts a local threaded HTTP sink that checks each POST's signature and
counts its id, then runs app.notify.worker.send_due in 1 worker process, then in 2 worker
processes at once (each run with freshly queued messages), and prints messages, seconds and
messages per second for each. Every message must reach the sink exactly once, or it exits 1.
The sink runs on the same machine as the workers: the rate includes its share of the CPU.
"""
import argparse
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere; bench/ is not a package

SECRET = "bench-secret"
TEXT = "您的诉求 {code} 已受理，承办单位：余姚市阳明街道办事处，答复期限 2026年12月31日。查看进度：https://yima.yuyao.gov.cn/t/{token}"


class Sink:
    """A threaded HTTP server that accepts the http provider's POSTs and counts each id."""

    def __init__(self):
        self.ids = Counter()
        self.bad = 0
        lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                good = hmac.compare_digest(self.headers.get("X-Yima-Signature", ""), signed)
                with lock:
                    if good:
                        sink.ids[json.loads(body)["id"]] += 1
                    else:
                        sink.bad += 1
                self.send_response(200 if good else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.daemon_threads = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sms"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def make_app(database_url: str, sink_url: str):
    from app import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url,
                       "SMS_PROVIDER": "http", "SMS_URL": sink_url, "SMS_SECRET": SECRET,
                       # the sink is a gateway on loopback over http: the LAN switch admits it
                       "NOTIFY_PRIVATE_OK": True, "REQUEST_LOG": False, "LOG_LEVEL": "WARNING"})


def queue(app, count: int, run: str) -> list[str]:
    """Empty the outbox and queue `count` due SMS; their keys."""
    import sqlalchemy as sa

    from app.core.db import utcnow
    from app.core.extensions import db
    from app.models import OutboxMessage

    now = utcnow()
    keys = [f"bench:{run}:{i}" for i in range(count)]
    with app.app_context():
        db.session.execute(sa.delete(OutboxMessage))
        db.session.add_all(OutboxMessage(
            key=key, topic="accepted", transport="sms", phone=f"138{i:08d}", body=TEXT.format(
                code=f"YM{i:06d}", token=hashlib.sha256(key.encode()).hexdigest()[:22]),
            params="{}", created_at=now, not_before=now) for i, key in enumerate(keys))
        db.session.commit()
    return keys


def child(database_url: str, sink_url: str) -> None:
    """One worker process: wait for the word go, send everything due, print what it did."""
    from app.core.db import utcnow
    from app.core.extensions import db
    from app.notify.worker import send_due

    app = make_app(database_url, sink_url)
    with app.app_context():
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.time()
        result = send_due(db.session, app.config, utcnow)
        ended = time.time()
        db.session.remove()
    print(json.dumps({"sent": result.sent, "retried": result.retried, "dead": result.dead,
                      "started": started, "ended": ended}), flush=True)


def run(workers: int, database_url: str, sink_url: str) -> dict:
    """Start `workers` processes, let them go together; the wall time from go to the last done."""
    cmd = [sys.executable, __file__, "--child", "--database-url", database_url, "--sink", sink_url]
    procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ)
             for _ in range(workers)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        if proc.returncode:
            sys.exit(f"a worker failed with exit code {proc.returncode}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {"sent": sum(r["sent"] for r in results), "not_sent": sum(r["retried"] + r["dead"] for r in results),
            "per_worker": [r["sent"] for r in results],
            "seconds": max(r["ended"] for r in results) - min(r["started"] for r in results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sink", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.database_url, args.sink)

    from flask_migrate import upgrade

    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='yima-bench-')}/notify.sqlite3"
    sink = Sink()
    app = make_app(database_url, sink.url)
    with app.app_context():
        upgrade()
    rows, failed = [], False
    for workers in (1, 2):
        keys = queue(app, args.count, f"w{workers}")
        sink.ids.clear()
        figures = run(workers, database_url, sink.url)
        twice = sum(1 for key in keys if sink.ids[key] > 1)
        missing = sum(1 for key in keys if sink.ids[key] == 0)
        failed |= bool(twice or missing or sink.bad or figures["not_sent"] or set(sink.ids) - set(keys))
        rows.append((workers, args.count, figures, twice, missing))

    print(f"database: {database_url.split(':')[0]}, sink: {sink.url}")
    line = "{:<8}{:>9}{:>9}{:>13}{:>8}{:>9}  {}"
    print(line.format("workers", "messages", "seconds", "messages/s", "twice", "missing", "sent by each"))
    for workers, count, figures, twice, missing in rows:
        print(line.format(workers, count, f"{figures['seconds']:.2f}", f"{count / figures['seconds']:.0f}",
                          twice, missing, " + ".join(map(str, figures["per_worker"]))))
    sink.httpd.shutdown()
    if failed:
        sys.exit("not every message reached the sink exactly once")


if __name__ == "__main__":
    main()
