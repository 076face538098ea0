"""The production stack (deploy/cluster.py: nginx in front of gunicorn nodes) under stress. Not a test.

    REDIS_URL=redis://127.0.0.1:6379/10 python bench/cluster.py --db yima_cluster_bench
    REDIS_URL=… python bench/cluster.py --smoke     # what CI runs: small numbers, about a minute

Makes a fresh PostgreSQL database on --pg (dropped at the end unless --keep), migrates and
seeds it, empties the Redis database of REDIS_URL (the limits' counters of an earlier run would
skew check 3), starts the stack with the launcher's own functions and prints one table a check:
1. slow clients: N connections each sending its headers a byte every 2 s while a prober asks
   for a poster's form and /healthz: latency and failures (a second or more is a failure),
   through nginx and, beside it, against one gunicorn node without nginx;
2. a node SIGKILLed (master and workers) in the middle of a burst of submissions, each a form
   fetched through nginx with its own CSRF token and submission key: every receipt a client
   got exists exactly once, every case has its submit event, requests after the kill are
   answered by the other node; failed requests are sent again with the same form, as a
   citizen pressing Submit again would, and must file nothing twice;
3. the per-address submission limit is one counter for both nodes (Redis);
4. `sweep` and `notify` started on both nodes at once act once per case and message (a
   WeCom robot on loopback counts each delivery);
5. req/s of the form page with 1 and 2 nodes through nginx (wrk), and CPU per request.
Exits non-zero when an invariant breaks (a receipt lost or doubled, a limit counted per node,
a case flagged twice, a message delivered twice), never because of speed. Client addresses:
the burst and the limit check connect from their own loopback addresses (127.0.1.x,
127.0.2.1), so nginx's X-Forwarded-For gives each its own address, as citizens behind
different networks. nginx's flood guard is raised here (wrk and the burst come from loopback);
the app's own limits stay as configured, with the submission limit at SUBMIT_LIMIT.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import cluster as launcher

SECRET = "bench-cluster-secret-key-not-for-production-use"
SUBMIT_LIMIT = 30  # per address an hour, for check 3; every other check stays far below it per address
HIDDEN = re.compile(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]*)"')
GUARD_RAISED = {"rate": "100000r/s", "burst": 100000, "conns": 60000}
TEXT = "公交站的遮雨棚漏水，下雨天等车的老人都淋湿了，希望尽快修好。"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
failures: list[str] = []


def check(ok: bool, what: str) -> bool:
    """Record a broken invariant (the exit status) and say it."""
    if not ok:
        failures.append(what)
        print(f"  FAILED: {what}", flush=True)
    return ok


# --- HTTP from a chosen loopback address ----------------------------------------------------

def request(port: int, method: str, path: str, *, source: str = "127.0.0.1", cookies: dict | None = None,
            form: dict | None = None, timeout: float = 15) -> tuple[int, dict, str]:
    """One request on a fresh connection from `source`; Set-Cookie values go into `cookies`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    headers, body = {}, None
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        if cookies is not None:
            for value in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, text
    finally:
        conn.close()


def fetch_form(port: int, path: str, source: str) -> dict:
    """A citizen opening the poster's form: its cookies and the filled fields to post."""
    cookies: dict = {}
    status, _, page = request(port, "GET", path, source=source, cookies=cookies)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    fields = dict(HIDDEN.findall(page))
    # The same words every time, so each citizen says "file anyway" (metoo=file) to the offer of
    # the open case like theirs (附议): every submission here must file its own case.
    fields.update(kind="suggestion", text=TEXT, category="0", location="阳明西路公交站", name="", phone="",
                  metoo="file")
    return {"source": source, "cookies": cookies, "fields": fields, "path": path}


def post_form(port: int, form: dict, timeout: float = 15) -> tuple[int, str | None]:
    """Submit a fetched form; the status and the tracking token of a 303 to /t/<token>."""
    status, headers, _ = request(port, "POST", form["path"], source=form["source"], cookies=dict(form["cookies"]),
                                 form=form["fields"], timeout=timeout)
    location = urllib.parse.urlsplit(headers.get("location", "")).path
    return status, location[3:] if status == 303 and location.startswith("/t/") else None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# --- the database, the app in-process (for checks), the processes' CPU ---------------------

