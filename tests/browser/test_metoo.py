"""Me too (附议) on a phone: a second citizen typing the same matter at the same poster is offered
the open case, joins it, and reads the unit's answer to it on their own tracking page."""
import os
from pathlib import Path

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.domain.workflow import Action
from tests.browser.conftest import sign_in
from tests.conftest import _actor

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))
LIGHT = "阳明街道便民服务中心门口的路灯坏了一个星期，晚上很黑，老人出门不安全。"
LIGHT_AGAIN = "便民服务中心大门外那几盏路灯好多天不亮了，天一黑看不清路，请修一下。"
ANSWER = "路灯线路已于今日更换，恢复照明。感谢您的反映。"


def _fill(phone, base: str) -> None:
    phone.goto(f"{base}/p/YMQ2K8")
    phone.fill("textarea[name=text]", LIGHT_AGAIN)
    phone.fill("input[name=name]", "王五")
    phone.click("form button[type=submit]:not([name])")


def test_a_second_citizen_joins_and_receives_the_reply(app, make_receipt, session, live_server, phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    master = make_receipt("accepted", kind="suggestion", poster="YMQ2K8", text=LIGHT, location="",
                          citizen_name="李秀英", citizen_phone="13900001111").suggestion
    phone.goto(f"{live_server}/?lang=en")  # the panel in English first, for a look
    _fill(phone, live_server)
    assert "Join this case (me too)" in phone.inner_text("section.metoo")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("section.metoo").screenshot(path=str(SHOTS / "metoo-offer-en.png"))
    phone.goto(f"{live_server}/?lang=zh_Hans_CN")
    _fill(phone, live_server)
    panel = phone.inner_text("section.metoo")
    assert "加入此件（附议）" in panel and "仍然单独提交" in panel and "办理中" in panel
    assert LIGHT not in panel and "李秀英" not in panel and "1111" not in panel
    assert phone.input_value("textarea[name=text]") == LIGHT_AGAIN  # their text, as typed
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "metoo-offer-zh.png"), full_page=True)
    phone.locator("section.metoo").screenshot(path=str(SHOTS / "metoo-panel-zh.png"))
    phone.click("section.metoo button[name=metoo]:not([value=file])")
    phone.wait_for_url(f"{live_server}/t/*")
    assert "受理码" in phone.inner_text("main") and "办理中" in phone.inner_text(".status")

    now, cl = utcnow(), clocks(app.config)
    session.refresh(master)
    services.reply_to_case(session, master, _actor(session, master, Action.REPLY, now, cl), now, cl,
                           services.ReplyText(body=ANSWER))
    session.commit()
    phone.reload()
    assert ANSWER in phone.inner_text("main") and "已答复" in phone.inner_text(".status")
    assert "李秀英" not in phone.inner_text("main")
    phone.screenshot(path=str(SHOTS / "metoo-answered.png"), full_page=True)


def test_a_supervisor_sees_the_cluster_grow_on_a_phone(app, staff, make_receipt, live_server, phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    master = make_receipt("accepted", kind="suggestion", poster="YMQ2K8", text=LIGHT, location="").suggestion
    code = master.receipt_code
    _fill(phone, live_server)
    phone.click("section.metoo button[name=metoo]:not([value=file])")
    phone.wait_for_url(f"{live_server}/t/*")
    sign_in(phone, live_server, "yuyao-supervisor")
    phone.goto(f"{live_server}/staff/supervision")
    growing = phone.locator("section.growing")
    assert "+1 人附议" in growing.inner_text() and f"{code[:3]}-{code[3:6]}-{code[6:]}" in growing.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    growing.screenshot(path=str(SHOTS / "metoo-growing.png"))
