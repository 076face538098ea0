"""An answer on a phone in WeChat's browser (no print menu) and on a desktop: the page says how
to keep it there, its image opens as a picture a long press saves, and nothing runs off the screen."""
import os
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))
WECHAT = ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Mobile Safari/537.36 MicroMessenger/8.0.47")
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"


@pytest.mark.parametrize("width, agent, hint", [
    (390, WECHAT, "在浏览器打开"), (1366, WECHAT, "在浏览器打开"), (390, DESKTOP, "“打印”"), (1366, DESKTOP, "“打印”")])
def test_the_answer_is_kept_as_the_browser_allows(live_server, browser, make_receipt, width, agent, hint):
    receipt = make_receipt("replied")
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1,
                                  is_mobile=width < 800, has_touch=width < 800, java_script_enabled=False,
                                  user_agent=agent)
    page = context.new_page()
    page.goto(f"{live_server}/t/{receipt.token}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "wechat" if agent is WECHAT else "browser"
    page.screenshot(path=str(SHOTS / f"answer-{name}-{width}.png"), full_page=True)
    words = page.inner_text("main")
    assert hint in words and ("“打印”" in words) == (agent is DESKTOP)
    link = page.locator("section.reply p.keep-answer a")
    box = link.bounding_box()
    assert box and 0 <= box["x"] and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(live_server + link.get_attribute("href"))  # as a tap on the link opens it
    page.screenshot(path=str(SHOTS / f"answer-image-{name}-{width}.png"))
    assert page.evaluate("document.images.length && document.images[0].naturalWidth") == 640
    context.close()
