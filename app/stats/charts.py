"""Charts drawn on the server as SVG: no JavaScript, no CDN, text escaped, sized by viewBox.

Each chart is a picture of a table that the page prints beside it, so nothing is only in it.
"""
import unicodedata
from html import escape

from markupsafe import Markup

BAR = "#c8102e"
TEXT = "#1d2433"
FONT = 'font-family="-apple-system, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"'


FONT_SIZE = 13
LABEL_MAX = 280  # px of the 640 a bar's label may take; a longer one is cut, whole in its tooltip


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


def bar_chart(rows: list[tuple[str, float]], title: str, value_format=str, width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value), longest first as given. The labels' column is
    as wide as the longest label needs ("Transport Bureau" whole in English), up to LABEL_MAX."""
    row_h, pad = 26, 8
    label_w = min(LABEL_MAX, max([120] + [text_width(label) + 12 for label, _ in rows]))
    height = pad * 2 + row_h * max(len(rows), 1) + 20
    top = max((v for _, v in rows), default=0) or 1
    scale = (width - label_w - 70) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart" {FONT} font-size="13">',
             f'<title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = pad + 20 + i * row_h
        bar = max(value * scale, 0)
        short = fitted(label, label_w - 10)
        parts.append(f'<text x="{label_w - 6:.0f}" y="{y + 15}" text-anchor="end" fill="{TEXT}">'
                     f'<title>{escape(label)}</title>{escape(short)}</text>')
        parts.append(f'<rect x="{label_w:.0f}" y="{y + 3}" width="{bar:.1f}" height="{row_h - 8}" fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + bar + 6:.1f}" y="{y + 15}" fill="{TEXT}">{escape(value_format(value))}</text>')
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
