"""`make cluster` under its own faults, run as CI runs it (as root): a phone photo through nginx
reaches the app, a node killed with SIGKILL mid-burst costs no filing and is started again,
nginx's own pages answer what no node can, and a stopped stack's port is free at once."""
import http.client
import io
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import Suggestion
from deploy import cluster
from tests.security.server import HIDDEN
from tests.web.helpers import VALID

NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
ROOT = cluster.ROOT
STARTED = re.compile(r"nginx on http://(\S+) \(pid (\d+)\) in front of \d+ node\(s\): (.*?); nginx's logs in (\S+)\.")
NODE = re.compile(r"port (\d+) \(pid (\d+)\)")


def photo(seed: int) -> bytes:
    """A phone photo's worth of JPEG (noise compresses badly: ~400 KB, over nginx's 256 KB buffer)."""
    noise = Image.frombytes("RGB", (640, 640), random.Random(seed).randbytes(640 * 640 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_a_port_whose_last_connections_linger_is_free_for_the_next_start():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the server side closes first: its end waits in TIME_WAIT
        client.close()
    cluster.port_free("127.0.0.1", port)  # refused for a minute without SO_REUSEADDR


class Stack:
    """`make cluster` in a process group of its own, its output read line by line."""

    def __init__(self, env: dict):
        self.proc = subprocess.Popen(["make", "--no-print-directory", "cluster"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        found = self.wait_for(STARTED, 120)
        self.listen, self.nginx_pid, self.run_dir = found.group(1), int(found.group(2)), found.group(4)
        self.nodes = {int(port): int(pid) for port, pid in NODE.findall(found.group(3))}

    def _read(self):
        with self.proc.stdout:
            for line in self.proc.stdout:
                self.lines.append(line)

    def wait_for(self, pattern: re.Pattern, seconds: float, after_make: bool = False, since: int = 0) -> re.Match:
        """The first line like `pattern`; make exiting first fails at once, unless the launcher
        may still write after it (`after_make`: it stops the stack once make is gone)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.lines[since:]:
                if (found := pattern.search(line)) is not None:
                    return found
            if not after_make and self.proc.poll() is not None and not any(map(pattern.search, self.lines)):
                raise AssertionError("make cluster exited:\n" + "".join(self.lines[-40:]))
            time.sleep(0.05)
        raise AssertionError(f"no line like {pattern.pattern!r}:\n" + "".join(self.lines[-40:]))

    def stop(self) -> None:
        """What Ctrl-C on make's terminal does: a signal to make and the launcher; the launcher
        stops every process it started and says so."""
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(90)
        self.wait_for(re.compile(r"^Yima: stopped$"), 90, after_make=True)
        self.reader.join(10)
        for pid in [self.nginx_pid, *self.nodes.values()]:
            deadline = time.monotonic() + 10
            while cluster.group_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)


@pytest.fixture(scope="module")
def stack(app):
    """One stack for the tests below, in order: the last one kills both nodes and stops it."""
    url, redis_url = app.config["SQLALCHEMY_DATABASE_URI"], os.environ.get("REDIS_URL")
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx; CI installs it)")
    if not url.startswith("postgresql") or not redis_url:
        pytest.skip("the cluster runs on PostgreSQL and Redis (CI runs this on its PostgreSQL pass)")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": app.config["SECRET_KEY"],
           "PORT": str(cluster.free_port()), "YIMA_NODES": "2", "YIMA_WORKERS": "2", "YIMA_LOG_LEVEL": "WARNING",
           "YIMA_ACCESS_LOG": "", "YIMA_SUBMIT_RATE_LIMIT": "100000 per hour",
           "YIMA_SUBMIT_FORM_RATE_LIMIT": "100000 per hour", "YIMA_GRACEFUL_TIMEOUT": "10"}
    env.pop("PUBLIC_BASE_URL", None)
    started = Stack(env)
    yield started
    if started.proc.poll() is None:
        started.stop()


def request(listen: str, method: str, path: str, cookies: dict, body: bytes = b"", content_type: str = "",
            timeout: float = 30) -> tuple[int, dict, str]:
    host, port = listen.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    if content_type:
        headers["Content-Type"] = content_type
    try:
        conn.request(method, path, body=body or None, headers=headers)
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        for value in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, text
    finally:
        conn.close()


def citizen_form(listen: str, text: str, **fields) -> tuple[dict, dict]:
    cookies: dict = {}
    status, _, page = request(listen, "GET", "/p/YMQ2K8", cookies)
    assert status == 200
    return cookies, {**dict(HIDDEN.findall(page)), **VALID, "text": text, "metoo": "file", **fields}


def send(listen: str, cookies: dict, fields: dict, picture: bytes) -> tuple[int, dict, str]:
    boundary, body = encode_multipart({**fields, "photos": FileStorage(io.BytesIO(picture), "photo.jpg",
                                                                       content_type="image/jpeg")})
    assert len(body) > len(picture)
    return request(listen, "POST", "/p/YMQ2K8", dict(cookies), body, f"multipart/form-data; boundary={boundary}")


def test_a_photo_over_nginxs_memory_buffer_reaches_the_app_whoever_starts_the_stack(stack, session):
    picture = photo(1)
    assert len(picture) > 256 * 1024
    cookies, fields = citizen_form(stack.listen, "公交站顶棚漏雨，请尽快修理。", phone="12345")
    status, _, page = send(stack.listen, cookies, fields, picture)
    assert status == 200, page[:500]  # the app's own form, its error beside the phone field
    assert "公交站顶棚漏雨，请尽快修理。" in page


def test_a_node_killed_mid_burst_loses_no_filing_and_is_started_again(stack, session):
    """kill -9 of one node's master during 100 photo filings from 8 clients that resend the same
    form on an error: 100 cases, each once; the other node answers throughout."""
    pictures = [photo(seed) for seed in range(4)]
    texts = [f"第{i}号：路灯不亮，{uuid.uuid4().hex[:8]}" for i in range(100)]
    forms = [citizen_form(stack.listen, text) for text in texts]
    victim_port, victim = sorted(stack.nodes.items())[0]
    answered, retries, killed = [], [0], threading.Event()

    def file(i):
        cookies, fields = forms[i]
        for _attempt in range(20):
            try:
                status, headers, _ = send(stack.listen, cookies, fields, pictures[i % 4])
            except (OSError, http.client.HTTPException):  # refused, reset, or an answer cut by the kill
                status, headers = 0, {}
            if i == 30 and not killed.is_set():
                os.kill(victim, signal.SIGKILL)  # the master alone: its workers hold requests
                killed.set()
            if status == 303:
                answered.append((i, urllib.parse.urlsplit(headers["location"]).path))
                return
            retries[0] += 1
            time.sleep(0.2)
        raise AssertionError(f"filing {i} never went through")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(file, range(100)))
    assert killed.is_set()
    assert len(answered) == 100 and len({path for _, path in answered}) == 100
    session.rollback()
    filed = session.scalars(sa.select(Suggestion.text).where(Suggestion.text.in_(texts))).all()
    assert sorted(filed) == sorted(texts)  # 100 cases, none lost, none twice
    stack.wait_for(re.compile(rf"the node on port {victim_port} \(pid {victim}\) exited"), 10)
    back = stack.wait_for(re.compile(rf"the node on port {victim_port} is back \(pid (\d+)\)"), 90)
    assert int(back.group(1)) != victim and cluster.group_alive(int(back.group(1)))
    assert stack.proc.poll() is None  # the stack did not stop
    cookies, fields = citizen_form(stack.listen, "节点重启后再提交一件。")
    assert send(stack.listen, cookies, fields, pictures[0])[0] == 303
    stack.nodes[victim_port] = int(back.group(1))


def test_nginx_answers_with_its_own_page_when_no_node_can(stack):
    since = len(stack.lines)
    for pid in stack.nodes.values():
        os.killpg(pid, signal.SIGKILL)  # both nodes, workers too
    status, headers, page = request(stack.listen, "GET", "/p/YMQ2K8", {})
    assert status in (502, 504), status
    assert headers["content-type"].startswith("text/html") and "服务暂时不可用" in page and "Service unavailable" in page
    assert "nginx" not in page
    status, headers, page = request(stack.listen, "POST", "/p/YMQ2K8", {}, b"x" * (33 * 1024 * 1024),
                                    "multipart/form-data; boundary=b")  # over the photo forms' 32 MB
    assert status == 413 and "发送的内容太大" in page and "Too large" in page
    for port in stack.nodes:  # both started again, and the stack answers as before
        back = stack.wait_for(re.compile(rf"the node on port {port} is back \(pid (\d+)\)"), 120, since=since)
        stack.nodes[port] = int(back.group(1))
    assert request(stack.listen, "GET", "/p/YMQ2K8", {})[0] == 200
    stack.stop()
    assert not any(cluster.group_alive(pid) for pid in [stack.nginx_pid, *stack.nodes.values()])  # workers too
    assert cluster.port_free("127.0.0.1", int(stack.listen.rsplit(":", 1)[1])) is None  # free at once
