"""The receipt QR decodes to the exact tracking URL, as SVG and as PNG, at the size served."""
import io
import random
import string

import segno
from PIL import Image

from qr import receipt
from tests.qr.decode import decode_png, decode_svg

URL = "https://yima.example.gov.cn/t/GWS3jFPInjDW6vyHOCAQx7EG_Ptlo9am"


def test_png_decodes_to_the_url():
    assert decode_png(receipt.png(URL)) == [URL]


def test_png_has_a_quiet_zone_and_crisp_modules():
    image = Image.open(io.BytesIO(receipt.png(URL, scale=8))).convert("L")
    width, _ = image.size
    # Four white modules of 8 px on every side.
    assert all(image.getpixel((x, y)) == 255 for x in range(32) for y in range(0, width, 7))
    assert width % 8 == 0


def test_svg_rendered_at_its_own_size_decodes_to_the_url():
    svg = receipt.svg(URL)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="246" height="246"')  # 41 modules of 6 px
    assert decode_svg(svg) == [URL]


def test_a_long_url_still_fits_and_decodes():
    long_url = "https://suggestions.yuyao.example.gov.cn/t/" + "x" * 32
    assert decode_png(receipt.png(long_url, scale=4)) == [long_url]


def test_the_receipt_symbol_is_the_one_segno_chooses_itself():
    """Its mask is chosen the fast way (qr/print_symbol.py): the same symbol, module for module,
    over tracking URLs that make segno pick every one of the eight masks."""
    rng = random.Random(15)
    alphabet = string.ascii_letters + string.digits + "-_"
    masks = set()
    for _ in range(120):
        url = f"https://yima.example.gov.cn/t/{''.join(rng.choices(alphabet, k=32))}"
        own = segno.make_qr(url, error=receipt.ERROR, boost_error=False)
        made = receipt.make(url)
        assert (made.mask, made.matrix) == (own.mask, own.matrix), url
        masks.add(own.mask)
    assert masks == set(range(8))
