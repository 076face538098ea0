"""`flask open311 add-key` prints a partner's key once and keeps its hash; `revoke` stops it."""
import sqlalchemy as sa

from app.domain import codes
from app.models import AuditEvent
from app.models_open311 import ApiKey

FILING = {"service_code": "qita", "address_string": "阳明街道", "description": "建议在社区门口增设长椅。"}


def _flask(app, *args):
    return app.test_cli_runner().invoke(args=["open311", *args])


def test_a_key_is_printed_once_stored_as_its_hash_and_works_until_revoked(app, client, session):
    added = _flask(app, "add-key", "--name", "12345 hotline")
    assert added.exit_code == 0, added.output
    key = added.output.strip().splitlines()[-1]
    row = session.scalars(sa.select(ApiKey)).one()
    assert row.key_hash == codes.hash_secret(key) and key not in str(list(session.execute(
        sa.text("SELECT * FROM open311_keys"))))
    session.commit()  # no read snapshot held while the app writes
    assert key not in _flask(app, "list").output and "12345 hotline" in _flask(app, "list").output
    assert client.post("/open311/v2/requests.json", data={**FILING, "api_key": key}).status_code == 201
    assert _flask(app, "revoke", "--name", "12345 hotline").exit_code == 0
    refused = client.post("/open311/v2/requests.json", data={**FILING, "api_key": key})
    assert refused.status_code == 403 and refused.json[0]["code"] == 403
    assert "revoked" in _flask(app, "list").output
    actions = session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("open311%"))).all()
    assert sorted(actions) == ["open311_key_added", "open311_key_revoked", "open311_refused", "open311_request"]


def test_the_command_says_what_is_wrong(app):
    assert _flask(app, "add-key", "--name", "x").exit_code == 0
    twice = _flask(app, "add-key", "--name", "x")
    assert twice.exit_code != 0 and "exists already" in twice.output
    unknown = _flask(app, "revoke", "--name", "nobody")
    assert unknown.exit_code != 0 and "no live key" in unknown.output
    assert _flask(app, "add-key", "--name", "n" * 101).exit_code != 0
