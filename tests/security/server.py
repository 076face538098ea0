"""Real gunicorn servers and a raw HTTP client for the attacks that need processes."""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
HIDDEN = re.compile(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]*)"')


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn wsgi:app` with the repo's config file, on its own port, logging to a file."""

    def __init__(self, env: dict, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="yima-gunicorn-", suffix=".log")[1])
        merged = {**os.environ, "PUBLIC_BASE_URL": self.base, "YIMA_ACCESS_LOG": "",
                  "YIMA_WORKERS": str(workers), **env}
        self.env = {k: v for k, v in merged.items() if v is not None}  # None unsets a variable
        self.workers = workers
        self.proc = None

    def start(self) -> "Gunicorn":
        """Start and wait until /healthz answers (even with a 503)."""
        args = [GUNICORN, "wsgi:app", "-c", str(ROOT / "gunicorn.conf.py"), "-b", f"127.0.0.1:{self.port}",
                "-w", str(self.workers)]
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()[-3000:]}")
            try:
                request(self, "GET", "/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start:\n{self.log()[-3000:]}")

    def worker_pids(self) -> list[int]:
        """The pids of the master's worker processes."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        """Stop the master (and its workers) and wait."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self) -> str:
        """Everything the server wrote."""
        return self.log_path.read_text(errors="replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Response:
    """Status, headers and text of one raw HTTP answer."""

    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")


def request(server, method: str, path: str, *, cookies: dict | None = None, form: dict | None = None,
            headers: dict | None = None, timeout: float = 15) -> Response:
    """One request on a fresh connection; Set-Cookie values go into `cookies`."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=sent)
        answer = conn.getresponse()
        data = answer.read()
        got = {k.lower(): v for k, v in answer.getheaders()}
        if cookies is not None:
            for value in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return Response(answer.status, got, data)
    finally:
        conn.close()


def open_form(server, path: str, cookies: dict) -> dict:
    """GET a form page and return its hidden fields (the session cookie lands in `cookies`)."""
    page = request(server, "GET", path, cookies=cookies)
    assert page.status == 200, (page.status, page.text[:300])
    return dict(HIDDEN.findall(page.text))


def at_once(calls) -> list:
    """Run the callables in threads released together; return their results in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class TcpProxy:
    """A TCP relay to a real server that a test can cut: the database 'stops' and comes back.

    `cut_on` makes it drop the connection when the client sends those bytes (e.g. b"COMMIT"),
    before they reach the server: the database side never commits.
    """

    def __init__(self, target_port: int):
        self.target_port, self.port = target_port, free_port()
        self.up, self.cut_on, self.cuts = True, None, 0
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, src, dst, from_client):
        try:
            while data := src.recv(65536):
                if from_client and self.cut_on and self.cut_on in data:
                    self.cuts += 1
                    self.down()
                    return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def down(self):
        """Refuse new connections and cut every open one."""
        self.up = False
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def back(self):
        """Accept connections again."""
        self.cut_on = None
        self.up = True

    def close(self):
        """Stop listening for good."""
        self.down()
        self._listener.close()
