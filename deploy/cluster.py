"""The production stack on one machine: nginx (deploy/nginx.conf) in front of N gunicorn nodes.

    make cluster                 # DATABASE_URL (PostgreSQL) and REDIS_URL must be set
    PORT=8080 YIMA_NODES=2 .venv/bin/python deploy/cluster.py

Runs `flask db upgrade` once, starts YIMA_NODES gunicorn nodes (gunicorn.conf.py) on free
loopback ports, each with YIMA_PROXIES=1 and the same SECRET_KEY, DATABASE_URL and
REDIS_URL, then nginx on HOST:PORT in the foreground, and waits for /healthz through nginx.
Ctrl-C or SIGTERM stops all of it, and nothing else does: a node or nginx that dies is started
again (after a wait that doubles while it keeps dying), and nginx sends a dead node's requests to
the others meanwhile. Installs nothing: without nginx it says what to install.
bench/cluster.py starts the same stack through these functions.
"""
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")  # Debian's package installs it outside a user's PATH
FIELD = re.compile(r"@([A-Z]+)@")  # a field of the template
# The flood guard per client address (deploy/nginx.conf explains why these are generous).
FLOOD_GUARD = {"rate": "50r/s", "burst": 200, "conns": 100}


class Refused(SystemExit):
    """The stack cannot start: the message says what to do."""


def find_nginx() -> str:
    """nginx's path, or a refusal naming the package to install."""
    for name in NGINX_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise Refused("nginx is not installed: install Debian's package (sudo apt-get install nginx), "
                  "then run `make cluster` again")


def check_settings(env: dict) -> None:
    """The cluster needs the shared services every node must agree on."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        raise Refused("DATABASE_URL must name a PostgreSQL database (postgresql://user@host/db): "
                      "the cluster is the production layout, every node on one PostgreSQL")
    if not env.get("REDIS_URL", "").startswith(("redis://", "rediss://", "unix://")):
        raise Refused("REDIS_URL must name a Redis (redis://host:6379/0): the rate limits are one counter "
                      "for every node only there")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(host: str, port: int) -> None:
    """Refuse a port something already listens on: its answers would pass for this stack's."""
    with socket.socket() as s:
        # As nginx binds: a port whose last connections linger in TIME_WAIT after a stop is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as error:
            raise Refused(f"{host}:{port} is taken ({error.strerror}): stop what listens there, or set PORT") from None


def render(listen: str, node_ports: list[int], run_dir: Path, guard: dict | None = None) -> str:
    """deploy/nginx.conf with its fields filled."""
    guard = {**FLOOD_GUARD, **(guard or {})}
    nodes = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in node_ports)
    fields = {"LISTEN": listen, "NODES": nodes, "STATIC": str(ROOT / "app" / "static"), "RUN": str(run_dir),
              "ERRORS": str(ROOT / "deploy" / "errors"),
              "RATE": guard["rate"], "BURST": str(guard["burst"]), "CONNS": str(guard["conns"])}
    lines = []
    for line in TEMPLATE.read_text().splitlines():
        if not line.lstrip().startswith("#"):  # the comments name the fields: left as written
            line = FIELD.sub(lambda m: fields[m.group(1)] if m.group(1) in fields else m.group(0), line)
            if FIELD.search(line):
                raise Refused(f"deploy/nginx.conf has a field the launcher does not fill: {line.strip()}")
        lines.append(line)
    text = "\n".join(lines) + "\n"
    return text


def upgrade(env: dict) -> None:
    """`flask db upgrade` on the given database, once, before any node starts."""
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env=env, cwd=ROOT,
                          check=False, capture_output=True, text=True)
    if done.returncode:
        raise Refused(f"flask db upgrade failed:\n{done.stderr[-3000:]}")


def wait_for(url: str, proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    """Until `url` answers 200, or the process dies, or time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Refused(f"{what} exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise Refused(f"{what} did not answer {url} within {seconds:g} s")


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still there."""
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def stop_group(proc: subprocess.Popen, grace: float = 35) -> None:
    """SIGTERM the process's whole group (a gunicorn master and its workers, nginx and its
    workers), wait `grace` seconds (gunicorn lets requests in flight finish), then SIGKILL it."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group, workers included
    except ProcessLookupError:
        pass
    proc.wait()


@dataclass
class Node:
    """One gunicorn node: its port and its master (the leader of its own process group)."""

    port: int
    proc: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: a machine that lost power."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        while group_alive(self.proc.pid):  # the workers die a moment after their master
            time.sleep(0.01)


def _log(log_dir: Path | None, name: str):
    """Where a process writes: the launcher's own stdout and stderr, or a file in `log_dir`."""
    return open(log_dir / name, "ab") if log_dir else None


def start_node(env: dict, port: int | None = None, log_dir: Path | None = None) -> Node:
    """A gunicorn node on a loopback port, in a process group of its own (Ctrl-C on the terminal
    reaches the launcher alone, which then stops every group in order). Its output goes to
    log_dir/node-<port>.log when a folder is given."""
    port = port or free_port()
    node_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    log = _log(log_dir, f"node-{port}.log")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], env=node_env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT if log else None, start_new_session=True)
    if log:
        log.close()  # the child holds its own copy
    node = Node(port, proc)
    try:
        wait_for(node.base + "/healthz", proc, f"the gunicorn node on port {port}")
    except BaseException:  # Ctrl-C while it starts, or it never answered: no orphan left
        stop_group(proc)
        raise
    return node