def fresh_database(pg: str, name: str) -> str:
    """Drop and create `name` on the server `pg`; its SQLAlchemy URL."""
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise SystemExit(f"--db {name!r}: lower-case letters, digits and _ only")
    with psycopg.connect(pg.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    server = pg.split("://", 1)[1].rsplit("/", 1)[0]
    return f"postgresql+psycopg://{server}/{name}"


def drop_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def flask(env: dict, *command: str) -> subprocess.Popen:
    """A `flask --app wsgi` command as an operator's timer starts it (not waited for)."""
    return subprocess.Popen([str(launcher.BIN / "flask"), "--app", "wsgi", *command], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def group_cpu(pgid: int) -> float:
    """CPU seconds used by a process group: its live processes, and the children its leader
    reaped (a worker recycled by max_requests)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != pgid:  # fields[2] is the process group (the 5th field of stat)
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if int(stat.parent.name) == pgid:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / CLOCK_TICK


class Robot(ThreadingHTTPServer):
    """A WeCom group robot on loopback: it counts each message id it is sent, answers errcode 0.
    It speaks TLS for `localhost` from a throwaway CA (trustme), reached as an operator's private
    deployment is: `settings` are the YIMA_ROBOT_* the stack's nodes get (robots are https only)."""

    daemon_threads = True

    def __init__(self):
        import ssl

        import trustme

        self.seen: dict[str, int] = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), RobotHandler)
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(context)
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.ca_file = Path(tempfile.mkdtemp(prefix="yima-bench-ca-")) / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://localhost:{self.server_address[1]}/cgi-bin/webhook/send?key=bench"

    @property
    def settings(self) -> dict:
        return {"YIMA_ROBOT_HOSTS": "localhost", "YIMA_ROBOT_PRIVATE_OK": "1", "YIMA_ROBOT_CA_FILE": str(self.ca_file)}


class RobotHandler(BaseHTTPRequestHandler):
    def setup(self):
        self.request.do_handshake()  # here, in the handler's thread, not in the accepting one
        super().setup()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            key = self.headers.get("X-Yima-Message-Id", "")
            self.server.seen[key] = self.server.seen.get(key, 0) + 1
        body = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Yima:
    """The app in this process, on the bench database: to read what the stack wrote."""

    def __init__(self):
        from app import create_app

        self.app = create_app()

    def scalar(self, query):
        from app.core.extensions import db

        with self.app.app_context():
            try:
                return db.session.scalar(query)
            finally:
                db.session.remove()

    def run(self, fn):
        from app.core.extensions import db

        with self.app.app_context():
            try:
                result = fn(db.session)
                db.session.commit()
                return result
            finally:
                db.session.remove()


# --- 1. slow clients --------------------------------------------------------------------------

def slow_clients(port: int, count: int, seconds: float, code: str) -> dict:
    """`count` connections sending a request's headers a byte every 2 s (reconnecting when cut),
    while a prober asks for the form and /healthz one after another."""
    header = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000
    stop = threading.Event()
    counts = {"reconnects": 0}

    def connect():
        s = socket.socket()
        s.settimeout(1)
        try:
            s.connect(("127.0.0.1", port))
            s.setblocking(False)
            return s
        except OSError:
            s.close()
            return None

    def hold():
        socks = [(connect(), 0) for _ in range(count)]
        while not stop.wait(2.0):
            kept = []
            for sock, sent in socks:
                try:
                    if sock is None or sock.send(header[sent % len(header):][:1]) != 1:
                        raise OSError
                    kept.append((sock, sent + 1))
                except OSError:
                    if sock is not None:
                        sock.close()
                    counts["reconnects"] += 1
                    kept.append((connect(), 0))
            socks = kept
        for sock, _ in socks:
            if sock is not None:
                sock.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    time.sleep(1.0)  # every slow connection is open and has sent its first byte
    latencies, failed, slow = [], 0, 0
    deadline = time.monotonic() + seconds
    paths = (f"/p/{code}", "/healthz")
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            status, _, _ = request(port, "GET", paths[len(latencies) % 2], timeout=3)
            ok = status == 200
        except OSError:
            ok = False
        took = time.monotonic() - started
        latencies.append(took)
        failed += not ok
        slow += ok and took >= 1.0
        time.sleep(0.05)
    stop.set()
    holder.join()
    return {"probes": len(latencies), "p50": percentile(latencies, 0.5) * 1000,
            "p99": percentile(latencies, 0.99) * 1000, "max": max(latencies) * 1000,
            "failed": failed, "slow": slow, "reconnects": counts["reconnects"]}


