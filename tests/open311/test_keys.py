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


def test_partner_cases_count_under_their_own_channel_in_the_figures(app, client, make_case, session):
    from datetime import timedelta

    from flask_babel import force_locale

    from app.core.db import utcnow
    from app.core.extensions import db
    from app.core.labels import CHANNEL
    from app.domain.deadlines import DEFAULT_ZONE
    from app.domain.workflow import Channel
    from app.stats.figures import figure_cube, rollup
    from app.stats.periods import local_period

    make_case()  # a poster's case beside it
    key = _flask(app, "add-key", "--name", "district app").output.strip().splitlines()[-1]
    assert client.post("/open311/v2/requests.json", data={**FILING, "api_key": key}).status_code == 201
    today = utcnow().astimezone(DEFAULT_ZONE).date()
    with app.app_context():
        cube = figure_cube(db.session, None, local_period(today, today + timedelta(days=1), DEFAULT_ZONE), utcnow())
        by_channel = {str(getattr(k, "value", k)): v.volume for k, v in rollup(cube, "channel").items()}
    assert by_channel == {"open311": 1, "poster": 1}
    with app.test_request_context("/"), force_locale("en"):
        assert str(CHANNEL[Channel.OPEN311]) == "Partner system (Open311)"
