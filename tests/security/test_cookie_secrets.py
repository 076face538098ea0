"""The session cookie is signed, not secret: what a shared phone's cookie holds must not read
as a PIN, a receipt code or a tracking token."""
import json

import sqlalchemy as sa

from tests.web.helpers import submit, token_of


def _session_of(app, client) -> str:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    payload = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return json.dumps(payload, ensure_ascii=False)


def test_a_filed_receipts_pin_and_code_are_sealed_in_the_cookie(app, client, fill_form, session):
    from app.models import Suggestion

    token = token_of(submit(client, fill_form))
    page = client.get(f"/t/{token}").get_data(as_text=True)
    session.rollback()
    code = session.scalar(sa.select(Suggestion.receipt_code))
    pin = page.split('<dd class="code">')[2].split("<")[0]  # the receipt's PIN, shown again
    assert len(pin) == 6 and pin.isdigit()
    stored = _session_of(app, client)
    assert pin not in stored and code not in stored and token not in stored
    assert client.get(f"/t/{token}").get_data(as_text=True).count(pin) == 1  # still shown from the seal


def test_a_cookie_sealed_under_another_key_shows_no_pin(app, client, fill_form):
    from app.core.sealed import seal, unseal

    blob = seal({"X": "123456"}, "another secret key")
    assert unseal(blob, app.config["SECRET_KEY"], {}) == {}
    assert unseal(blob[:-2] + "AA", "another secret key", {}) == {}  # tampered
    assert unseal(blob, "another secret key") == {"X": "123456"}