def report_slow(rows: dict, count: int, seconds: float) -> None:
    print(f"\n1. {count} slow clients (headers a byte every 2 s) for {seconds:g} s; probes: GET /p/<code> and "
          "/healthz in turn, 3 s timeout; a failure is an error, a timeout or a non-200")
    print(f"{'in front':<34} {'probes':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'failed':>7} {'≥ 1 s':>6} "
          f"{'slow reconnects':>16}")
    for name, r in rows.items():
        print(f"{name:<34} {r['probes']:>7} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['max']:>8.1f} {r['failed']:>7} "
              f"{r['slow']:>6} {r['reconnects']:>16}")


# --- 2. a node killed in a burst ------------------------------------------------------------

def sources(count: int, per: int, third: int) -> list[str]:
    """`count` client addresses, `per` requests to each: 127.0.<third>.1, .2, …"""
    return [f"127.0.{third}.{1 + i // per}" for i in range(count)]


def node_kill(stack: launcher.Cluster, code: str, forms_count: int, concurrency: int, yima: Yima) -> dict:
    """Submit `forms_count` forms `concurrency` at a time; SIGKILL node 0 after a third."""
    import sqlalchemy as sa

    from app.domain import codes
    from app.domain.workflow import Action
    from app.models import CaseEvent, Suggestion

    port = int(stack.listen.rsplit(":", 1)[1])
    forms = [fetch_form(port, f"/p/{code}", source) for source in sources(forms_count, 8, 1)]
    killed_at, done = [], [0]
    lock = threading.Lock()
    kill_after = forms_count // 3

    def submit(form):
        started = time.monotonic()
        try:
            status, token = post_form(port, form)
        except (OSError, http.client.HTTPException):  # refused, reset, or an answer cut short by the kill
            status, token = 0, None
        with lock:
            done[0] += 1
            if done[0] == kill_after and not killed_at:
                stack.nodes[0].kill()
                killed_at.append(time.monotonic())
        return {"form": form, "status": status, "token": token, "started": started}

    before = yima.scalar(sa.select(sa.func.count()).select_from(Suggestion))
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(submit, forms))
    kill = killed_at[0] if killed_at else float("inf")
    after_kill = [r for r in results if r["started"] > kill]
    failed = [r for r in results if r["token"] is None]
    # A citizen whose answer was lost presses Submit again: the same form, the same key.
    again = [dict(r, **dict(zip(("status", "token"), post_form(port, r["form"])))) for r in failed]
    receipts = [r["token"] for r in results if r["token"]] + [r["token"] for r in again if r["token"]]

    def rows_of(token):
        return yima.scalar(sa.select(sa.func.count()).select_from(Suggestion)
                           .where(Suggestion.token_hash == codes.hash_secret(token)))

    found = {token: rows_of(token) for token in receipts}
    keys = [codes.hash_secret(r["form"]["fields"]["submission_key"]) for r in results]
    doubled = yima.scalar(sa.select(sa.func.count()).select_from(
        sa.select(Suggestion.submission_key).where(Suggestion.submission_key.in_(keys))
        .group_by(Suggestion.submission_key).having(sa.func.count() > 1).subquery()))
    total = yima.scalar(sa.select(sa.func.count()).select_from(Suggestion)) - before
    no_event = yima.scalar(sa.select(sa.func.count()).select_from(Suggestion).where(~sa.exists().where(
        CaseEvent.suggestion_id == Suggestion.id, CaseEvent.action == Action.SUBMIT)))
    return {"sent": len(results), "answered": len(results) - len(failed),
            "statuses": _statuses(results), "after_kill": len(after_kill),
            "after_kill_ok": sum(1 for r in after_kill if r["token"]),
            "again": len(again), "again_ok": sum(1 for r in again if r["token"]),
            "again_statuses": _statuses(again), "receipts": len(receipts),
            "receipts_once": sum(1 for n in found.values() if n == 1), "rows": total, "doubled": doubled,
            "no_event": no_event, "killed": bool(killed_at)}


