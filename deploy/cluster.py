"""The production stack on one machine: nginx (deploy/nginx.conf) in front of N gunicorn nodes.

    make cluster                 # DATABASE_URL (PostgreSQL) and REDIS_URL must be set
    PORT=8080 YIMA_NODES=2 .venv/bin/python deploy/cluster.py

Runs `flask db upgrade` once, starts YIMA_NODES gunicorn nodes (gunicorn.conf.py) on free
loopback ports, each with YIMA_PROXIES=1 and the same SECRET_KEY, DATABASE_URL and
REDIS_URL, then nginx on HOST:PORT in the foreground, and waits for /healthz through nginx.
Ctrl-C or SIGTERM stops all of it. Installs nothing: without nginx it says what to install.
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
        try:
            s.bind((host, port))
        except OSError as error:
            raise Refused(f"{host}:{port} is taken ({error.strerror}): stop what listens there, or set PORT") from None


def render(listen: str, node_ports: list[int], run_dir: Path, guard: dict | None = None) -> str:
    """deploy/nginx.conf with its fields filled."""
    guard = {**FLOOD_GUARD, **(guard or {})}
    nodes = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in node_ports)
    fields = {"LISTEN": listen, "NODES": nodes, "STATIC": str(ROOT / "app" / "static"), "RUN": str(run_dir),
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


@dataclass
class Cluster:
    """nginx on `listen` in front of `nodes`; stop() ends every process it started."""

    listen: str
    nodes: list[Node]
    run_dir: Path
    nginx: subprocess.Popen | None = None
    stopped: bool = field(default=False)

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
            if node.proc.poll() is None:
                stop_group(node.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def node_env(env: dict) -> dict:
    """What every node shares: one proxy in front (nginx), the same secret and services."""
    return {**env, "YIMA_PROXIES": "1"}


def start_cluster(env: dict, nodes: int = 2, host: str = "127.0.0.1", port: int = 8080,
                  log_dir: Path | None = None, guard: dict | None = None) -> Cluster:
    """Start `nodes` gunicorn nodes, then nginx in front of them; wait for /healthz through nginx.
    `env` must already hold SECRET_KEY, DATABASE_URL and REDIS_URL (check_settings)."""
    nginx = find_nginx()
    port_free(host, port)
    run_dir = Path(tempfile.mkdtemp(prefix="yima-cluster-"))
    cluster = Cluster(f"{host}:{port}", [], run_dir)
    try:
        for _ in range(nodes):
            cluster.nodes.append(start_node(node_env(env), log_dir=log_dir))
        conf = run_dir / "nginx.conf"
        conf.write_text(render(cluster.listen, [n.port for n in cluster.nodes], run_dir, guard))
        args = [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log")]
        checked = subprocess.run(args + ["-t", "-q"], check=False, capture_output=True, text=True)
        if checked.returncode:
            raise Refused(f"nginx refused the configuration:\n{checked.stderr[-2000:]}")
        log = _log(log_dir, "nginx.log")
        cluster.nginx = subprocess.Popen(args + ["-g", "daemon off;"], stdout=log,
                                         stderr=subprocess.STDOUT if log else None, start_new_session=True)
        if log:
            log.close()
        wait_for(cluster.base + "/healthz", cluster.nginx, f"nginx on {cluster.listen}")
        time.sleep(0.3)
        if cluster.nginx.poll() is not None:  # whatever answered, it was not this nginx
            raise Refused(f"nginx exited with status {cluster.nginx.returncode}: see {run_dir}/error.log")
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
        print(f"Yima: nginx on http://{cluster.listen} in front of {nodes} node(s) on ports "
              f"{', '.join(str(n.port) for n in cluster.nodes)}; nginx's logs in {cluster.run_dir}. "
              f"Ctrl-C stops it all.", flush=True)
        while True:  # the stack stops when any of its processes stops
            for proc in [cluster.nginx] + [n.proc for n in cluster.nodes]:
                if proc.poll() is not None:
                    print(f"process {proc.pid} exited ({proc.returncode}): stopping the stack", flush=True)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        if cluster is not None:
            cluster.stop()
            print("Yima: stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
