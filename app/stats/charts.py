"""Charts drawn on the server as SVG: no JavaScript, no CDN, text escaped, sized by viewBox.

Each chart is a picture of a table that the page prints beside it, so nothing is only in it.
"""
import re
import unicodedata
from html import escape

from markupsafe import Markup

BAR = "#c8102e"
TEXT = "#1d2433"
FONT = 'font-family="-apple-system, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"'


FONT_SIZE = 13
LABEL_MAX = 280  # px of the 640 a bar's label may take; a longer one wraps onto a second line
LABEL_LINES = 2  # past two lines a label is cut, whole in its tooltip
LINE_H = 15  # px between a wrapped label's lines
# Where a label may break: after a space, or between two wide (CJK) characters.
_PIECES = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\S\s*|\s+")


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """About how wide `text` sets: a CJK (wide) character one em, anything else about 0.62 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.62 for ch in text)


def fitted(text: str, room: float, size: int = FONT_SIZE) -> str:
    """`text`, cut with an ellipsis to fit `room` px."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def wrapped(text: str, room: float, lines: int = LABEL_LINES, size: int = FONT_SIZE) -> list[str]:
    """`text` in at most `lines` lines of `room` px, broken between words (or CJK characters);
    what still does not fit is cut with an ellipsis on the last line."""
    found: list[str] = []
    line = ""
    for piece in _PIECES.findall(text.strip()):
        if len(found) < lines - 1 and line and text_width((line + piece).rstrip(), size) > room:
            found.append(line.rstrip())
            line = piece
        else:
            line += piece  # the last line takes the rest: fitted() cuts it
    return [fitted(part, room, size) for part in found + [line.rstrip()]]


def bar_chart(rows: list[tuple[str, float]], title: str, value_format=str, width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value), longest first as given. The labels' column is
    as wide as the longest label needs ("Transport Bureau" whole in English), up to LABEL_MAX;
    a longer label wraps onto a second line and its row grows to hold it."""
    row_h, pad = 26, 8
    label_w = min(LABEL_MAX, max([120] + [text_width(label) + 12 for label, _ in rows]))
    shown = [wrapped(label, label_w - 10) for label, _ in rows]
    heights = [row_h + LINE_H * (len(lines) - 1) for lines in shown]
    height = pad * 2 + (sum(heights) if rows else row_h) + 20
    top = max((v for _, v in rows), default=0) or 1
    scale = (width - label_w - 70) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart" {FONT} font-size="13">',
             f'<title>{escape(title)}</title>']
    y = pad + 20
    for (label, value), lines, h in zip(rows, shown, heights):
        bar = max(value * scale, 0)
        middle = y + h / 2 + 5  # the baseline that centres one line of 13 px text in the row
        first = middle - LINE_H * (len(lines) - 1) / 2
        spans = "".join(f'<tspan x="{label_w - 6:.0f}" y="{first + LINE_H * i:.1f}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" fill="{TEXT}"><title>{escape(label)}</title>{spans}</text>')
        parts.append(f'<rect x="{label_w:.0f}" y="{y + (h - row_h) / 2 + 3:.1f}" width="{bar:.1f}" '
                     f'height="{row_h - 8}" fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + bar + 6:.1f}" y="{middle:.1f}" fill="{TEXT}">'
                     f'{escape(value_format(value))}</text>')
        y += h
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(points: list[tuple[str, int]], title: str, width: int = 640, height: int = 220) -> Markup:
    """Vertical columns over time, labelled at a readable interval."""
    left, bottom, top_pad = 40, 28, 12
    n = max(len(points), 1)
    step = (width - left - 8) / n
    top = max((v for _, v in points), default=0) or 1
    scale = (height - bottom - top_pad) / top
    every = max(1, -(-n // 10))  # at most ten labels, so they never overlap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart" {FONT} font-size="12">',
             f'<title>{escape(title)}</title>',
             f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end" fill="{TEXT}">{top}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" stroke="#999"/>']
    for i, (label, value) in enumerate(points):
        x = left + i * step
        h = value * scale
        parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{height - bottom - h:.1f}" width="{step * 0.8:.1f}" '
                     f'height="{h:.1f}" fill="{BAR}"><title>{escape(label)}: {value}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 10}" text-anchor="middle" '
                         f'fill="{TEXT}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
