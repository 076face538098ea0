"""The figures as a supervisor reads them in Chromium: at a 1366 px desk every table fits the
staff column (headers wrap, no sideways scrolling), in Chinese and in English; on a 390 px phone a
table scrolls inside its own region with the names' column kept in view; long English names in
the charts are whole."""
import os
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))
DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Each table's width and that of the column it sits in (its scrolling region's box).
MEASURE = """() => [...document.querySelectorAll('table.figures')].map(t => {
  const region = t.closest('.scroll') || t.parentElement;
  return {table: t.getBoundingClientRect().width, region: region.clientWidth,
          column: document.querySelector('main').clientWidth, first: t.querySelector('thead th').innerText};
})"""


@pytest.fixture
def figures(make_case):
    """Cases of several units and matters, so every table has rows."""
    make_case("closed")
    make_case("replied")
    make_case(forward_to="330281-JT")
    make_case(forward_to="330281-ZHZF")  # the longest English names: "Comprehensive Administrative ..."
    make_case(forward_to="330281-RS")
    make_case()


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "en"])
def test_every_table_of_the_dashboard_fits_the_column_of_a_1366_px_screen(live_server, browser, staff, figures,
                                                                           lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    sign_in(page, live_server, "yuyao-supervisor")
    page.goto(f"{live_server}/staff/stats?period=year&lang={lang}")
    for details in page.query_selector_all("details"):
        details.evaluate("d => d.open = true")
    page.screenshot(path=str(SHOTS / f"stats-1366-{lang}.png"), full_page=True)
    tables = page.evaluate(MEASURE)
    assert len(tables) == 6
    too_wide = [t for t in tables if t["table"] > t["region"] + 0.5 or t["region"] > t["column"] + 0.5]
    assert too_wide == [], too_wide
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    context.close()


def test_on_a_phone_a_table_scrolls_in_its_region_with_the_names_kept_in_view(live_server, browser, staff, figures):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server, "yuyao-supervisor")
    page.goto(f"{live_server}/staff/stats?period=year&lang=en")
    page.screenshot(path=str(SHOTS / "stats-390-en.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page itself does not
    region = page.locator(".scroll").first
    name = region.locator("tbody th").first
    before = name.bounding_box()["x"]
    region.evaluate("r => r.scrollLeft = 300")
    assert region.evaluate("r => r.scrollLeft") > 0  # the table is wider than a phone: it scrolls
    assert abs(name.bounding_box()["x"] - before) < 1  # and the unit's name stays where it was
    context.close()