# A process of the stack that dies is started again after a wait that doubles while it keeps
# dying (a node that cannot start must not spin), from RESTART_FIRST up to RESTART_MOST seconds;
# one that ran STEADY seconds before it died starts again from the first wait.
RESTART_FIRST, RESTART_MOST, STEADY = 1.0, 60.0, 60.0


@dataclass
class Revival:
    """When to start a dead process of the stack again."""

    wait: float = RESTART_FIRST
    started_at: float = field(default_factory=time.monotonic)

    def next_wait(self) -> float:
        """The wait before the next start, doubling from the last unless it ran long enough."""
        if time.monotonic() - self.started_at >= STEADY:
            self.wait = RESTART_FIRST
        wait, self.wait = self.wait, min(RESTART_MOST, self.wait * 2)
        return wait

    def started(self) -> None:
        self.started_at = time.monotonic()


def say(line: str) -> None:
    """One line of the launcher's own, on its standard output."""
    print(f"Yima: {line}", flush=True)


def reap(proc: subprocess.Popen, grace: float) -> None:
    """After a gunicorn master died: its workers finish the request in hand and leave
    (gunicorn.conf.py post_fork); wait up to `grace` seconds for them, then SIGKILL the rest."""
    proc.wait()
    deadline = time.monotonic() + grace
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while group_alive(proc.pid):
        time.sleep(0.01)


@dataclass
class Cluster:
    """nginx on `listen` in front of `nodes`; stop() ends every process it started."""

    listen: str
    nodes: list[Node]
    run_dir: Path
    nginx: subprocess.Popen | None = None
    stopped: bool = field(default=False)
    env: dict = field(default_factory=dict)
    log_dir: Path | None = None
    revivals: dict = field(default_factory=dict)  # by node port, and "nginx"

    def start_nginx(self, nginx: str) -> None:
        """nginx in the foreground with run_dir's configuration, until /healthz answers through it."""
        conf = self.run_dir / "nginx.conf"
        args = [nginx, "-p", str(self.run_dir), "-c", str(conf), "-e", str(self.run_dir / "error.log")]
        checked = subprocess.run(args + ["-t", "-q"], check=False, capture_output=True, text=True)
        if checked.returncode:
            raise Refused(f"nginx refused the configuration:\n{checked.stderr[-2000:]}")
        log = _log(self.log_dir, "nginx.log")
        self.nginx = subprocess.Popen(args + ["-g", "daemon off;"], stdout=log,
                                      stderr=subprocess.STDOUT if log else None, start_new_session=True)
        if log:
            log.close()
        wait_for(self.base + "/healthz", self.nginx, f"nginx on {self.listen}")
        time.sleep(0.3)
        if self.nginx.poll() is not None:  # whatever answered, it was not this nginx
            raise Refused(f"nginx exited with status {self.nginx.returncode}: see {self.run_dir}/error.log")

    def watch(self, nginx: str) -> None:
        """Start again whatever process of the stack died, each after its wait; nginx sends a dead
        node's share to the others meanwhile (deploy/nginx.conf: max_fails, proxy_next_upstream)."""
        for i, node in enumerate(self.nodes):
            if node.proc.poll() is None:
                continue
            revival = self.revivals.setdefault(node.port, Revival())
            wait = revival.next_wait()
            say(f"the node on port {node.port} (pid {node.proc.pid}) exited with status {node.proc.returncode}; "
                f"its workers finish the requests they hold, nginx sends the rest to the other nodes; "
                f"starting it again in {wait:g} s")
            reap(node.proc, grace=float(self.env.get("YIMA_GRACEFUL_TIMEOUT") or 30) + 5)
            time.sleep(wait)
            try:
                self.nodes[i] = start_node(node_env(self.env), port=node.port, log_dir=self.log_dir)
            except Refused as refused:
                say(f"the node on port {node.port} did not start again ({refused}); trying again")
                continue
            revival.started()
            say(f"the node on port {node.port} is back (pid {self.nodes[i].proc.pid})")
        if self.nginx is not None and self.nginx.poll() is not None:
            revival = self.revivals.setdefault("nginx", Revival())
            wait = revival.next_wait()
            say(f"nginx (pid {self.nginx.pid}) exited with status {self.nginx.returncode}; "
                f"starting it again in {wait:g} s")
            stop_group(self.nginx, grace=1)
            time.sleep(wait)
            try:
                self.start_nginx(nginx)
            except Refused as refused:
                say(f"nginx did not start again ({refused}); trying again")
                return
            revival.started()
            say(f"nginx is back (pid {self.nginx.pid})")

    @property
    def base(self) -> str:
        return f"http://{self.listen}"

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.nginx is not None:
            stop_group(self.nginx, grace=10)
        for node in self.nodes:
            stop_group(node.proc)  # a master that died may have left workers behind: its group goes too

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def node_env(env: dict) -> dict:
    """What every node shares: one proxy in front (nginx), the same secret and services."""
    return {**env, "YIMA_PROXIES": "1", "YIMA_FRONT": "nginx (make cluster)"}


