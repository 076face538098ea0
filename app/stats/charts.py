"""Charts drawn on the server as SVG: no JavaScript, no CDN, text escaped, sized by viewBox.

Each chart is a picture of a table that the page prints beside it, so nothing is only in it.
"""
from html import escape

from markupsafe import Markup

BAR = "#c8102e"
TEXT = "#1d2433"
FONT = 'font-family="-apple-system, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"'


def bar_chart(rows: list[tuple[str, float]], title: str, value_format=str, width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value), longest first as given."""
    label_w, row_h, pad = 180, 26, 8
    height = pad * 2 + row_h * max(len(rows), 1) + 20
    top = max((v for _, v in rows), default=0) or 1
    scale = (width - label_w - 70) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart" {FONT} font-size="13">',
             f'<title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = pad + 20 + i * row_h
        bar = max(value * scale, 0)
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" fill="{TEXT}">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="{row_h - 8}" fill="{BAR}"/>')
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