def _statuses(results) -> str:
    counted: dict = {}
    for r in results:
        counted[r["status"] or "no answer"] = counted.get(r["status"] or "no answer", 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(counted.items(), key=str))


def retried_upstreams(stack: launcher.Cluster, since: int) -> tuple[int, int]:
    """From nginx's access log after byte `since`: POSTs passed on to the next node after the
    first refused them, and POSTs answered 502 (they reached the killed node)."""
    lines = (stack.run_dir / "access.log").read_bytes()[since:].decode(errors="replace").splitlines()
    posts = [line for line in lines if '"POST ' in line]
    return sum(1 for line in posts if re.search(r"upstream=\S+, ", line)), sum(1 for line in posts if '" 502 ' in line)


def report_kill(r: dict, passed_on: int, bad_gateway: int, forms: int, concurrency: int) -> None:
    print(f"\n2. node 0 SIGKILLed (master and workers) after {forms // 3} of {forms} submissions, {concurrency} at a time")
    print(f"{'what':<58} {'count':>7}")
    for label, value in (("submissions sent", r["sent"]), ("answered with a receipt (303)", r["answered"]),
                         ("  statuses", r["statuses"]),
                         ("sent after the kill", r["after_kill"]), ("  of them answered with a receipt", r["after_kill_ok"]),
                         ("POSTs nginx passed to the other node (connection refused)", passed_on),
                         ("POSTs answered 502 by nginx (in flight on the killed node)", bad_gateway),
                         ("failed ones sent again with the same form", r["again"]),
                         ("  of them answered with a receipt", r["again_ok"]),
                         ("receipts clients hold", r["receipts"]), ("  found exactly once in the database", r["receipts_once"]),
                         ("cases in the database from this burst", r["rows"]),
                         ("submission keys filed twice", r["doubled"]), ("cases without their submit event", r["no_event"])):
        print(f"{label:<58} {value:>7}")


# --- 3. one limit for both nodes --------------------------------------------------------------

def posts_per_node(stack: launcher.Cluster, log_dir: Path) -> dict[int, int]:
    """How many POSTs each node's access log holds."""
    counted = {}
    for node in stack.nodes:
        path = log_dir / f"node-{node.port}.log"
        counted[node.port] = path.read_text(errors="replace").count('"method": "POST"') if path.exists() else 0
    return counted


def one_limit(stack: launcher.Cluster, code: str, log_dir: Path) -> dict:
    """SUBMIT_LIMIT + 10 submissions from one address, one after another, through nginx."""
    port = int(stack.listen.rsplit(":", 1)[1])
    before = posts_per_node(stack, log_dir)
    statuses = [post_form(port, fetch_form(port, f"/p/{code}", "127.0.2.1"))[0] for _ in range(SUBMIT_LIMIT + 10)]
    after = posts_per_node(stack, log_dir)
    return {"sent": len(statuses), "filed": statuses.count(303), "refused": statuses.count(429),
            "other": len(statuses) - statuses.count(303) - statuses.count(429),
            "per_node": {p: after[p] - before.get(p, 0) for p in after}}


# --- 4. sweep and notify on both nodes at once ------------------------------------------------

def add_robots(yima: Yima, robot_url: str) -> int:
    """A WeCom robot channel for every unit (as an admin would add), so each step is told."""
    import sqlalchemy as sa

    from app.core.db import utcnow
    from app.models import OrgUnit, UnitChannel

    def add(session):
        units = list(session.scalars(sa.select(OrgUnit.id)))
        session.add_all(UnitChannel(unit_id=u, kind="wecom", target=robot_url, created_at=utcnow()) for u in units)
        return len(units)

    return yima.run(add)


def twice_at_once(env: dict, *command: str) -> list[str]:
    """The same command started on 'both nodes' at the same moment; their outputs."""
    procs = [flask(env, *command) for _ in range(2)]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        if proc.returncode:  # the app's own failure: said as it is, and the other checks go on
            last = err.strip().splitlines()[-1] if err.strip() else ""
            check(False, f"`flask {' '.join(command)}` exited {proc.returncode}: {last}")
            outs.append(f"exited {proc.returncode}: {last}")
        else:
            outs.append(out.strip().splitlines()[-1] if out.strip() else "")
    return outs


