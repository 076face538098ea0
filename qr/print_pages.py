"""Composition of the two printed products: the poster page and the sticker sheet.

The poster is designed once on A4 in millimetres and scaled for A5, so both sizes look the same;
the QR's quiet-zone square is 104 mm on A4, which leaves the symbol itself at least 75 mm wide
whatever the QR version (6 cm required), and 73 mm on A5 (symbol ≥ 53 mm, 4 cm required).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from qr.print_fonts import PrintFont
from qr.print_layout import (
    GREY,
    INK,
    LABEL_COLS,
    LABEL_H,
    LABEL_W,
    LABELS_PER_SHEET,
    PAGE_SIZES,
    RED,
    RULE,
    WHITE,
    SHEET_TOP,
    Box,
    Dot,
    Item,
    Layout,
    Line,
    PosterSpec,
    Text,
    display_url,
    fit_size,
    qr_block,
    wrap,
)

HEADLINE = "扫码提建议 · 一码听民意"
STEPS = (("扫码", "Scan"), ("填写建议", "Write"), ("保存回执查进度", "Keep receipt"))
POSTER_QR_OUTER = 104.0  # mm on A4, quiet zone included
STICKER_QR_OUTER = 35.0  # mm: symbol ≥ 25.3 mm even for a version-1 QR


def poster_layout(spec: PosterSpec, font: PrintFont, size: str = "a4") -> Layout:
    """Lay out one poster on an A4 or A5 portrait page."""
    if size not in PAGE_SIZES:
        raise ValueError(f"unknown poster size {size!r}; expected one of {sorted(PAGE_SIZES)}")
    width, height = PAGE_SIZES[size]
    s = width / 210.0  # everything below is designed in A4 millimetres
    mid = width / 2
    items: list[Item] = []

    # Header band: the headline must read from across a room, so it fills the width.
    items.append(Box(0, 0, width, 44 * s, RED))
    headline = font.text(HEADLINE, "SCAN TO MAKE A SUGGESTION")
    hsize = fit_size(font, headline, 40 * s, 180 * s, 12 * s)
    items.append(Text(mid, 28.5 * s, headline, hsize, WHITE, bold=True))

    # Who answers and where this code hangs.
    y = 62 * s
    unit = font.text(spec.unit_name)
    usize = fit_size(font, unit, 22 * s, 176 * s, 15 * s)
    for line in wrap(font, unit, usize, 176 * s, 2):
        items.append(Text(mid, y, line, usize, INK, bold=True))
        y += usize * 0.48  # points to mm, times a 1.35 line height
    place_lines = wrap(font, font.text(spec.place_label), 15 * s, 170 * s, 2)
    for line in place_lines:
        items.append(Text(mid, y + 1 * s, line, 15 * s, GREY))
        y += 7 * s

    # The QR sits in the remaining upper space, centred, with its full quiet zone.
    outer = POSTER_QR_OUTER * s
    qr_top = max(y - 2 * s, 80 * s)
    items.append(qr_block(spec.url, mid - outer / 2, qr_top, outer))

    # For people who cannot scan: the address to type and the code to quote on the phone.
    y = qr_top + outer + 6 * s
    hint = font.text("无法扫码时，请用浏览器打开", "Cannot scan? Type this address:")
    items.append(Text(mid, y, hint, 11 * s, GREY))
    url = display_url(spec.url)
    items.append(Text(mid, y + 8 * s, url, fit_size(font, url, 16 * s, 180 * s, 8 * s), INK))
    code_label = font.text("海报编号：", "Poster code: ") + spec.code
    items.append(Text(mid, y + 16 * s, code_label, 12 * s, INK, bold=True))

    # Three steps, joined by a thin line: scan, write, keep the receipt.
    cy = 240 * s
    centres = [width * k / 6 for k in (1, 3, 5)]
    items.append(Line(centres[0], cy, centres[2], cy, 0.6 * s, RULE))
    for n, (centre, (zh, en)) in enumerate(zip(centres, STEPS), start=1):
        items.append(Dot(centre, cy, 7.5 * s, RED))
        items.append(Text(centre, cy + 2.9 * s, str(n), 22 * s, WHITE, bold=True))
        items.append(Text(centre, cy + 15 * s, font.text(zh, en), 14 * s, INK))

    # Footer: the county that answers, and a plea to leave the code alone.
    items.append(Line(15 * s, 268 * s, width - 15 * s, 268 * s, 0.3 * s, RULE))
    county = font.text(spec.county_name)
    footer = f"{county} · {font.text('一码听民意', 'Yima')}" if county else font.text("一码听民意", "Yima")
    items.append(Text(mid, 277 * s, footer, 13 * s, INK, bold=True))
    items.append(Text(mid, 284.5 * s, font.text("本码长期有效 · 请勿遮挡或撕毁", ""), 9 * s, GREY))
    return Layout(width, height, tuple(items))


def sticker_label(spec: PosterSpec, font: PrintFont, x: float, y: float) -> list[Item]:
    """The items of one 70 x 37 mm label whose top left corner is at (x, y)."""
    items: list[Item] = [qr_block(spec.url, x + 1, y + 1, STICKER_QR_OUTER)]
    tx, tw = x + 37, LABEL_W - 41  # text column; 4 mm right margin for die-cut drift
    title = font.text("扫码提建议", "Scan to suggest")
    items.append(Text(tx, y + 9, title, fit_size(font, title, 11, tw, 7), RED, "start", True))
    ty = y + 15
    for line in wrap(font, font.text(spec.place_label), 8, tw, 3):
        items.append(Text(tx, ty, line, 8, INK, "start"))
        ty += 3.8
    unit = font.text(spec.unit_name)
    if unit and ty < y + 27:
        line = wrap(font, unit, 6.5, tw, 1)[0]
        items.append(Text(tx, ty + 0.5, line, 6.5, GREY, "start"))
    code = font.text("编号 ", "No. ") + spec.code
    items.append(Text(tx, y + 32, code, fit_size(font, code, 9, tw, 6), INK, "start", True))
    return items


def sticker_position(slot: int) -> tuple[float, float]:
    """Top left corner, in mm, of label ``slot`` (0-23) on an A4 sheet, row by row."""
    row, col = divmod(slot % LABELS_PER_SHEET, LABEL_COLS)
    return col * LABEL_W, SHEET_TOP + row * LABEL_H


def sticker_sheets(
    specs: Iterable[PosterSpec], font: PrintFont, skip: int = 0
) -> Iterator[tuple[Layout, list[PosterSpec]]]:
    """Yield A4 sticker sheets, 24 labels each, with the specs placed on each.

    ``skip`` leaves that many labels empty at the start of the first sheet, so a partly used
    sheet of labels can be fed through the printer again.
    """
    if not 0 <= skip < LABELS_PER_SHEET:
        raise ValueError(f"skip must be between 0 and {LABELS_PER_SHEET - 1}")
    width, height = PAGE_SIZES["a4"]
    items: list[Item] = []
    placed: list[PosterSpec] = []
    slot = skip
    for spec in specs:
        items.extend(sticker_label(spec, font, *sticker_position(slot)))
        placed.append(spec)
        slot += 1
        if slot == LABELS_PER_SHEET:
            yield Layout(width, height, tuple(items)), placed
            items, placed, slot = [], [], 0
    if placed:
        yield Layout(width, height, tuple(items)), placed
