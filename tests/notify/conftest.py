"""The loopback servers of tests/notify/servers.py, as fixtures for every test here."""
from tests.notify.servers import dingtalk_robot, mailbox, notify_config, wecom_robot  # noqa: F401
