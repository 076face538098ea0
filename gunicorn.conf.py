"""gunicorn settings for production: `make serve`, or `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be set from the environment; see docs/deploy.md.
"""
import functools
import gc
import multiprocessing
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gunicorn.glogging import Logger  # noqa: E402

from app.core.logs import USER_ENVIRON, JsonFormatter, RedactFilter, redact  # noqa: E402


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def worker_count(cores: int, cap: int) -> int:
    """2 × cores + 1 sync workers (the usual rule for I/O-bound apps), at most `cap`."""
    return max(1, min(2 * cores + 1, cap))


bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = _int("YIMA_WORKERS", 0) or worker_count(multiprocessing.cpu_count(), _int("YIMA_MAX_WORKERS", 8))
worker_class = "sync"
# The app is imported once, in the master: a new worker is a fork, ready in milliseconds, not
# seconds of imports. Code changes therefore need a restart, not a HUP (docs/deploy.md).
preload_app = True
timeout = _int("YIMA_WORKER_TIMEOUT", 30)  # a request longer than this is killed (the exports stream)
graceful_timeout = _int("YIMA_GRACEFUL_TIMEOUT", 30)  # finish requests in flight on a restart
keepalive = _int("YIMA_KEEPALIVE", 5)  # above nothing: behind a load balancer that reuses connections
max_requests = _int("YIMA_MAX_REQUESTS", 10000)  # recycle workers now and then (a leak's bound) …
max_requests_jitter = max_requests // 10  # … not all at once
limit_request_line = 4094
limit_request_fields = 100
# X-Forwarded-* are trusted by the app's ProxyFix alone (YIMA_PROXIES), never by gunicorn.
secure_scheme_headers: dict = {}
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "yima"
# gunicornc's control socket only when asked for: its default path is shared by every instance.
control_socket = os.environ.get("YIMA_CONTROL_SOCKET") or None
control_socket_disable = control_socket is None
if control_socket is None:
    del control_socket

accesslog = os.environ.get("YIMA_ACCESS_LOG", "-") or None  # "" turns it off; "-" is stdout
# With the access log on, its JSON line is each request's one line (RedactingLogger.access):
# the app writes no second one. Set before the app is loaded (gunicorn applies raw_env first).
raw_env = ["YIMA_REQUEST_LOG=0"] if accesslog and "YIMA_REQUEST_LOG" not in os.environ else []
errorlog = "-"
loglevel = os.environ.get("YIMA_LOG_LEVEL", "info").lower()
# No query string (%(q)s, %(r)s are left out) and tracking tokens redacted by RedactingLogger.
access_log_format = ('%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" '
                     '%({x-request-id}o)s')


@functools.cache
def format_keys(log_format: str) -> frozenset[str]:
    """The atoms an access-log format names (header and environ atoms in lower case)."""
    keys = re.findall(r"%\(([^)]+)\)", log_format)
    return frozenset(key.lower() if key.startswith("{") else key for key in keys)


class RedactingLogger(Logger):
    """gunicorn's logger with no query strings, no tracking tokens and JSON error lines."""

    def atoms(self, resp, req, environ, request_time):
        """The atoms the access-log format names, made safe to keep (paths, referrers, headers)."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["q"] = "-"
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        for key in ("f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = atoms[key].split("?", 1)[0]
        # Only what the line shows is redacted (and kept): a missing atom prints as "-".
        shown = {key: atoms[key] for key in format_keys(self.cfg.access_log_format) if key in atoms}
        return {key: redact(value) if isinstance(value, str) else value for key, value in shown.items()}

    def access(self, resp, req, environ, request_time):
        """Each request's JSON line: the access line above as its message, and the fields the
        app's own request line has (request_id, method, path, status, duration_ms, user_id)."""
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = str(resp.status).split(None, 1)[0]
        fields = {"request_id": atoms.get("{x-request-id}o") or None,
                  "method": environ.get("REQUEST_METHOD"), "path": redact(environ.get("PATH_INFO", "")),
                  "status": int(status) if status.isdigit() else status,
                  "duration_ms": round(request_time.total_seconds() * 1000, 1),
                  "user_id": environ.get(USER_ENVIRON)}
        try:
            self.access_log.info(self.cfg.access_log_format, self.atoms_wrapper_class(atoms), extra=fields)
        except Exception:  # noqa: BLE001 - as gunicorn's own access(): a log line never fails a request
            self.error(traceback.format_exc())

    def setup(self, cfg):
        """Write gunicorn's own messages and its access lines as redacted JSON lines, like the app's."""
        super().setup(cfg)
        for handler in self.error_log.handlers + self.access_log.handlers:
            handler.setFormatter(JsonFormatter())
            handler.addFilter(RedactFilter())


logger_class = RedactingLogger


def worker_exit(server, worker):
    """A worker on its way out (restart, max_requests, shutdown) writes the poster scans it holds.

    Only where the app is loaded: importing it here, into another app's worker (bench/hello.py),
    would cost a third of a second of CPU on every restart for nothing to write.
    """
    scans = sys.modules.get("app.citizen.scans")
    if scans is not None:
        scans.flush_all()


def on_starting(server):
    """In production, refuse to serve without a named proxy in front (app/core/serving.py)."""
    from app.core.serving import unguarded_server

    refusal = unguarded_server(os.environ)
    if refusal:
        server.log.error(refusal)
        sys.exit(1)
    if os.environ.get("YIMA_FRONT"):
        server.log.info("behind %s (YIMA_FRONT)", os.environ["YIMA_FRONT"])


def listens_everywhere(binds) -> bool:
    """Whether gunicorn accepts connections on every address (0.0.0.0, ::, or a bare port)."""
    return any(address.rsplit(":", 1)[0].strip("[]") in ("0.0.0.0", "::", "")
               for address in binds if not address.startswith("unix:"))


def when_ready(server):
    """Before the first fork: warn of a proxy setting any client could spoof; the preloaded
    app compiles its templates and reads its catalogs."""
    if int(os.environ.get("YIMA_PROXIES") or 0) and listens_everywhere(server.cfg.bind):
        server.log.warning("YIMA_PROXIES is set but gunicorn listens on every address (%s): a client "
                           "reaching it directly can forge X-Forwarded-For and dodge the rate limits; "
                           "bind it where only the proxy reaches it (HOST=127.0.0.1)", ", ".join(server.cfg.bind))
    if server.cfg.preload_app:
        from app.core.serving import warm

        warm(server.app.wsgi())


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies (Linux)


def post_fork(server, worker):
    """A worker whose master dies (SIGKILL, a crash) finishes the request in hand and takes no
    other: the kernel sends it SIGTERM, gunicorn's graceful exit. Without this an orphaned sync
    worker goes on accepting on the node's socket, and the node cannot be started again on its
    port until every orphan happens to notice (deploy/cluster.py restarts a dead node)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != worker.ppid:  # the master died between the fork and the prctl
            worker.alive = False


def pre_fork(server, worker):
    """Keep the preloaded app out of the garbage collector's sight, so that a worker's
    collections neither walk it nor copy its pages from the master (copy-on-write)."""
    gc.collect()
    gc.freeze()
