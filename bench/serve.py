"""Yima under gunicorn beside a bare Flask app, loaded by wrk from a second process. Not a test.

    python bench/serve.py                       # SQLite file in a temporary folder, 10 s a row
    DATABASE_URL=postgresql://postgres@127.0.0.1/yima_sec python bench/serve.py
    python bench/serve.py --smoke               # a few seconds, what CI runs

Starts gunicorn with the production settings (gunicorn.conf.py when the repo has one, else
2 sync workers) for `wsgi:app` on a migrated, seeded database, and in the same run for
bench/hello.py with the same settings; wrk (Debian's `wrk`) then measures:
- the bare app's GET /, just before each row: the reference that row's share is of (the
  machine's speed drifts within a run; the table's bare row is their mean);
- GET /healthz: every per-request hook of the app (request id, log line, limiters, session,
  security headers) plus one SELECT 1;
- GET /p/<code>, the form;
- the bare app's POST /: the same form bodies, one row committed each and a Redis counter,
  the least any durable submission costs on this machine and database;
- the submission POST, each request a fresh form (its own session cookie, CSRF token and
  submission key, minted beforehand with the secret key), its text compared with the open
  cases at the poster (附议, app/citizen/metoo.py): 300 of them once the warm-up has filed;
- the same, "filed anyway" as after an offer: no comparison, so the difference is the hint's;
- tracking: GET /t/<token> of 100 cases, the receipt QR drawn inside the page.
Each row is measured after an unmeasured warm-up (--warmup, 5 s) in which the workers
compile their templates and fill their caches, so the table is the steady state (each
worker renders the 100 tracking pages, QR included, before it answers them from its cache). Rate
limits are raised so they do not throttle the load; Redis is used when REDIS_URL is set.
Targets (issue 14): the form at least 55% of the bare app's req/s, tracking 50% (PostgreSQL
40%), the submission 12%.
"""
import argparse
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))
TARGETS = {"form": 0.55, "submit": 0.12, "track": 0.50}  # issue 14
PG_TARGETS = {"track": 0.40}
ROWS = ("healthz", "form", "bare-post", "submit", "anyway", "track")  # besides "bare", always measured
SECRET = "bench-secret-key-not-for-production"
UNLIMITED = "1000000 per minute"

LUA = r"""
local lines, i = {}, 0
local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end
function init(args)
  for line in io.lines(args[1]) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    lines[#lines + 1] = {method, path, cookie, body}
  end
  i = (offset or 0) * math.floor(#lines / (tonumber(args[2]) or 1))
end
function request()
  i = i + 1
  if i > #lines then i = 1 end
  local r = lines[i]
  local headers = {}
  if r[3] ~= "" then headers["Cookie"] = r[3] end
  if r[1] == "POST" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  if r[4] ~= "" then return wrk.format(r[1], r[2], headers, r[4]) end
  return wrk.format(r[1], r[2], headers)
end
"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_args(app_spec: str, port: int, workers: int) -> list[str]:
    """The production settings: the repo's config file if there is one, else N sync workers."""
    args = [str(Path(PYTHON).with_name("gunicorn")), app_spec, "-b", f"127.0.0.1:{port}"]
    conf = ROOT / "gunicorn.conf.py"
    if conf.exists():
        return args + ["-c", str(conf)] + (["-w", str(workers)] if workers else [])
    return args + ["-w", str(workers or 2), "-k", "sync", "--timeout", "30", "--log-level", "warning"]


def start(app_spec: str, env: dict, workers: int, cwd: Path) -> tuple[subprocess.Popen, str]:
    """Start gunicorn and wait until it answers."""
    port = free_port()
    log = open(Path(tempfile.gettempdir()) / f"yima-bench-{port}.log", "w+")  # never a full pipe
    proc = subprocess.Popen(gunicorn_args(app_spec, port, workers), env=env, cwd=cwd,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + ("/healthz" if app_spec == "wsgi:app" else "/"), timeout=1)
            return proc, base
        except OSError:
            if proc.poll() is not None:
                log.seek(0)
                raise SystemExit(f"gunicorn {app_spec} exited: {log.read()[-2000:]}")
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"gunicorn {app_spec} did not start")


