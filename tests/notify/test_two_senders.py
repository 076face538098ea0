"""Two `notify` processes at once, as on two nodes: a slow robot sees each message exactly
once (by its X-Yima-Message-Id) and every message ends `sent`, on SQLite and PostgreSQL."""
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import OrgUnit, OutboxMessage, UnitChannel
from tests.notify.servers import CA_FILE, ROBOT_HOST

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 30


def test_two_notify_processes_send_each_message_once(app, session, wecom_robot):
    wecom_robot.delay = 0.15  # a first batch of 20 takes 3 s: the second process starts well within it
    unit_id = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-YM")).one()
    channel = UnitChannel(unit_id=unit_id, kind="wecom", target=wecom_robot.url, created_at=utcnow())
    session.add(channel)
    session.flush()
    now = utcnow()
    session.add_all([OutboxMessage(key=f"load:{n}:ch{channel.id}", topic="test", transport="wecom",
                                   channel_id=channel.id, subject="测试", body=f"**测试** {n}", params="{}",
                                   created_at=now, not_before=now) for n in range(MESSAGES)])
    session.commit()

    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret-key",
           "PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
           # the loopback robot as an operator's private deployment is reached (tests/notify/servers.py)
           "YIMA_ROBOT_HOSTS": ROBOT_HOST, "YIMA_ROBOT_PRIVATE_OK": "1", "YIMA_ROBOT_CA_FILE": CA_FILE}
    flask = str(Path(sys.executable).parent / "flask")
    senders = [subprocess.Popen([flask, "--app", "wsgi", "notify"], cwd=ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [sender.communicate(timeout=120) for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], [err[-2000:] for _, err in outputs]

    seen = Counter(wecom_robot.keys())
    assert len(seen) == MESSAGES and set(seen.values()) == {1}, seen.most_common(3)
    sent = [int(out.split("sent: ")[1].split(",")[0]) for out, _ in outputs]
    assert sum(sent) == MESSAGES and min(sent) > 0  # both sent: the two runs did overlap
    session.commit()
    statuses = Counter(session.scalars(sa.select(OutboxMessage.status)))
    assert statuses == {"sent": MESSAGES}
