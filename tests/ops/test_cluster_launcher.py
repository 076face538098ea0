"""`make cluster` (deploy/cluster.py): what it refuses, the nginx configuration it writes, and a
stack that starts, serves static files itself and leaves no process behind when stopped."""
import gzip
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from deploy import cluster

NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1/yima"


def _logged_once(log, line, wait=5.0):
    """The access log once it holds `line`: nginx writes a request's line after the answer has left,
    so a client can read its answer before the line is there (seen in CI under load)."""
    deadline = time.monotonic() + wait
    while line not in (logged := log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return logged


def test_without_nginx_it_says_what_to_install_and_starts_nothing(monkeypatch):
    monkeypatch.setattr(cluster, "NGINX_CANDIDATES", ("no-such-nginx",))
    started = []
    monkeypatch.setattr(cluster, "upgrade", started.append)
    with pytest.raises(SystemExit) as refused:
        cluster.main()
    assert "apt-get install nginx" in str(refused.value.code)
    assert started == []  # not even the migration ran


@pytest.mark.parametrize(("env", "named"), [
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "DATABASE_URL"),
    ({"DATABASE_URL": "sqlite:///instance/yima.sqlite3", "REDIS_URL": "redis://127.0.0.1:6379/0"}, "PostgreSQL"),
    ({"DATABASE_URL": POSTGRES}, "REDIS_URL"),
])
def test_it_refuses_a_database_that_is_not_postgresql_or_a_missing_redis(env, named):
    with pytest.raises(cluster.Refused) as refused:
        cluster.settings_from(env)
    assert named in str(refused.value)


def test_every_node_gets_one_secret_and_trusts_one_proxy():
    env, nodes, host, port = cluster.settings_from({"DATABASE_URL": POSTGRES, "REDIS_URL": "redis://r:6379/0"})
    assert (nodes, host, port) == (2, "127.0.0.1", 8080)
    assert len(env["SECRET_KEY"]) >= 32  # made once, handed to every node
    assert cluster.node_env(env)["YIMA_PROXIES"] == "1"


def test_a_taken_port_is_refused_rather_than_answered_by_whatever_holds_it():
    with socket.create_server(("127.0.0.1", 0)) as taken, pytest.raises(cluster.Refused, match="taken"):
        cluster.port_free("127.0.0.1", taken.getsockname()[1])


def test_a_field_the_launcher_does_not_fill_is_refused(tmp_path, monkeypatch):
    template = tmp_path / "nginx.conf"
    template.write_text("# @LISTEN@ in a comment is left alone\nevents {}\nhttp { server { listen @LISTEN@; root @NEW@; } }\n")
    monkeypatch.setattr(cluster, "TEMPLATE", template)
    with pytest.raises(cluster.Refused, match="@NEW@"):
        cluster.render("127.0.0.1:8080", [9001], tmp_path)


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx; CI installs it)")
def test_nginx_accepts_the_configuration_as_filled_in(tmp_path):
    text = cluster.render("127.0.0.1:8080", [9001, 9002], tmp_path)
    assert "server 127.0.0.1:9001 max_fails=1" in text and "server 127.0.0.1:9002 max_fails=1" in text
    assert "#   @NODES@" in text  # the comments still name the fields
    (tmp_path / "nginx.conf").write_text(text)
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "error.log")], check=False, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx; CI installs it)")
def test_the_stack_serves_the_stylesheet_itself_for_a_year_and_stops_without_orphans(app):
    url, redis_url = app.config["SQLALCHEMY_DATABASE_URI"], os.environ.get("REDIS_URL")
    if not url.startswith("postgresql") or not redis_url:
        pytest.skip("the cluster runs on PostgreSQL and Redis (CI runs this on its PostgreSQL pass)")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": app.config["SECRET_KEY"],
           "YIMA_WORKERS": "1", "YIMA_ACCESS_LOG": "", "YIMA_LOG_LEVEL": "WARNING"}
    stack = cluster.start_cluster(env, nodes=2, port=cluster.free_port())
    groups = [stack.nginx.pid] + [node.proc.pid for node in stack.nodes]
    try:
        with urllib.request.urlopen(stack.base + "/p/YMQ2K8") as page:
            href = page.read().decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        request = urllib.request.Request(stack.base + href, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as css:
            assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert css.headers["Content-Encoding"] == "gzip"
            assert css.headers["Server"] == "nginx"  # no version
            assert b"body" in gzip.decompress(css.read())
        token = "A" * 32
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{stack.base}/t/{token}")
        logged = _logged_once(stack.run_dir / "access.log", '"GET /t/..."')
        assert '"GET /t/..."' in logged and token not in logged  # nginx's log keeps tracking tokens out too
        assert "/static/" not in logged  # static files are not logged
    finally:
        stack.stop()
    assert not any(_group_alive(pgid) for pgid in groups)
