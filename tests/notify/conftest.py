"""The loopback servers of tests/notify/servers.py, as fixtures for every test here."""
from tests.notify.servers import (dingtalk_robot, mailbox, notify_config, robot_settings,  # noqa: F401
                                  wecom_robot)