def sweep_and_notify(env: dict, yima: Yima, robot: Robot) -> dict:
    """Make every open case overdue, run sweep twice at once, then notify twice at once."""
    from datetime import timedelta

    import sqlalchemy as sa

    from app.core.db import utcnow
    from app.domain.workflow import Action
    from app.models import CaseEvent, OutboxMessage, Suggestion
    from app.services.duties import is_open

    def overdue_all(session):
        session.execute(sa.update(Suggestion).where(is_open(), Suggestion.overdue_at.is_(None))
                        .values(due_at=utcnow() - timedelta(days=1)))
        return session.scalar(sa.select(sa.func.count()).select_from(Suggestion)
                              .where(is_open(), Suggestion.overdue_at.is_(None)))

    expected = yima.run(overdue_all)
    sweeps = twice_at_once(env, "sweep")
    flagged = yima.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.action == Action.FLAG_OVERDUE))
    twice = yima.scalar(sa.select(sa.func.count()).select_from(
        sa.select(CaseEvent.suggestion_id).where(CaseEvent.action == Action.FLAG_OVERDUE)
        .group_by(CaseEvent.suggestion_id).having(sa.func.count() > 1).subquery()))
    robot_rows = yima.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.transport == "wecom"))
    overdue_messages = yima.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.transport == "wecom", OutboxMessage.topic == "overdue"))
    notifies = twice_at_once(env, "notify")
    sent = yima.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                       .where(OutboxMessage.transport == "wecom", OutboxMessage.status == "sent"))
    return {"expected": expected, "flagged": flagged, "flagged_twice": twice, "sweeps": sweeps,
            "robot_rows": robot_rows, "overdue_messages": overdue_messages, "notifies": notifies,
            "sent": sent, "delivered": sum(robot.seen.values()), "distinct": len(robot.seen),
            "delivered_twice": sum(1 for n in robot.seen.values() if n > 1)}


def report_sweep(r: dict) -> None:
    print("\n4. sweep, then notify, each started twice at the same moment (two nodes' timers)")
    for i, line in enumerate(r["sweeps"] + r["notifies"]):
        print(f"   {'sweep' if i < 2 else 'notify'} {i % 2 + 1}: {line}")
    print(f"{'what':<58} {'count':>7}")
    for label, value in (("open cases made overdue", r["expected"]), ("overdue flags recorded (events)", r["flagged"]),
                         ("cases flagged more than once", r["flagged_twice"]),
                         ("robot messages in the outbox (new case, overdue, …)", r["robot_rows"]),
                         ("  of them 'overdue'", r["overdue_messages"]), ("marked sent", r["sent"]),
                         ("deliveries the robot received", r["delivered"]),
                         ("  distinct message ids", r["distinct"]), ("messages delivered more than once", r["delivered_twice"])):
        print(f"{label:<58} {value:>7}")


# --- 5. req/s and CPU per request ------------------------------------------------------------

def wrk(url: str, seconds: float, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
                          "--timeout", "10s", url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "requests": requests,
            "bad": int(bad.group(1)) if bad else 0,
            "p99": float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]}


def throughput(base: str, nodes: list, nginx, url_path: str, seconds: float, warmup: float, connections: int) -> dict:
    """wrk on the form at `base`; CPU seconds of the nodes and of nginx (if any) per request."""
    url = base + url_path
    wrk(url, warmup, connections)
    groups = [n.proc.pid for n in nodes]
    nodes0, nginx0 = sum(group_cpu(g) for g in groups), group_cpu(nginx.pid) if nginx else 0.0
    result = wrk(url, seconds, connections)
    nodes1, nginx1 = sum(group_cpu(g) for g in groups), group_cpu(nginx.pid) if nginx else 0.0
    n = max(1, result["requests"])
    return {**result, "node_us": (nodes1 - nodes0) / n * 1e6, "nginx_us": (nginx1 - nginx0) / n * 1e6}


