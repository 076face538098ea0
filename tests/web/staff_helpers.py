"""Steps of the staff's day through the test client."""
import re

import sqlalchemy as sa

from app.models import Suggestion
from tests.conftest import hidden_fields, login
from tests.web.helpers import VALID

CSRF_ANY = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def signed_in(app, username):
    """A new client signed in as `username`."""
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def file_case(app, path="/p/YMQ2K8", **values):
    """A citizen files a case; return (token, case id)."""
    citizen = app.test_client()
    data = {**hidden_fields(citizen.get(path).get_data(as_text=True)), **VALID, **values}
    response = citizen.post(path, data=data)
    token = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        from app.core.extensions import db

        case_id = db.session.scalar(sa.select(Suggestion.id).order_by(Suggestion.id.desc()))
    return token, case_id


def act(client, case_id, action, **fields):
    """Post one action from the case page, with the version the page showed."""
    page = client.get(f"/staff/cases/{case_id}")
    html = page.get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html)
    data = {"csrf_token": CSRF_ANY.search(html).group(1), "version": version.group(1) if version else "",
            **fields}
    return client.post(f"/staff/cases/{case_id}/{action}", data=data)


def citizen_post(app, token, step, **fields):
    """The citizen posts a form from their tracking page."""
    citizen = app.test_client()
    html = citizen.get("/track").get_data(as_text=True)  # any form page gives the session's token
    data = {"csrf_token": CSRF_ANY.search(html).group(1), **fields}
    return citizen.post(f"/t/{token}/{step}", data=data)
