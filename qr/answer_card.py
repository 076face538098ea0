"""An answer as one image, for the citizen to keep: WeChat's browser cannot print a page, but a
long press saves a picture to the phone's album (as the receipt card, :mod:`qr.receipt_card`).

The card is 80 mm wide at 8 px/mm, like the receipt: a title, the answer's heading (which
answer, which unit, which day), the receipt code, then the answer's text, a complaint's
decision part by part under its label, and a footer saying where the case can be followed.
A very long answer is cut at MAX_LINES with a note (the page keeps every word), so no answer
makes an image of tens of thousands of pixels.

Every word comes from the caller, already in the reader's language (no Babel here). Without a
CJK font Chinese text cannot be drawn at all, so the caller offers no answer image then
(:func:`drawable`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from qr.print_fonts import PrintFont, font_missing, load_print_font
from qr.print_image import layout_image
from qr.print_layout import GREY, INK, RED, RULE, Item, Layout, Line, Text, fit_size, wrap

WIDTH = 80.0  # mm, as the receipt card
MARGIN = 5.0
PX_PER_MM = 8
BODY = 11.0  # pt: about 16 CSS px when a phone shows the 640 px image at half size
LEADING = 5.6  # mm between body lines
MAX_LINES = 160  # of body text: about 2,500 Chinese characters, an image ~7,000 px tall


@dataclass(frozen=True)
class AnswerCard:
    """What one answer image shows, every word already in the reader's language.

    ``parts`` are (label, text) pairs: one with an empty label for a plain answer, or a
    complaint decision's claim, facts, decision and basis under their labels.
    """

    title: str
    heading: str
    code_line: str
    parts: tuple[tuple[str, str], ...]
    footer: str = ""
    cut_note: str = "…"  # ends a cut answer: where the rest is


def drawable(font_path: str | None = None) -> bool:
    """Whether this machine can draw an answer in Chinese (a CJK font is installed); asked on
    every tracking page, so it only looks (loading the font logs its absence each time)."""
    return not font_missing(font_path)


def answer_layout(card: AnswerCard, font: PrintFont) -> Layout:
    """Lay the answer out on a page 80 mm wide, as tall as its text (at most MAX_LINES lines)."""
    inner = WIDTH - 2 * MARGIN
    items: list[Item] = []
    y = 10.0
    title = font.text(card.title, "Yima")
    items.append(Text(WIDTH / 2, y, title, fit_size(font, title, 14, inner, 9), RED, bold=True))
    y += 7.0
    for line in wrap(font, font.text(card.heading), 10, inner, 3):
        items.append(Text(MARGIN, y, line, 10, INK, anchor="start", bold=True))
        y += 5.0
    items.append(Text(MARGIN, y, font.text(card.code_line), 9, GREY, anchor="start"))
    y += 3.0
    items.append(Line(MARGIN, y, WIDTH - MARGIN, y, 0.3, RULE))
    y += 6.5
    left = MAX_LINES
    for label, text in card.parts:
        if left <= 0:
            break
        if label:
            items.append(Text(MARGIN, y, font.text(label), 9, GREY, anchor="start", bold=True))
            y += 5.0
        lines = _paragraphs(font, text, inner)
        cut = len(lines) > left
        for line in lines[:left]:
            items.append(Text(MARGIN, y, line, BODY, INK, anchor="start"))
            y += LEADING
        left -= len(lines)
        if cut:
            for line in wrap(font, font.text(card.cut_note), 9, inner, 3):
                items.append(Text(MARGIN, y, line, 9, RED, anchor="start"))
                y += 4.6
        y += 2.0
    items.append(Line(MARGIN, y - 1.5, WIDTH - MARGIN, y - 1.5, 0.3, RULE))
    y += 3.5
    for line in wrap(font, font.text(card.footer), 8.5, inner, 4):
        items.append(Text(WIDTH / 2, y, line, 8.5, GREY))
        y += 4.2
    return Layout(WIDTH, y + MARGIN - 2.0, tuple(items))


def _paragraphs(font: PrintFont, text: str, width: float) -> list[str]:
    """`text` broken into lines of `width` mm, its own line breaks kept (a blank line too)."""
    lines: list[str] = []
    for paragraph in font.text(text).splitlines() or [""]:
        lines += wrap(font, paragraph, BODY, width, MAX_LINES + 1) or [""]
    return lines


def answer_png(card: AnswerCard, *, font_path: str | None = None) -> bytes:
    """The answer as a PNG 640 px wide in 16 greys (text only: a few tens of KB)."""
    font = load_print_font(font_path)
    image = layout_image(answer_layout(card, font), font, dpi=PX_PER_MM * 25.4)
    image = image.quantize(colors=16, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(PX_PER_MM * 25.4,) * 2)
    return buffer.getvalue()