def report_throughput(rows: dict, seconds: float, connections: int, workers: str) -> None:
    cores = os.cpu_count() or 1
    print(f"\n5. GET /p/<code> (the form), through nginx but for the first row, wrk -t2 -c{connections} for {seconds:g} s after a warm-up; "
          f"{workers} sync workers a node; {cores} cores, shared with wrk and everything else here")
    print(f"{'nodes':<12} {'req/s':>8} {'p99 ms':>8} {'errors':>7} {'node CPU µs/req':>16} {'nginx CPU µs/req':>17} "
          f"{'cores busy':>11}")
    for name, r in rows.items():
        busy = r["rps"] * (r["node_us"] + r["nginx_us"]) / 1e6
        print(f"{name:<12} {r['rps']:>8.0f} {r['p99']:>8.1f} {r['bad']:>7} {r['node_us']:>16.0f} {r['nginx_us']:>17.0f} "
              f"{busy:>11.2f}")
    if "1" in rows and "2" in rows:
        one, two = rows["1"], rows["2"]
        print(f"2 nodes / 1 node: {two['rps'] / max(1, one['rps']):.2f} on this machine, where both share its {cores} "
              f"cores with wrk and whatever else runs (our processes kept {one['rps'] * (one['node_us'] + one['nginx_us']) / 1e6:.2f} "
              f"and {two['rps'] * (two['node_us'] + two['nginx_us']) / 1e6:.2f} cores busy).")
        app = statistics.mean([one["node_us"], two["node_us"]])
        front = statistics.mean([one["nginx_us"], two["nginx_us"]])
        print(f"With cores to spare (each node on machines of its own, {cores} cores each), a node serves about "
              f"{cores / app * 1e6:.0f} req/s ({cores} cores / {app:.0f} µs) and nginx's {front:.0f} µs a request bound the "
              f"front at {cores / front * 1e6:.0f} req/s on {cores} cores: 2 nodes ≈ "
              f"{min(2 * cores / app, cores / front) / (cores / app):.2f} × 1 node.")


# --- the run ---------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to make the bench database on (any database of it)")
    parser.add_argument("--db", default=f"yima_bench_cluster_{os.getpid()}", help="the database made afresh")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--slow", type=int, default=200, help="slow clients")
    parser.add_argument("--slow-seconds", type=float, default=20)
    parser.add_argument("--forms", type=int, default=400, help="submissions in the burst")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="wrk per row")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", default="", help="YIMA_WORKERS of every node (default: gunicorn.conf.py's)")
    parser.add_argument("--smoke", action="store_true", help="small numbers: checks it works, not speed")
    args = parser.parse_args()
    if args.smoke:
        args.slow, args.slow_seconds, args.forms, args.concurrency, args.seconds = 30, 4, 60, 8, 2
    launcher.find_nginx()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        raise SystemExit("REDIS_URL must name a Redis database this bench may empty (redis://127.0.0.1:6379/10)")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    database_url = fresh_database(args.pg, args.db)
    log_dir = Path(tempfile.mkdtemp(prefix="yima-bench-cluster-"))
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET,
           "YIMA_SUBMIT_RATE_LIMIT": f"{SUBMIT_LIMIT} per hour", "YIMA_LOG_LEVEL": "warning",
           "PUBLIC_BASE_URL": "https://yima.example.gov.cn", "YIMA_SMS_PROVIDER": "log"}
    if args.workers:
        env["YIMA_WORKERS"] = args.workers
    workers = args.workers or f"{min(2 * (os.cpu_count() or 1) + 1, 8)} (2 × cores + 1)"
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL")})
    print(f"bench/cluster.py on PostgreSQL {args.db}, Redis {redis_url}, logs in {log_dir}"
          + (" (smoke run: numbers are not meaningful)" if args.smoke else "")
          + "\nThe machine is shared: every number here is as noisy as the machine was.", flush=True)
    try:
        launcher.upgrade(env)
        seeded = subprocess.run([str(launcher.BIN / "flask"), "--app", "wsgi", "demo", "seed"], env=env, cwd=ROOT,
                                check=False, capture_output=True, text=True)
        if seeded.returncode:
            raise SystemExit(f"demo seed failed:\n{seeded.stderr[-3000:]}")
        yima = Yima()
        from bench.serve import poster_code

        code = poster_code(env)
        robot = Robot()
        env.update(robot.settings)  # every node and `notify` reaches it as a private deployment
        add_robots(yima, robot.url)
        run(args, env, log_dir, code, yima, robot, workers)
    finally:
        if not args.keep:
            drop_database(args.pg, args.db)
    if failures:
        print("\nBroken: " + "; ".join(failures))
        return 1
    print("\nEvery invariant held.")
    return 0


