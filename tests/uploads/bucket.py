"""A local S3-compatible server for the tests: moto's server mode in its own process on
loopback, so the bucket store talks real HTTP (signatures, bodies, listings) to it."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

KEY_ID, SECRET = "yima-test-key", "yima-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_url():
    """The URL of a moto S3 server started for this test run, stopped after it."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET})
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("moto's server did not start") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("moto's server did not answer")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket_store(app, s3_url):
    """The app's files in a fresh bucket of the local S3 server for one test, then the folder again."""
    from app.storage import BucketStore

    name = f"yima-{time.time_ns()}"
    store = BucketStore(s3_url, name, KEY_ID, SECRET)
    store.client.create_bucket(Bucket=name)
    kept = app.extensions["yima_store"]
    app.extensions["yima_store"] = store
    yield store
    app.extensions["yima_store"] = kept
