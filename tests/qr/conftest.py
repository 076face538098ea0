"""Fixtures of the print tests."""
import os

import pytest

from qr.print_fonts import find_cjk_font


@pytest.fixture(scope="module")
def cjk_font() -> str:
    """The CJK font Chinese output needs; CI installs one and requires it."""
    path = find_cjk_font()
    if path is None:
        if os.environ.get("YIMA_REQUIRE_BROWSER") == "1":
            pytest.fail("no CJK font, and CI requires one (fonts-wqy-microhei)")
        pytest.skip("no CJK font: install fonts-wqy-microhei or set YIMA_CJK_FONT")
    return path