def stop(proc: subprocess.Popen) -> None:
    """Stop one gunicorn master (and so its workers)."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def prepare_database(env: dict) -> None:
    """Migrate and seed, as `make run` does."""
    flask = [str(Path(PYTHON).with_name("flask")), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["demo", "seed"]):
        done = subprocess.run(flask + command, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")


def unlike_text(index: int) -> str:
    """A suggestion's worth of Chinese characters like no other one's: every form is filed at
    once, none offered to join (附议) the ones before it, though each is compared with them.
    No character of a civic matter word (灯, 坑 …): two texts naming one would be alike."""
    from app.domain.similarity import _SYNONYMS

    matter = set("".join(word + alts for word, alts in _SYNONYMS))
    rng = random.Random(index)
    chars = (chr(rng.randrange(0x4E00, 0x9FA6)) for _ in range(200))
    return "".join([c for c in chars if c not in matter][:30])


def mint_forms(env: dict, count: int, path: str) -> list[str]:
    """`count` fresh submission forms, each with its own signed session and CSRF token."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from app import create_app
    from app.domain import codes

    app = create_app()
    serializer = app.session_interface.get_signing_serializer(app)
    lines = []
    for index in range(count):
        with app.test_request_context(path):
            csrf = generate_csrf()
            cookie = f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(dict(session))}"
        body = urllib.parse.urlencode({
            "csrf_token": csrf, "submission_key": codes.new_submission_key(), "kind": "suggestion",
            "text": unlike_text(index), "category": "0",
            "location": "阳明西路公交站", "name": "", "phone": ""})
        lines.append(f"POST\t{path}\t{cookie}\t{body}")
    return lines