def start_cluster(env: dict, nodes: int = 2, host: str = "127.0.0.1", port: int = 8080,
                  log_dir: Path | None = None, guard: dict | None = None) -> Cluster:
    """Start `nodes` gunicorn nodes, then nginx in front of them; wait for /healthz through nginx.
    `env` must already hold SECRET_KEY, DATABASE_URL and REDIS_URL (check_settings)."""
    nginx = find_nginx()
    port_free(host, port)
    run_dir = Path(tempfile.mkdtemp(prefix="yima-cluster-"))
    # Started as root, nginx's workers drop to an unprivileged user; they keep request bodies
    # over client_body_buffer_size in run_dir/body (nginx makes it theirs), so they must be able
    # to pass through run_dir: mkdtemp's 0700 gave every photo nginx's own 500 and lost the text.
    run_dir.chmod(0o711)
    cluster = Cluster(f"{host}:{port}", [], run_dir, env=env, log_dir=log_dir)
    try:
        for _ in range(nodes):
            cluster.nodes.append(start_node(node_env(env), log_dir=log_dir))
        conf = run_dir / "nginx.conf"
        conf.write_text(render(cluster.listen, [n.port for n in cluster.nodes], run_dir, guard))
        cluster.start_nginx(nginx)
        return cluster
    except BaseException:
        cluster.stop()
        raise


def settings_from(environ: dict) -> tuple[dict, int, str, int]:
    """The environment every node gets, the node count, and where nginx listens."""
    env = dict(environ)
    check_settings(env)
    if not env.get("SECRET_KEY"):
        # One key for every node of this run (sessions and CSRF tokens from one node are valid
        # on the other); set SECRET_KEY to keep sessions across restarts.
        env["SECRET_KEY"] = secrets.token_urlsafe(48)
        print("SECRET_KEY is not set: this run uses a key of its own, the same on every node", flush=True)
    try:
        nodes, port = int(env.get("YIMA_NODES") or 2), int(env.get("PORT") or 8080)
    except ValueError:
        raise Refused("YIMA_NODES and PORT are whole numbers") from None
    if nodes < 1:
        raise Refused("YIMA_NODES must be at least 1")
    return env, nodes, env.get("HOST") or "127.0.0.1", port


def main() -> int:
    stopping = []

    def stop(signum, _frame):
        if not stopping:  # the first signal stops the stack; later ones must not cut that short
            stopping.append(signum)
            raise KeyboardInterrupt

    # First of all, so that a Ctrl-C at any moment (even during the migration) stops cleanly.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    cluster = None
    try:
        find_nginx()  # before anything else: say what to install, and change nothing
        env, nodes, host, port = settings_from(os.environ)
        env.setdefault("PUBLIC_BASE_URL", f"http://{host}:{port}")
        upgrade(env)
        cluster = start_cluster(env, nodes, host, port)
        say(f"nginx on http://{cluster.listen} (pid {cluster.nginx.pid}) in front of {nodes} node(s): "
            f"{', '.join(f'port {n.port} (pid {n.proc.pid})' for n in cluster.nodes)}; "
            f"nginx's logs in {cluster.run_dir}. Ctrl-C stops it all.")
        nginx = find_nginx()
        while True:  # the stack stops only when told to: a process that dies is started again
            cluster.watch(nginx)
            time.sleep(0.2)
    except KeyboardInterrupt:
        return 0
    finally:
        if cluster is not None:
            cluster.stop()
            say("stopped")


if __name__ == "__main__":
    sys.exit(main())
