"""On a phone: a citizen agrees to publication, the unit answers and proposes it, the lead reads
it redacted and approves, and the board shows it with no phone or name, in both languages."""
import os
from pathlib import Path

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))
TEXT = "我叫张三，电话 138 1234 5678。新建路45弄6号302室楼下的路灯坏了一个星期，晚上很黑，老人出门不安全。"
ANSWER = "经阳明街道王芳现场查看，路灯线路老化，已更换并恢复照明。如有问题请拨打 0574-62345678。"


def _sign_in(phone, base, username):
    phone.context.clear_cookies()
    phone.goto(f"{base}/staff/")
    phone.fill("input[name=username]", username)
    phone.fill("input[name=password]", "correct horse battery")
    phone.click("button[type=submit]")


def _take(phone, action, **fields):
    phone.click(f"details:has(form[action$='/{action}']) summary")
    form = phone.locator(f"form[action$='/{action}']")
    for name, value in fields.items():
        if value is True:
            form.locator(f"input[name={name}]").check()
        else:
            form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


def test_a_consented_case_is_answered_redacted_approved_and_shown_without_phone_or_name(staff, live_server, phone):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.goto(f"{live_server}/p/YMQ2K8")
    phone.check("input[value=suggestion]")
    phone.fill("textarea[name=text]", TEXT)
    phone.fill("input[name=name]", "张三")
    phone.fill("input[name=phone]", "13812345678")
    consent = phone.locator("input[name=publish]")
    assert not consent.is_checked()  # asked, never assumed
    consent.check()
    phone.click("form button[type=submit]")
    assert "/t/" in phone.url

    _sign_in(phone, live_server, "yangming")
    phone.goto(f"{live_server}/staff/")
    phone.locator("main a[href^='/staff/cases/']:not([href$='/new'])").first.click()
    _take(phone, "accept")
    _take(phone, "reply", body=ANSWER, propose=True)
    assert "已提请公开" in phone.inner_text("main")

    _sign_in(phone, live_server, "yangming-lead")
    phone.goto(f"{live_server}/staff/publications")
    phone.locator("a[href^='/staff/publications/']").first.click()
    redacted = phone.locator(".redacted").first.inner_text()
    assert "张三" not in redacted and "5678" not in redacted and "新建路" in redacted
    assert TEXT in phone.inner_text("main")  # the original beside it
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "publication-review.png"), full_page=True)
    question = phone.locator("textarea[name=question]")
    question.fill(question.input_value().replace("老人出门不安全", "出行不安全"))  # the lead's edit
    phone.click("form[action$='/approve'] button[type=submit]")
    assert "已在公开答复栏公开" in phone.inner_text("main")

    phone.context.clear_cookies()
    for lang, title in (("zh_Hans_CN", "公开答复"), ("en", "Published answers")):
        phone.goto(f"{live_server}/answers?lang={lang}")
        page = phone.inner_text("main")
        assert title in page and "路灯" in page
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.screenshot(path=str(SHOTS / f"answers-board-{lang}.png"), full_page=True)
        phone.locator("a[href^='/answers/']").first.click()
        one = phone.inner_text("main")
        assert "出行不安全" in one and "已更换并恢复照明" in one or "Published answer" in one
        for private in ("张三", "王芳", "13812345678", "138 1234 5678", "62345678", "302"):
            assert private not in one and private not in page, private
        phone.screenshot(path=str(SHOTS / f"answer-page-{lang}.png"), full_page=True)
    # The Chinese form was kept by the worker at the first visit (for PAGE_CACHE_SECONDS); the
    # English one is rendered now, with the answer of its place.
    phone.goto(f"{live_server}/p/YMQ2K8?lang=en")
    latest = phone.locator("section.latest-answers")
    assert "Recently answered here" in latest.inner_text() and "路灯" in latest.inner_text()
    latest.screenshot(path=str(SHOTS / "poster-latest-answers.png"))