def run(args, env: dict, log_dir: Path, code: str, yima: Yima, robot: Robot, workers: str) -> None:
    """The five checks, each on a stack of its own where it needs one."""
    slow = {}
    node = launcher.start_node(env, log_dir=log_dir)  # gunicorn alone, without nginx
    try:
        slow["gunicorn alone, 1 node"] = slow_clients(node.port, args.slow, args.slow_seconds, code)
    finally:
        launcher.stop_group(node.proc)
    with launcher.start_cluster(env, 2, port=launcher.free_port(), log_dir=log_dir, guard=GUARD_RAISED) as stack:
        port = int(stack.listen.rsplit(":", 1)[1])
        slow["nginx, 2 nodes"] = slow_clients(port, args.slow, args.slow_seconds, code)
        report_slow(slow, args.slow, args.slow_seconds)
        check(slow["nginx, 2 nodes"]["failed"] == 0 and slow["nginx, 2 nodes"]["slow"] == 0,
              "with nginx in front, every probe answered within a second")
        since = (stack.run_dir / "access.log").stat().st_size
        kill = node_kill(stack, code, args.forms, args.concurrency, yima)
        passed_on, bad_gateway = retried_upstreams(stack, since)
        report_kill(kill, passed_on, bad_gateway, args.forms, args.concurrency)
        check(kill["killed"], "the node was killed during the burst")
        check(kill["receipts"] == kill["receipts_once"], "every receipt a client holds is in the database exactly once")
        check(kill["doubled"] == 0, "no submission key filed twice")
        check(kill["no_event"] == 0, "every case has its submit event")
        check(kill["after_kill"] > 0 and kill["after_kill_ok"] >= kill["after_kill"] - bad_gateway,
              "requests sent after the kill are answered by the other node")
        check(kill["again_ok"] == kill["again"], "every failed submission sent again got its receipt")
        check(kill["rows"] == kill["receipts"], "every case of the burst is a receipt a client holds")
        # Node 0 comes back on its port (nginx tries it again after fail_timeout).
        stack.nodes[0] = launcher.start_node(launcher.node_env(env), stack.nodes[0].port, log_dir)
        time.sleep(10.5)  # nginx's fail_timeout: the node is tried again
        limit = one_limit(stack, code, log_dir)
        print(f"\n3. {limit['sent']} submissions from one address (127.0.2.1) through nginx, the limit "
              f"{SUBMIT_LIMIT} an hour per address")
        print(f"   filed {limit['filed']}, refused (429) {limit['refused']}, other {limit['other']}; POSTs per node: "
              + ", ".join(f"port {p}: {n}" for p, n in limit["per_node"].items()))
        check(limit["filed"] == SUBMIT_LIMIT and limit["refused"] == 10, "the address's limit is one counter for both nodes")
        check(all(n > 0 for n in limit["per_node"].values()), "both nodes served the limit check")
        sweep = sweep_and_notify(env, yima, robot)
        report_sweep(sweep)
        check(sweep["flagged"] >= sweep["expected"] > 0 and sweep["flagged_twice"] == 0, "each overdue case flagged once")
        check(sweep["overdue_messages"] > 0 and sweep["delivered"] == sweep["distinct"] == sweep["sent"] == sweep["robot_rows"],
              "each robot message delivered exactly once")
    rows, warmup = {}, 1 if args.smoke else 3
    node = launcher.start_node(env, log_dir=log_dir)  # the reference: one node, no nginx
    try:
        rows["1, no nginx"] = throughput(node.base, [node], None, f"/p/{code}", args.seconds, warmup, args.connections)
    finally:
        launcher.stop_group(node.proc)
    for nodes in (1, 2):
        with launcher.start_cluster(env, nodes, port=launcher.free_port(), log_dir=log_dir, guard=GUARD_RAISED) as stack:
            rows[str(nodes)] = throughput(stack.base, stack.nodes, stack.nginx, f"/p/{code}", args.seconds, warmup,
                                          args.connections)
    report_throughput(rows, args.seconds, args.connections, workers)
    check(all(r["bad"] == 0 for r in rows.values()), "wrk got only 2xx answers")


if __name__ == "__main__":
    sys.exit(main())
