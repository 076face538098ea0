"""The poster as SVG and as a 300 dpi PNG scans to the poster URL, at poster size."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from qr.print_image import poster_png, poster_svg, write_poster_svg
from qr.print_layout import PosterSpec
from tests.qr.decode import decode_svg

SPEC = PosterSpec(
    code="LZ3K9Q",
    url="https://yima.yuyao.gov.cn/p/LZ3K9Q",
    unit_name="余姚市综合行政执法局",
    place_label="梨洲街道 塘湾村 文化礼堂门口",
    county_name="余姚市",
)

pytestmark = pytest.mark.usefixtures("cjk_font")

@pytest.mark.parametrize("size", ["a4", "a5"])
def test_svg_is_vector_and_decodes_when_rendered_by_cairo(size):
    svg = poster_svg(SPEC, size=size)

    assert "<image" not in svg  # the QR is a path, not an embedded bitmap
    assert "扫码提建议 · 一码听民意" in svg and SPEC.place_label in svg
    assert 'width="210mm"' in svg if size == "a4" else 'width="148mm"' in svg
    # cairosvg renders mm at 96 dpi; scale 1.6 is ~150 dpi, a phone photo of a printed page.
    assert decode_svg(svg, scale=1.6) == [SPEC.url]

    stream = io.BytesIO()
    write_poster_svg(SPEC, stream, size=size)
    assert stream.getvalue().decode("utf-8") == svg

@pytest.mark.parametrize(("size", "pixels", "min_mm"), [
    ("a4", (2480, 3508), 60.0),
    ("a5", (1748, 2480), 40.0),
])
def test_png_is_300_dpi_and_decodes_at_full_size(size, pixels, min_mm):
    image = Image.open(io.BytesIO(poster_png(SPEC, size=size)))

    assert image.size == pixels
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    [found] = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found.text == SPEC.url
    width_px = found.position.top_right.x - found.position.top_left.x
    assert width_px * 25.4 / 300 >= min_mm

def test_png_modules_are_whole_pixels():
    # Uneven modules blur when a print shop scales the PNG; every module edge is on the grid.
    image = Image.open(io.BytesIO(poster_png(SPEC))).convert("L")
    [found] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    y = (found.position.top_left.y + found.position.bottom_left.y) // 2
    x0, x1 = found.position.top_left.x, found.position.top_right.x
    row = [image.getpixel((x, y)) for x in range(x0 - 2, x1 + 3)]
    assert set(row) <= {0, 255}, "grey pixels: modules are not pixel-aligned"
