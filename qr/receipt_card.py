"""The receipt as one card: QR, receipt code, PIN, unit and date, for a phone's album and for
the 80 mm slip printer.

One layout (millimetres, see :mod:`qr.print_layout`) 80 mm wide is drawn twice: as a PNG at
8 px/mm (203.2 dpi, a thermal printer's own resolution) that a long press in WeChat saves to
the photo album, and as a PDF page exactly 80 mm wide that the slip printer prints. The QR is
the tracking URL at level M (as :mod:`qr.receipt`), its quiet-zone square 52 mm wide: a 37-module
symbol gets 10 px modules in the PNG, which still decode after a phone halves the image and
WeChat recompresses it as JPEG.

Every word on the card comes from the caller, already in the reader's language (no Babel here);
when no CJK font is installed the Chinese words give way to ASCII ones, as on the posters.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from PIL import Image

from qr.print_fonts import PrintFont, load_print_font
from qr.print_image import layout_image
from qr.print_layout import GREY, INK, RED, RULE, Color, Item, Layout, Line, Text, fit_size, qr_block, wrap
from qr.print_pdf import PdfCanvas
from qr.receipt import ERROR

WIDTH = 80.0  # mm: the slip printer's paper, and the card's width
MARGIN = 4.0  # mm each side: a thermal printer's unprintable edge
QR_OUTER = 52.0  # mm, quiet zone included
PX_PER_MM = 8  # the PNG: 8 px/mm is 203.2 dpi, whole pixels per millimetre
FIELD_LINES = 2  # at most, for each field's value (a long unit name)
FOOTER_LINES = 3
BLACK = (0, 0, 0)


@dataclass(frozen=True)
class ReceiptCard:
    """What one receipt card shows, every word already in the reader's language.

    ``pin`` is None where the PIN may not be shown; ``pin_note`` then says where it is.
    ``fields`` are (label, value) rows under the codes: the unit, the date, a deadline.
    """

    url: str
    title: str
    code: str
    pin: str | None
    fields: tuple[tuple[str, str], ...] = ()
    code_label: str = "Receipt code"
    pin_label: str = "PIN"
    pin_note: str = ""
    footer: str = ""


def receipt_layout(card: ReceiptCard, font: PrintFont, *, thermal: bool = False) -> Layout:
    """Lay the card out on a page 80 mm wide, as tall as its fields need; ``thermal`` sets
    everything in black, as a thermal printer would dither red and grey into specks."""
    mid, inner = WIDTH / 2, WIDTH - 2 * MARGIN
    red, grey, rule, ink = (BLACK,) * 4 if thermal else (RED, GREY, RULE, INK)
    items: list[Item] = []
    title = font.text(card.title, "Yima receipt")
    items.append(Text(mid, 10.5, title, fit_size(font, title, 15, inner, 9), red, bold=True))
    items.append(_card_qr(card.url))
    y = 14.0 + QR_OUTER + 4.0
    y = _code(items, font, y, font.text(card.code_label, "Receipt code"), card.code, [], (grey, ink))
    note = [] if card.pin is not None else _lines(font, card.pin_note, 10, inner, 2, "(not shown again)")
    y = _code(items, font, y, font.text(card.pin_label, "PIN"), card.pin, note, (grey, ink))
    items.append(Line(MARGIN, y - 1.0, WIDTH - MARGIN, y - 1.0, 0.3, rule))
    y += 4.5
    labels = [font.text(label) for label, _value in card.fields]
    column = min(max((font.width(label, 9) for label in labels), default=0) + 3.0, 30.0)
    for label, (_label, value) in zip(labels, card.fields):
        items.append(Text(MARGIN, y, label, 9, grey, anchor="start"))
        for line in _lines(font, value, 11, inner - column, FIELD_LINES, ""):
            items.append(Text(MARGIN + column, y, line, 11, ink, anchor="start"))
            y += 5.4
        y += 1.6
    items.append(Line(MARGIN, y - 2.5, WIDTH - MARGIN, y - 2.5, 0.3, rule))
    y += 3.0
    for row, line in enumerate(_lines(font, card.footer, 8.5, inner, FOOTER_LINES, "")):
        items.append(Text(mid, y + 4.2 * row, line, 8.5, grey))
    return Layout(WIDTH, y + 4.2 * (FOOTER_LINES - 1) + MARGIN, tuple(items))


@functools.lru_cache(maxsize=64)  # the page sizes a new card and the image then draws it: one QR for both
def _card_qr(url: str) -> Item:
    return qr_block(url, WIDTH / 2 - QR_OUTER / 2, 14.0, QR_OUTER, ERROR)


def _code(items: list[Item], font: PrintFont, y: float, label: str, value: str | None, note: list[str],
          colors: tuple[Color, Color]) -> float:
    """A small label and under it the value set large enough to read aloud (or, without one, up
    to two lines of small print); the y after it, the same either way."""
    grey, ink = colors
    items.append(Text(WIDTH / 2, y, label, 9, grey))
    if value is not None:
        items.append(Text(WIDTH / 2, y + 8.5, value, fit_size(font, value, 22, WIDTH - 2 * MARGIN, 14),
                          ink, bold=True))
    else:
        for row, line in enumerate(note):
            items.append(Text(WIDTH / 2, y + 5.5 + 4.6 * row, line, 10, ink))
    return y + 15.0


def _lines(font: PrintFont, text: str, size: float, width: float, most: int, fallback: str) -> list[str]:
    text = font.text(text, fallback)
    return wrap(font, text, size, width, most) if text else []


def receipt_png(card: ReceiptCard, *, font_path: str | None = None) -> bytes:
    """The card as a PNG, 640 px wide (8 px/mm, the dpi recorded), in 16 greys: a few tens of KB."""
    font = load_print_font(font_path)
    image = layout_image(receipt_layout(card, font), font, dpi=PX_PER_MM * 25.4)
    # Text is anti-aliased in greys and red; a small palette keeps the file small, and QR
    # modules stay pure black and white (they are drawn without anti-aliasing).
    # FASTOCTREE and zlib's default level: ~12 ms a card; median cut and optimize cost ~100 ms
    # more for 2 KB less, and a card with a PIN is drawn for each request.
    image = image.quantize(colors=16, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(PX_PER_MM * 25.4,) * 2)
    return buffer.getvalue()


def receipt_png_size(card: ReceiptCard, *, font_path: str | None = None) -> tuple[int, int]:
    """The (width, height) in px of the card's PNG, for the page's <img>, without drawing it."""
    layout = receipt_layout(card, load_print_font(font_path))
    return round(layout.width * PX_PER_MM), round(layout.height * PX_PER_MM)


def receipt_pdf(card: ReceiptCard, *, font_path: str | None = None) -> bytes:
    """The card as a one-page PDF exactly 80 mm wide, with the font embedded, for the slip printer."""
    font = load_print_font(font_path)
    canvas = PdfCanvas(font, card.title)
    canvas.draw(receipt_layout(card, font, thermal=True))
    buffer = io.BytesIO()
    canvas.write(buffer)
    return buffer.getvalue()
