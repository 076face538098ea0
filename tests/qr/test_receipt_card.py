"""The receipt card: its PNG scans to the tracking URL as served, after a phone halves it and
WeChat recompresses it; its PDF is 80 mm wide and scans at a thermal printer's 203 dpi."""
from __future__ import annotations

import dataclasses
import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from qr.print_fonts import load_print_font
from qr.print_layout import QrBlock, Text
from qr.receipt_card import ReceiptCard, receipt_layout, receipt_pdf, receipt_png, receipt_png_size
from tests.qr.decode import decode_png, pdf_lines

URL = "https://yima.example.gov.cn/t/Zq3vX9-kT2mB7cR4wY8pL1nD6fH0sJ5a"  # a 32-character token
ZH = ReceiptCard(
    url=URL, title="一码听民意 · 受理回执", code="K7M-4XP-9QC", pin="482913",
    fields=(("办理单位", "余姚市综合行政执法局"), ("提交日期", "2026-12-01")),
    code_label="受理码", pin_label="查询码", pin_note="仅在提交时的回执上显示一次",
    footer="扫描二维码，或在 yima.example.gov.cn/track 输入受理码和查询码，即可查询办理进度。",
)
EN = dataclasses.replace(
    ZH, title="Yima · Receipt", fields=(("Handled by", "Yangming Subdistrict"), ("Filed on", "2026-12-01")),
    code_label="Receipt code", pin_label="PIN", pin_note="Shown once, on the receipt when the case was filed",
    footer="Scan the code, or enter the receipt code and PIN at yima.example.gov.cn/track, to follow your case.",
)
MM_PER_PT = 25.4 / 72

pytestmark = pytest.mark.usefixtures("cjk_font")


def _qr(image: Image.Image) -> zxingcpp.Result:
    [found] = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return found


@pytest.mark.parametrize("card", [ZH, EN], ids=["zh", "en"])
def test_the_png_scans_to_the_tracking_url_as_served(card):
    image = Image.open(io.BytesIO(receipt_png(card)))
    assert image.size == receipt_png_size(card) and image.width == 640
    found = _qr(image)
    assert found.text == URL
    # Modules of at least 8 px: room for a phone to halve the image and for JPEG to blur it.
    modules = [b for b in receipt_layout(card, load_print_font()).items if isinstance(b, QrBlock)][0].modules
    assert (found.position.top_right.x - found.position.top_left.x) / modules >= 8


@pytest.mark.parametrize("card", [ZH, EN], ids=["zh", "en"])
@pytest.mark.parametrize("scale", [1.0, 0.5, 0.4])
def test_the_png_still_scans_after_a_phone_shrinks_it_and_wechat_recompresses_it(card, scale):
    image = Image.open(io.BytesIO(receipt_png(card))).convert("RGB")
    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=70)
    assert len(jpeg.getvalue()) < 100_000
    assert _qr(Image.open(io.BytesIO(jpeg.getvalue()))).text == URL


def test_the_code_and_pin_are_drawn_large_and_the_pin_changes_the_image():
    # No OCR here: the layout is what the PNG and PDF draw, so its text items are what is printed.
    texts = {t.text: t.size for t in receipt_layout(ZH, load_print_font()).items if isinstance(t, Text)}
    assert texts["K7M-4XP-9QC"] >= 14 and texts["482913"] >= 14
    assert {"受理码", "查询码", "余姚市综合行政执法局", "2026-12-01"} <= texts.keys()
    other = dataclasses.replace(ZH, pin="482914")
    assert receipt_png(other) != receipt_png(ZH)
    assert receipt_png(dataclasses.replace(ZH, code="K7M-4XP-9QD")) != receipt_png(ZH)


def test_a_card_without_its_pin_says_where_the_pin_is_and_keeps_its_size():
    hidden = dataclasses.replace(ZH, pin=None)
    texts = [t.text for t in receipt_layout(hidden, load_print_font()).items if isinstance(t, Text)]
    assert "仅在提交时的回执上显示一次" in texts and not any("482913" in t for t in texts)
    assert receipt_png_size(hidden) == receipt_png_size(ZH)
    assert _qr(Image.open(io.BytesIO(receipt_png(hidden)))).text == URL


@pytest.mark.parametrize("card", [ZH, EN], ids=["zh", "en"])
def test_the_pdf_is_one_page_80_mm_wide_with_its_words_as_text(card):
    pdf = receipt_pdf(card)
    [page] = PdfReader(io.BytesIO(pdf)).pages
    assert float(page.mediabox.width) == pytest.approx(80 / MM_PER_PT, abs=0.01)  # 226.77 pt
    assert 100 < float(page.mediabox.height) * MM_PER_PT < 160
    text = "\n".join(pdf_lines(pdf))
    for word in (card.title, card.code, card.pin, card.code_label, card.fields[0][1]):
        assert word in text, word


@pytest.mark.parametrize("card", [ZH, EN], ids=["zh", "en"])
def test_the_pdf_scans_when_printed_at_203_dpi(card):
    doc = pdfium.PdfDocument(receipt_pdf(card))
    try:
        image = doc[0].render(scale=203 / 72).to_pil()
    finally:
        doc.close()
    assert image.width == pytest.approx(80 / 25.4 * 203, abs=1)
    assert decode_png(_png(image)) == [URL]
    symbol_mm = (_qr(image).position.top_right.x - _qr(image).position.top_left.x) * 25.4 / 203
    assert symbol_mm >= 35  # printed, the symbol alone is at least 35 mm wide


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
