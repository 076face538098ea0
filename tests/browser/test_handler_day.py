"""A handler's day on a phone: sign in, open the inbox, accept a case, reply; the citizen sees it."""
import os
from pathlib import Path


SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))


def test_handler_signs_in_accepts_and_replies_on_a_phone(staff, make_receipt, live_server, phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    receipt = make_receipt(kind="suggestion")
    token, case_id = receipt.token, receipt.suggestion.id
    phone.goto(f"{live_server}/staff/")
    phone.fill("input[name=username]", "yangming")
    phone.fill("input[name=password]", "correct horse battery")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/staff/")
    assert "待受理" in phone.inner_text("main")
    phone.screenshot(path=str(SHOTS / "4-inbox.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.click(f"a[href='/staff/cases/{case_id}']")
    phone.click("summary:has-text('受理')")
    phone.click("form[action$='/accept'] button")
    assert phone.inner_text(".flash").strip() == "已受理。"

    phone.click("summary:has-text('答复群众')")
    phone.fill("form[action$='/reply'] textarea[name=body]", "感谢您的建议，路灯已于今日修复。")
    phone.click("form[action$='/reply'] button")
    assert phone.inner_text(".flash").strip() == "已答复。" and phone.inner_text("main .state") == "已答复"
    phone.screenshot(path=str(SHOTS / "5-case.png"), full_page=True)

    phone.goto(f"{live_server}/t/{token}")
    assert "路灯已于今日修复" in phone.inner_text("main")
    assert phone.locator("form[action$='/rate'] label.pill span").all_inner_texts() == ["满意", "基本满意", "不满意"]
    phone.screenshot(path=str(SHOTS / "6-citizen-rates.png"), full_page=True)
