"""The lead's review of a public answer in a real browser, with the texts an attacker wrote: numbers
in Chinese numerals and other digit sets, split by dots, slashes and line breaks, e-mail, QQ and
WeChat ids, a plate with a space, the citizen's name spaced out and the lead's own name in the
reply. Nothing of them reaches the board; what redaction could not judge is flagged, and
approving it needs a tick."""
from app.domain.numerals import digits
from tests.browser.test_publication import _sign_in, _take

TEXT = ("我是王 小 明，电话幺三八.一二三四.五六七八，\n备用 139/8765/4321，座机 0574\n6234 5678，"
        "身份证三三零二八一一九九零零一零一一二三四，邮箱 zhangsan@qq.com，QQ：55667788，微信号 zhang_san88。"
        "浙B 3K5L7 天天占道，邻居也看到了。订单号 7700099887766 的退款没到。")
ANSWER = "经阳明街道李 强、王·芳现场查看，浙B 3K5L7 已劝离。如有问题请拨打 ٠٥٧٤ ٦٢٣٤ ٥٦٧٨。"
PRIVATE = ("小 明", "幺三八", "一二三四", "8765", "4321", "6234", "三三零二", "zhangsan", "55667788", "zhang_san88",
           "3K5L7", "王 小 明", "李 强", "王·芳", "٦٢٣٤")


def test_the_lead_reviews_marked_and_flagged_texts_and_nothing_private_is_published(staff, live_server, phone):
    phone.goto(f"{live_server}/p/YMQ2K8")
    phone.check("input[value=suggestion]")
    phone.fill("textarea[name=text]", TEXT)
    phone.fill("input[name=name]", "王小明")
    phone.fill("input[name=phone]", "13812345678")
    phone.check("input[name=publish]")
    phone.click("form button[type=submit]")
    assert "/t/" in phone.url

    _sign_in(phone, live_server, "yangming")
    phone.goto(f"{live_server}/staff/")
    phone.locator("main a[href^='/staff/cases/']:not([href$='/new'])").first.click()
    _take(phone, "accept")
    _take(phone, "reply", body=ANSWER, propose=True)

    _sign_in(phone, live_server, "yangming-lead")
    phone.goto(f"{live_server}/staff/publications")
    phone.locator("a[href^='/staff/publications/']").first.click()
    question, answer = (phone.locator(".redacted").nth(i).inner_text() for i in (0, 1))
    for private in PRIVATE:
        assert private not in question and private not in answer, private
    assert "天天占道" in question and "劝离" in answer
    assert digits(question) == "7700099887766" and digits(answer) == ""  # only the order number is left
    assert phone.locator(".redacted mark.masked").count() >= 12  # each masked part marked
    flags = phone.locator("#flags")
    assert "公开前请核对" in flags.inner_text() and "7700099887766" in flags.inner_text()

    phone.click("form[action$='/approve'] button[type=submit]")  # approving blind is refused
    assert "仍可能指认个人" in phone.inner_text("main")
    assert phone.locator("input[name=flags_seen]").is_visible()
    phone.check("input[name=flags_seen]")
    phone.click("form[action$='/approve'] button[type=submit]")
    assert "已在公开答复栏公开" in phone.inner_text("main")

    phone.context.clear_cookies()
    phone.goto(f"{live_server}/answers")
    phone.locator("a[href^='/answers/']").first.click()
    public = phone.inner_text("main")
    assert "天天占道" in public
    for private in PRIVATE:
        assert private not in public, private
