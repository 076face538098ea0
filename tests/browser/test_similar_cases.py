"""A dispatcher on a phone sees, on a case's page, the open case it repeats, and follows the link."""
import os
from pathlib import Path

from tests.browser.conftest import sign_in

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))
ROAD = "四明西路公交站前面路面有好几个大坑，电动车骑过去差点摔倒。"
ROAD_AGAIN = "四明西路市政府公交站旁边的路坑坑洼洼，好几个坑，骑车很危险，请修补。"


def test_a_dispatcher_follows_a_similar_case_on_a_phone(staff, make_case, live_server, phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    first = make_case(poster="JT4P9X", category="daolu", text=ROAD, location="")
    second = make_case(poster="YMQ2K8", category="daolu", text=ROAD_AGAIN, location="四明西路")
    sign_in(phone, live_server, "dispatch")
    phone.goto(f"{live_server}/staff/cases/{second.id}")
    similar = phone.locator("section.similar")
    assert "相似的未办结案件" in similar.inner_text() and ROAD[:10] in similar.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    similar.screenshot(path=str(SHOTS / "similar-cases.png"))
    similar.locator(f"a[href='/staff/cases/{first.id}']").click()
    assert ROAD in phone.inner_text("main .message")
