"""The counter's slip printed from Chromium: on 80 mm paper, one page, its QR scanning at a
thermal printer's 203 dpi; a print button with script and a PDF link without; a caller's slip
says what to read aloud; no barrier axe-core finds."""
import io
import os
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from tests.browser.test_axe import _axe_source, _violations
from tests.conftest import PASSWORD
from tests.qr.decode import decode_png

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))
WIDTH_PT = 80 / 25.4 * 72  # 226.77

pytestmark = pytest.mark.usefixtures("staff")


def _file(browser, base: str, channel: str, *, script: bool = True, language: str = "zh_Hans_CN"):
    """Sign in at a desk, file a case for a citizen who came by `channel`; the slip's page."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=script)
    page = context.new_page()
    page.goto(f"{base}/?lang={language}")
    page.goto(f"{base}/staff/login")
    page.fill("input[name=username]", "yangming")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/")
    page.goto(f"{base}/staff/cases/new?lang={language}")
    assert "/cases/new" in page.url, page.inner_text("main")
    page.select_option("select[name=channel]", channel)
    page.check("input[name=kind][value=complaint]")
    page.fill("textarea[name=text]", "新建路3号门口的路灯坏了三天，晚上很黑。")
    page.click("form:has(textarea[name=text]) button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/slip"), page.inner_text("main")
    return context, page


def _pages(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).pages


def _scan_at_203_dpi(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=203 / 72).to_pil()
    finally:
        doc.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return decode_png(buffer.getvalue())


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_printing_the_slip_page_comes_out_on_one_80_mm_page_that_scans(live_server, browser, language):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _file(browser, live_server, "counter", language=language)
    page.screenshot(path=str(SHOTS / f"slip-screen-{language}.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SHOTS / f"slip-printed-{language}.pdf").write_bytes(pdf)
    [printed] = _pages(pdf)
    assert float(printed.mediabox.width) == pytest.approx(WIDTH_PT, abs=0.5)
    [url] = _scan_at_203_dpi(pdf)
    assert url.startswith(f"{live_server}/t/")
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert not {"打印", "返回", "Print", "Back"} & set(re.findall(r"打印|返回|Print|Back", text))  # screen only
    context.close()


def test_the_slip_pdf_link_gives_an_80_mm_page_and_works_without_script(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _file(browser, live_server, "counter", script=False)
    assert not page.is_visible("button[data-print]")  # no script: no button that would do nothing
    link = page.locator("a[href$='/slip.pdf']")
    assert link.is_visible()
    response = context.request.get(link.get_attribute("href") if link.get_attribute("href").startswith("http")
                                   else live_server + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    pdf = response.body()
    [slip] = _pages(pdf)
    assert float(slip.mediabox.width) == pytest.approx(WIDTH_PT, abs=0.01)
    [url] = _scan_at_203_dpi(pdf)
    page.goto(url)  # the printed QR opens the citizen's tracking page
    assert page.locator(".status").is_visible()
    context.close()
    (SHOTS / "slip.pdf").write_bytes(pdf)


def test_with_script_the_print_button_shows(live_server, browser):
    context, page = _file(browser, live_server, "counter")
    assert page.is_visible("button[data-print]") and page.is_visible("a[href$='/slip.pdf']")
    context.close()


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_a_callers_slip_says_what_to_read_aloud_instead_of_print(live_server, browser, language):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _file(browser, live_server, "hotline", language=language)
    page.screenshot(path=str(SHOTS / f"slip-hotline-{language}.png"), full_page=True)
    main = page.inner_text("main")
    pin = re.search(r"\b(\d{6})\b", main).group(1)
    assert re.search(r"[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}", main)
    if language == "en":
        assert "Read the PIN aloud" in main and "/track" in main and "print" not in main.lower()
    else:
        assert "念给来电群众" in main and "/track" in main and "打印" not in main
    assert pin in main
    assert page.locator("button[data-print], a[href$='/slip.pdf']").count() == 0
    context.close()


@pytest.mark.parametrize("channel", ["counter", "hotline"])
def test_the_slips_have_no_barriers(live_server, browser, channel):
    source = _axe_source()
    for language in ("zh_Hans_CN", "en"):
        context, page = _file(browser, live_server, channel, language=language)
        assert _violations(page, source) == [], (channel, language)
        context.close()
