"""A citizen on a phone: open a poster URL, file, screenshot the receipt, scan it, track."""
import os
from pathlib import Path

from tests.qr.decode import decode_png

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))


def test_poster_to_receipt_to_tracking_on_a_phone(live_server, phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.goto(f"{live_server}/p/YMQ2K8")
    assert "阳明街道便民服务中心" in phone.inner_text("main")
    phone.screenshot(path=str(SHOTS / "1-form.png"), full_page=True)

    phone.check("input[value=complaint]")
    phone.fill("textarea[name=text]", "小区门口路灯坏了三天，晚上很黑，请尽快修理。")
    phone.fill("input[name=location]", "新建路3号")
    phone.fill("input[name=phone]", "13812345678")
    phone.click("button.button[type=submit]")

    phone.wait_for_url(f"{live_server}/t/*")
    receipt_url = phone.url
    body = phone.inner_text("main")
    assert "受理码" in body and "查询码" in body and "提交成功。请保存或截图本回执，以便查询办理进度。" in body
    assert "13812345678" not in body
    shot = phone.screenshot(path=str(SHOTS / "2-receipt.png"), full_page=True)

    # Scan the screenshot as another phone's camera would.
    assert decode_png(shot) == [receipt_url]

    phone.goto(receipt_url)
    assert "待受理" in phone.inner_text(".status")
    phone.screenshot(path=str(SHOTS / "3-tracking.png"), full_page=True)


def test_the_form_fits_a_small_phone_without_sideways_scrolling(live_server, phone):
    phone.set_viewport_size({"width": 360, "height": 640})
    phone.goto(f"{live_server}/p/FSH7N3")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
