"""The fast batch path prints segno's very symbols, and every QR of a batch still scans at print
size when the poster is worn: out of focus, faded, seen from afar, torn at a corner, stained."""

from __future__ import annotations

import random
import string

import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from qr.print_fonts import load_print_font
from qr.print_layout import PosterSpec, QrBlock
from qr.print_pages import poster_layout
from qr.print_pdf import posters_pdf
from qr.print_symbol import symbol_rows

DPI = 150  # what the other print tests render at: a print preview, a phone photo of a page
PX_PER_MM = DPI / 25.4


def urls() -> list[str]:
    """Poster-like URLs of many lengths (QR versions 3 to 19), fixed so a failure repeats."""
    rng = random.Random(14)
    alphabet = string.ascii_uppercase + string.digits
    lengths = [1, 6, 6, 6, 12, 16, 20, 25, 30, 38, 45, 52, 60, 75, 90, 110, 130, 200, 300]
    return [f"https://yima.yuyao.gov.cn/p/{''.join(rng.choices(alphabet, k=n))}"
            for n in lengths for _ in range(8)]


@pytest.mark.parametrize("error", ["h", "m"])
def test_the_fast_mask_choice_is_segnos_own(error):
    masks, versions = set(), set()
    for url in urls():
        qr = segno.make_qr(url, error=error, boost_error=False)
        masks.add(qr.mask)
        versions.add(qr.version)
        expected = tuple("".join(map(str, row)) for row in qr.matrix)
        assert symbol_rows(url, error) == expected, (url, qr.version, qr.mask)
    # The URLs make segno pick every mask and many versions (7 and up carry version blocks),
    # so agreement is not an accident of mask 0 or of one size.
    assert masks == set(range(8)) and len(versions) >= 8 and max(versions) >= 7


def out_of_focus(image: Image.Image, qr: QrBlock) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(3))


def faded(image: Image.Image, qr: QrBlock) -> Image.Image:
    return image.point(lambda v: 120 + v * 90 // 255)  # sun-bleached ink on yellowed paper


def from_afar(image: Image.Image, qr: QrBlock) -> Image.Image:
    return image.resize((image.width * 3 // 20, image.height * 3 // 20), Image.BILINEAR)


def torn_corner(image: Image.Image, qr: QrBlock) -> Image.Image:
    image = image.copy()
    right = (qr.x + qr.size - 4 * qr.module) * PX_PER_MM
    bottom = (qr.y + qr.size - 4 * qr.module) * PX_PER_MM
    cut = 0.2 * qr.symbol_size * PX_PER_MM  # a fifth of the symbol's width, gone to white
    ImageDraw.Draw(image).rectangle((right - cut, bottom - cut, right + 80, bottom + 80), fill=255)
    return image


def stained(image: Image.Image, qr: QrBlock) -> Image.Image:
    image = image.copy()
    cx, cy = ((qr.x + qr.size / 2) * PX_PER_MM, (qr.y + qr.size / 2) * PX_PER_MM)
    r = 0.14 * qr.symbol_size * PX_PER_MM
    ImageDraw.Draw(image).ellipse((cx - r, cy - r, cx + r, cy + r), fill=90)
    return image


def years_on_the_wall(image: Image.Image, qr: QrBlock) -> Image.Image:
    worn = faded(stained(torn_corner(image, qr), qr), qr).filter(ImageFilter.GaussianBlur(2))
    return worn.resize((worn.width // 4, worn.height // 4), Image.BILINEAR)


WEAR = [out_of_focus, faded, from_afar, torn_corner, stained, years_on_the_wall]


def test_every_qr_of_a_fast_batch_scans_at_print_size_also_when_worn(cjk_font):
    specs = [PosterSpec(f"Q{i:04d}", f"https://yima.yuyao.gov.cn/p/Q{i:04d}", "余姚市阳明街道办事处",
                        f"阳明街道 第{i}村 便民服务中心", "余姚市") for i in range(20)]
    specs.append(PosterSpec("LONG7", "https://yima-suggestions.yuyao.ningbo.zj.gov.cn/public/p/LONG7",
                            "余姚市住房和城乡建设局", "梨洲街道 文化礼堂", "余姚市"))
    font = load_print_font(cjk_font)
    doc = pdfium.PdfDocument(posters_pdf(specs))
    try:
        assert len(doc) == len(specs)
        for page, spec in zip(doc, specs):
            image = page.render(scale=DPI / 72).to_pil().convert("L")
            qr = poster_layout(spec, font).qr_blocks[0]
            [found] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            assert found.text == spec.url
            width_mm = (found.position.top_right.x - found.position.top_left.x) / PX_PER_MM
            assert width_mm >= 60, "the symbol printed smaller than 6 cm"
            for wear in WEAR:
                seen = zxingcpp.read_barcodes(wear(image, qr), formats=zxingcpp.BarcodeFormat.QRCode)
                assert [b.text for b in seen] == [spec.url], f"{spec.code} {wear.__name__}"
    finally:
        doc.close()