def bare_post_table(database_url: str, drop: bool = False) -> str:
    """The bare app's table (bench/hello.py), beside Yima's database: a file of its own in the
    same folder on SQLite, a `bench_posts` table on PostgreSQL. Returns its URL; `drop`
    removes it."""
    import sqlalchemy as sa

    if database_url.startswith("sqlite:///"):
        path = Path(database_url[len("sqlite:///"):]).with_name("bench-posts.sqlite3")
        for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            each.unlink(missing_ok=True)
        if not drop:
            with closing(sqlite3.connect(path)) as connection:  # DDL: no transaction to commit
                connection.execute("CREATE TABLE bench_posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        return f"sqlite:///{path}"
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS bench_posts"))
        if not drop:
            connection.execute(sa.text("CREATE TABLE bench_posts (id SERIAL PRIMARY KEY, body TEXT NOT NULL)"))
    engine.dispose()
    return database_url


def poster_code(env: dict) -> str:
    """An active demo poster's code."""
    from app import create_app
    from app.core.extensions import db
    from app.models import Poster
    import sqlalchemy as sa

    app = create_app()
    with app.app_context():
        return db.session.scalar(sa.select(Poster.code).where(Poster.active).order_by(Poster.id))


def file_cases(base: str, forms: list[str]) -> list[str]:
    """Submit forms through the server and return the tracking paths they redirect to."""
    paths = []
    for line in forms:
        _method, path, cookie, body = line.split("\t")
        request = urllib.request.Request(base + path, data=body.encode(), method="POST",
                                         headers={"Cookie": cookie})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as answer:
            if answer.code != 303:
                raise SystemExit(f"submission failed: {answer.code}")
            paths.append(urllib.parse.urlsplit(answer.headers["Location"]).path)
    return paths


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a 303 as an answer instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url: str, seconds: float, connections: int, threads: int, lines: list[str] | None, tmp: Path) -> dict:
    """Run wrk; return req/s, p50 and p99 in ms, and the count of unexpected statuses."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    if lines is not None:
        data, script = tmp / f"lines-{time.monotonic_ns()}.tsv", tmp / "cycle.lua"
        data.write_text("\n".join(lines) + "\n")
        script.write_text(LUA)
        args += ["-s", str(script), url, str(data), str(threads)]
    else:
        args.append(url)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": _ms(out, "50%"), "p99": _ms(out, "99%"),
            "bad": int(bad.group(1)) if bad else 0, "socket": errors.group(0) if errors else ""}


def _ms(out: str, pct: str) -> float:
    value, unit = re.search(rf"^\s+{re.escape(pct)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load per row")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=0, help="override the workers (default: config or 2)")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured load before each row, seconds")
    parser.add_argument("--smoke", action="store_true", help="a few seconds in all: checks it works, not speed")
    parser.add_argument("--rows", default=",".join(ROWS),
                        help="which rows besides the bare app's, comma-separated (default: all)")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.warmup = 2.0, 1.0
    wanted = args.rows.split(",")
    unknown = set(wanted) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows {', '.join(sorted(unknown))}: choose from {', '.join(ROWS)}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    tmp = Path(tempfile.mkdtemp(prefix="yima-bench-"))
    env = {**os.environ, "SECRET_KEY": SECRET, "PUBLIC_BASE_URL": "https://yima.example.gov.cn",
           "YIMA_SUBMIT_RATE_LIMIT": UNLIMITED, "YIMA_TRACK_RATE_LIMIT": UNLIMITED,
           "YIMA_FEEDBACK_RATE_LIMIT": UNLIMITED, "YIMA_LOGIN_RATE_LIMIT": UNLIMITED}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    prepare_database(env)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL")})
    code = poster_code(env)
    expected_rps = 300 if args.smoke else 2500
    per_row = int(expected_rps * (args.seconds + args.warmup + 1))  # fresh forms a submission row may send
    warm_forms = int(expected_rps * args.warmup) // 4
    submitted = per_row * sum(k in wanted for k in ("submit", "anyway"))
    forms = mint_forms(env, submitted + 200, f"/p/{code}")
    database = env["DATABASE_URL"].split("://", 1)[0].split("+")[0]

    env["BENCH_POST_URL"] = bare_post_table(env["DATABASE_URL"])
    hello, hello_base = start("bench.hello:app", env, args.workers, ROOT)
    yima, base = start("wsgi:app", env, args.workers, ROOT)
    try:
        tracks = file_cases(base, forms[:100])
        track_lines = [f"GET\t{p}\t\t" for p in tracks]  # the receipt QR is inside the page
        rows = {}
        load = dict(seconds=args.seconds, connections=args.connections, threads=args.threads, tmp=tmp)
        warm = {**load, "seconds": args.warmup}
        submissions = iter(forms[100:])
        post_lines = ["POST\t/\t\t" + line.split("\t")[3] for line in forms[:1000]]  # the bodies alone
        if args.warmup:
            wrk(hello_base + "/", lines=None, **warm)
        for key, url, lines in (("healthz", base + "/healthz", None), ("form", f"{base}/p/{code}", None),
                                ("bare-post", hello_base + "/", post_lines),
                                ("submit", base + "/", None), ("anyway", base + "/", None),
                                ("track", base + "/", track_lines)):
            if key not in wanted:
                continue
            if key in ("submit", "anyway"):  # every request needs a form of its own: none may be sent twice
                mine = [next(submissions) + ("&metoo=file" if key == "anyway" else "") for _ in range(per_row)]
                warm_lines, lines = mine[:warm_forms], mine[warm_forms:]
            else:
                warm_lines = lines
            # The reference is measured just before each row: the machine's speed drifts.
            bare = wrk(hello_base + "/", lines=None, **load)
            if args.warmup:  # each worker fills its caches and compiles its templates first
                wrk(url, lines=warm_lines, **warm)
            rows[key] = {**wrk(url, lines=lines, **load), "bare": bare}
    finally:
        stop(yima)
        stop(hello)
        bare_post_table(env["DATABASE_URL"], drop=True)
    return report(rows, database, args, code)


def report(rows: dict, database: str, args, code: str) -> int:
    """Print the table; a non-zero exit when a response was wrong (or, full runs, a target missed)."""
    names = {"bare": "bare Flask hello", "healthz": "GET /healthz (hooks + SELECT 1)", "form": f"GET /p/{code} (form)",
             "bare-post": "bare POST: 1 durable INSERT",
             "submit": "POST /p/<code> (submission)", "anyway": "POST /p/<code>, anyway (no hint)",
             "track": "GET /t/<token> (QR inside)"}
    bares = [row["bare"] for row in rows.values()]
    print(f"\nYima under gunicorn on {database}, {args.seconds:g} s a row after {args.warmup:g} s of warm-up, wrk -t{args.threads} "
          f"-c{args.connections}" + (" (smoke run: numbers are not meaningful)" if args.smoke else ""))
    print("Each row's share is of the bare app measured just before it (the machine's speed drifts).")
    print(f"{'what':<30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'of bare':>8} {'target':>7}  errors")
    if bares:
        mean = {k: sum(b[k] for b in bares) / len(bares) for k in ("rps", "p50", "p99")}
        spread = f"mean of {len(bares)}: {min(b['rps'] for b in bares):.0f}–{max(b['rps'] for b in bares):.0f}"
        print(f"{names['bare']:<30} {mean['rps']:>8.0f} {mean['p50']:>8.2f} {mean['p99']:>8.2f} {'':>8} {'':>7}  {spread}")
    failed = False
    for key, row in rows.items():
        share = row["rps"] / row["bare"]["rps"] if row["bare"]["rps"] else 0
        target = {**TARGETS, **(PG_TARGETS if database == "postgresql" else {})}.get(key)
        missed = target is not None and share < target
        failed |= row["bad"] > 0 or (missed and not args.smoke)
        print(f"{names[key]:<30} {row['rps']:>8.0f} {row['p50']:>8.2f} {row['p99']:>8.2f} "
              f"{share:>7.0%} {f'{target:.0%}' if target else '':>7}  "
              f"{row['bad'] or ''} {row['socket']}{'  MISSED' if missed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
