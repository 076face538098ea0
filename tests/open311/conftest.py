"""A real server on loopback for Open311 clients, and a partner's API key."""
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.services import open311 as partners
from tests.conftest import NOW


@pytest.fixture
def server(app):
    """Serve the app over real HTTP (werkzeug, threaded); its Open311 root URL."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    holder["app"] = create_app({
        **{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
        "PUBLIC_BASE_URL": base, "RATELIMIT_STORAGE_URI": app.config["RATELIMIT_STORAGE_URI"],
    })
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/open311/v2"
    server.shutdown()
    thread.join()
    with holder["app"].app_context():
        from app.core.extensions import db

        db.engine.dispose()


@pytest.fixture
def api_key(session):
    """A live partner key, as `flask open311 add-key` makes it."""
    _row, key = partners.new_api_key(session, "12345 hotline", NOW)
    session.commit()
    return key


@pytest.fixture
def post_request(server, api_key):
    """POST requests.<fmt> with the key and these fields; the response."""
    import requests

    def post(fmt: str = "json", key: str | None = api_key, **fields):
        data = {"service_code": "daolu", "lat": "30.0451", "long": "121.1547",
                "description": "新建路3号门口的路面塌陷，有积水。", **fields}
        if key is not None:
            data["api_key"] = key
        return requests.post(f"{server}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None},
                             timeout=10)

    return post
