"""The elder-friendly mode on a 390 px phone, measured in Chromium: 20 px text with line spacing of
1.5, 7:1 contrast, 48 × 48 targets on every citizen page; the switch works with JavaScript off;
and typed text survives the language switch."""
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE

MEASURE = (Path(__file__).parent / "measure.js").read_text()
ELDER = {"minFont": 20, "minLine": 1.5, "minTarget": 48, "minContrast": 7}
# The normal mode: WCAG AA contrast, 2.2's 24 px targets, and controls a finger hits (44 px tall).
PLAIN = {"minFont": 16, "minLine": 1.2, "minTarget": 24, "minContrast": 4.5, "minControlHeight": 44}


@pytest.fixture
def measured(browser):
    """A phone-sized page with JavaScript on, only for measuring (the pages carry no script)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def _citizen_pages(page, base: str, receipt) -> dict:
    """Every citizen page, as a list of (name, problems) for the given limits."""
    return {"/": "/", "poster": "/p/YMQ2K8", "submit": "/submit", "lookup": "/track",
            "tracking": f"/t/{receipt.token}", "not found": "/p/NOSUCH"}


def _problems(page, base: str, receipt, limits: dict) -> dict:
    found = {}
    for language in ("zh_Hans_CN", "en"):
        for name, path in _citizen_pages(page, base, receipt).items():
            page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={language}")
            for details in page.query_selector_all("details"):
                details.evaluate("d => d.open = true")  # what is folded is measured unfolded too
            problems = page.evaluate(MEASURE, limits)
            if problems:
                found[f"{name} {language}"] = problems
    return found


def test_every_citizen_page_in_elder_mode_has_large_text_strong_contrast_and_large_targets(
        live_server, measured, make_receipt):
    receipt = make_receipt("replied", told=True)
    measured.goto(f"{live_server}/")
    measured.click("button[value=elder]")  # the switch itself, as a citizen presses it
    assert measured.get_attribute("html", "class") == "elder"
    problems = _problems(measured, live_server, receipt, ELDER)
    assert problems == {}, '\n'.join(f'{k}: {v}' for k, v in problems.items())
    body = measured.evaluate("[getComputedStyle(document.body).fontSize, getComputedStyle(document.querySelector('h1')).fontSize]")
    assert float(body[0][:-2]) >= 20 and float(body[1][:-2]) > float(body[0][:-2])


def test_every_citizen_page_in_normal_mode_meets_aa_and_the_target_size(live_server, measured, make_receipt):
    receipt = make_receipt("replied", told=True)
    problems = _problems(measured, live_server, receipt, PLAIN)
    assert problems == {}, '\n'.join(f'{k}: {v}' for k, v in problems.items())


def test_the_switch_works_without_javascript_and_keeps_the_typed_text(live_server, phone, session):
    """With JavaScript off, as in many in-app browsers: type, switch language and mode, still typed."""
    phone.goto(f"{live_server}/p/YMQ2K8")
    phone.check("input[value=complaint]")
    phone.fill("textarea[name=text]", "小区门口路灯坏了三天，晚上很黑。")
    phone.fill("input[name=location]", "新建路3号")
    phone.click("button[value=lang]")
    assert phone.get_attribute("html", "lang") == "en" and "Submit" in phone.inner_text("main")
    assert phone.input_value("textarea[name=text]") == "小区门口路灯坏了三天，晚上很黑。"
    phone.click("button[value=elder]")
    assert phone.get_attribute("html", "class") == "elder"
    assert phone.input_value("input[name=location]") == "新建路3号" and phone.is_checked("input[value=complaint]")
    assert phone.query_selector(".error") is None
    # Enter in a field still sends the form (the switches are not its default button).
    phone.press("input[name=location]", "Enter")
    phone.wait_for_url(f"{live_server}/t/*")
    assert phone.get_attribute("html", "class") == "elder" and "Receipt code" in phone.inner_text("main")
    phone.click("button[value=plain]")
    assert phone.get_attribute("html", "class") is None
    assert "/t/" in phone.url  # back on the same receipt


def test_the_receipt_code_never_wraps_on_a_small_phone(live_server, measured, make_receipt):
    """At 320 px, in English (the longest names beside the code) and in both modes."""
    receipt = make_receipt("submitted")
    measured.set_viewport_size({"width": 320, "height": 640})
    for mode, switch in (("plain", "elder"), ("elder", "plain")):
        measured.goto(f"{live_server}/t/{receipt.token}?lang=en")
        # Never broken (white-space: nowrap), so the question is whether it fits inside the receipt.
        spill = measured.evaluate("(() => { const box = document.querySelector('.receipt').getBoundingClientRect();"
                                  " return [...document.querySelectorAll('.receipt .code')].map(e => {"
                                  " const r = e.getBoundingClientRect(); return Math.max(box.left - r.left, r.right - box.right, 0); }); })()")
        assert spill == [0], (mode, spill)
        assert measured.evaluate("document.documentElement.scrollWidth") <= 320
        measured.click(f"button[value={switch}]")


@pytest.mark.parametrize("font", ["'DejaVu Serif'", "'Liberation Sans Narrow'", "'WenQuanYi Micro Hei'"])
@pytest.mark.parametrize("line", ["1.2", "1.8"])
def test_the_photo_input_is_a_finger_tall_whatever_the_systems_font(live_server, browser, font, line):
    # A phone's own fonts and line spacing differ from this machine's: the control's height is set,
    # so it holds under any of them (from the line box it was 43 px on some systems).
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  bypass_csp=True)  # the test's own style below, not the page's
    page = context.new_page()
    for mode, least in (("", 44), ("elder", 48)):
        page.goto(f"{live_server}/submit")
        page.evaluate("mode => document.documentElement.className = mode", mode)
        page.add_style_tag(content=f"body, body * {{ font-family: {font} !important; line-height: {line} !important }}")
        heights = page.evaluate("[...document.querySelectorAll('input[type=file]')]"
                                ".map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= least - 0.01, (mode, heights)
    context.close()
