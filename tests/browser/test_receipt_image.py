"""The receipt on a small phone in a real browser: the code on one line, and the receipt image
the page shows (the one a long press saves) scans to the tracking page."""
import os
from pathlib import Path

import pytest

from tests.qr.decode import decode_png

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))
LANGUAGES = {"en": "Press and hold the image to save it to your photos.", "zh_Hans_CN": "长按图片保存到相册。"}


def _file(browser, base: str, language: str, width: int):
    """A phone `width` px wide (no JavaScript, as in WeChat's strictest mode) that just filed."""
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/p/YMQ2K8?lang={language}")
    page.check("input[value=complaint]")
    page.fill("textarea[name=text]", "小区门口路灯坏了三天，晚上很黑，请尽快修理。")
    page.click("button.button[type=submit]")
    page.wait_for_url(f"{base}/t/*")
    return context, page


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("width", [320, 360, 390])
def test_the_receipt_code_and_pin_stay_on_one_line_and_inside_the_screen(live_server, browser, language, width):
    context, page = _file(browser, live_server, language, width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"receipt-{language}-{width}.png"), full_page=True)
    codes = page.eval_on_selector_all(".codes dd.code", """nodes => nodes.map(n => {
        const range = document.createRange(); range.selectNodeContents(n);
        const r = n.getBoundingClientRect();
        return {text: n.textContent, lines: new Set([...range.getClientRects()].map(c => Math.round(c.top))).size,
                left: r.left, right: r.right};
    })""")
    assert [c["text"].count("-") for c in codes] == [2, 0]  # the grouped code, then the PIN
    for found in codes:
        assert found["lines"] == 1, found
        assert 0 <= found["left"] and found["right"] <= width, found
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_page_shows_the_receipt_image_and_says_how_to_save_it(live_server, browser, language):
    context, page = _file(browser, live_server, language, 390)
    image = page.locator("figure.receipt-image img")
    # A real image, loaded, shown at least 240 px wide: what a long press offers to save.
    assert image.evaluate("i => i.complete && i.naturalWidth") == 640
    assert image.bounding_box()["width"] >= 240
    assert page.inner_text("figure.receipt-image figcaption") == LANGUAGES[language]
    # The image the page shows, fetched as this phone fetches it, scans to the page itself.
    src = image.evaluate("i => i.currentSrc")
    assert src.startswith(page.url + "/")
    assert decode_png(context.request.get(src).body()) == [page.url]
    context.close()
