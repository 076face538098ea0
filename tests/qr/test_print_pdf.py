"""Printed PDFs scan at their printed size, carry real Chinese text, and embed their font."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from qr.print_fonts import load_print_font
from qr.print_layout import LABEL_H, LABEL_W, PosterSpec
from qr.print_pages import poster_layout, sticker_position
from qr.print_pdf import (
    poster_pdf,
    posters_pdf,
    sticker_sheet_pdf,
    write_posters_pdf,
    write_sticker_sheet_pdf,
)
from tests.qr.decode import pdf_lines

DPI = 150
MM_PER_PX = 25.4 / DPI
PAGE_POINTS = {"a4": (595.28, 841.89), "a5": (419.53, 595.28)}


pytestmark = pytest.mark.usefixtures("cjk_font")


def make_spec(i: int = 0, base: str = "https://yima.yuyao.gov.cn") -> PosterSpec:
    """A poster of the Yuyao demo data with a distinct code."""
    code = f"YY{i:04d}K"
    return PosterSpec(
        code=code,
        url=f"{base}/p/{code}",
        unit_name="余姚市阳明街道办事处",
        place_label=f"阳明街道便民服务中心 一楼大厅 {i}号窗口",
        county_name="余姚市",
    )


def pages_as_images(pdf: bytes) -> list:
    """Rasterise every page at 150 dpi, as a print preview would."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=DPI / 72).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def decode(image) -> list:
    """Every QR code zxing-cpp finds in the image."""
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def symbol_mm(barcode) -> float:
    """Measured width of a decoded symbol (its finder-pattern corners), in millimetres."""
    pos = barcode.position
    return (pos.top_right.x - pos.top_left.x) * MM_PER_PX


@pytest.mark.parametrize(("size", "min_mm"), [("a4", 60.0), ("a5", 40.0)])
def test_poster_scans_at_its_printed_size_with_a_clear_quiet_zone(size, min_mm):
    spec = make_spec(1)
    pdf = poster_pdf(spec, size=size)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(PAGE_POINTS[size], abs=0.5)

    [image] = pages_as_images(pdf)
    [found] = decode(image)
    assert found.text == spec.url
    assert found.ec_level == "H"
    assert symbol_mm(found) >= min_mm

    # The 4-module quiet zone around the symbol is blank paper in the rendered page.
    qr = poster_layout(spec, load_print_font(), size).qr_blocks[0]
    px = DPI / 25.4
    outer = [round(v * px) for v in (qr.x, qr.y, qr.x + qr.size, qr.y + qr.size)]
    inner_off = round(4 * qr.module * px) - 1
    ring = image.crop(outer)
    ring.paste(255, (inner_off, inner_off, ring.width - inner_off, ring.height - inner_off))
    assert ring.getextrema()[0] > 200, "something is printed inside the QR's quiet zone"


def test_batch_prints_one_poster_per_page_from_a_lazy_iterable():
    specs = [make_spec(i) for i in range(6)]
    stream = io.BytesIO()
    seen: list[int] = []

    result = write_posters_pdf(
        (s for s in specs), stream, size="a5", progress=seen.append
    )

    assert (result.pages, result.posters, result.font_missing) == (6, 6, False)
    assert seen == [1, 2, 3, 4, 5, 6]
    images = pages_as_images(stream.getvalue())
    assert [[b.text for b in decode(img)] for img in images] == [[s.url] for s in specs]


def test_sticker_sheets_every_label_scans_on_every_page():
    # 30 posters -> a full sheet and a partial one; one long base URL forces a denser QR.
    specs = [make_spec(i) for i in range(29)]
    specs.append(make_spec(29, base="https://yima-suggestions.yuyao.ningbo.zj.gov.cn/public"))
    done: list[int] = []
    stream = io.BytesIO()

    result = write_sticker_sheet_pdf(iter(specs), stream, progress=done.append)

    assert (result.pages, result.posters) == (2, 30)
    assert done[-1] == 30
    images = pages_as_images(stream.getvalue())
    assert len(images) == 2
    px = DPI / 25.4
    found = {}
    for n, spec in enumerate(specs):
        x, y = sticker_position(n)
        label = images[n // 24].crop(
            (round(x * px), round(y * px), round((x + LABEL_W) * px), round((y + LABEL_H) * px))
        )
        [barcode] = decode(label)
        assert symbol_mm(barcode) >= 25.0
        found[spec.url] = barcode.text
    assert found == {s.url: s.url for s in specs}
    # The whole page, as a phone pointed at the sheet sees it, holds exactly its labels.
    on_pages = [sorted(b.text for b in decode(img)) for img in images]
    assert on_pages == [sorted(s.url for s in specs[:24]), sorted(s.url for s in specs[24:])]


def test_sticker_sheet_can_start_on_a_partly_used_sheet():
    specs = [make_spec(i) for i in range(3)]
    images = pages_as_images(sticker_sheet_pdf(specs, skip=22))
    assert len(images) == 2
    px = DPI / 25.4
    first_row = images[0].crop((0, 0, images[0].width, round(LABEL_H * px)))
    assert decode(first_row) == []  # slot 0 was left blank for the used label
    assert sorted(b.text for b in decode(images[0])) == sorted(s.url for s in specs[:2])
    assert [b.text for b in decode(images[1])] == [specs[2].url]


@pytest.mark.parametrize("kind", ["poster", "stickers"])
def test_chinese_text_is_real_text_in_an_embedded_subset_font(kind):
    spec = make_spec(7)
    pdf = poster_pdf(spec) if kind == "poster" else sticker_sheet_pdf([spec])
    lines = pdf_lines(pdf)

    # Whole lines, as a viewer copies them out of the page, whichever CJK font was found.
    if kind == "poster":
        for line in ("扫码提建议 · 一码听民意", spec.unit_name, spec.place_label, "保存回执查进度",
                     "余姚市 · 一码听民意", "yima.yuyao.gov.cn/p/YY0007K", "海报编号：YY0007K"):
            assert line in lines, line
    else:
        for line in ("扫码提建议", "阳明街道便民服务中心", "一楼大厅 7号窗口", spec.unit_name, "编号 YY0007K"):
            assert line in lines, line

    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert re.fullmatch(r"/[A-Z]{6}\+\S+", str(font["/BaseFont"])), "not a subset font"
        # FontFile2 for TrueType outlines (WenQuanYi); FontFile3 if CI ships CFF Noto CJK.
        file = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
        assert file is not None, "font referenced but not embedded"
        embedded.append(len(file.get_object().get_data()))
    assert embedded, "no font embedded"
    # A subset: a few glyphs, not the 5 MB WenQuanYi collection.
    assert max(embedded) < 400_000


def test_a_thousand_poster_batch_is_not_a_thousand_fonts():
    # The font subset is shared by every page, so pages cost only their own drawing.
    one = len(posters_pdf([make_spec(0)]))
    fifty = len(posters_pdf([make_spec(i) for i in range(50)]))
    assert (fifty - one) / 49 < 12_000


def test_empty_selection_is_an_error_not_an_empty_file():
    with pytest.raises(ValueError):
        posters_pdf([])
    with pytest.raises(ValueError):
        sticker_sheet_pdf(iter(()))
    with pytest.raises(ValueError):
        poster_pdf(make_spec(), size="letter")
