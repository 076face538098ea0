"""The poster as SVG (vector, for designers and web previews) and as a 300 dpi PNG.

Both draw the same :func:`qr.print_pages.poster_layout` as the PDF. The SVG sets its text as
``<text>`` in the CJK font's family (with common Chinese fallbacks), so it stays small, editable
and searchable; the PDF is the print-shop format because only it carries the font itself. The
PNG is drawn directly with Pillow and the same font file, with QR modules snapped to whole
pixels so no module is blurred or uneven at 300 dpi.
"""

from __future__ import annotations

import functools
import io
import re
from typing import BinaryIO
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from qr.print_fonts import PrintFont, load_print_font
from qr.print_layout import (
    QUIET_ZONE,
    Box,
    Dot,
    Layout,
    Line,
    PosterSpec,
    QrBlock,
    Text,
    bold_stroke,
)
from qr.print_pages import poster_layout

_PT_MM = 25.4 / 72
_SVG_FALLBACK_FAMILIES = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
)


def poster_svg(spec: PosterSpec, *, size: str = "a4", font_path: str | None = None) -> str:
    """The poster as an SVG document (millimetre units, A4 or A5)."""
    font = load_print_font(font_path)
    return layout_svg(poster_layout(spec, font, size), font)


def write_poster_svg(
    spec: PosterSpec, stream: BinaryIO, *, size: str = "a4", font_path: str | None = None
) -> None:
    """Write the poster SVG, UTF-8 encoded, to a binary ``stream``."""
    stream.write(poster_svg(spec, size=size, font_path=font_path).encode("utf-8"))


def layout_svg(layout: Layout, font: PrintFont) -> str:
    """Render any :class:`Layout` as an SVG document string."""
    if font.font_missing:
        family = "Helvetica, Arial, sans-serif"
    else:
        name = re.sub(r"[^\w .-]", "", font.family)  # it goes inside an attribute
        family = f"'{name}', {_SVG_FALLBACK_FAMILIES}"
    w, h = _num(layout.width), _num(layout.height)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" '
        f'viewBox="0 0 {w} {h}" font-family="{family}">',
        f'<rect width="{w}" height="{h}" fill="#fff"/>',
    ]
    for item in layout.items:
        if isinstance(item, QrBlock):
            out.append(_svg_qr(item))
        elif isinstance(item, Text) and item.text:
            anchor = ' text-anchor="middle"' if item.anchor == "middle" else ""
            bold = ""
            if item.bold:
                bold = f' stroke="{_hex(item.color)}" stroke-width="{_num(bold_stroke(item.size))}"'
            out.append(
                f'<text x="{_num(item.x)}" y="{_num(item.y)}" '
                f'font-size="{_num(item.size * _PT_MM)}"'
                f' fill="{_hex(item.color)}"{anchor}{bold}>{escape(item.text)}</text>'
            )
        elif isinstance(item, Box):
            out.append(
                f'<rect x="{_num(item.x)}" y="{_num(item.y)}" width="{_num(item.w)}" '
                f'height="{_num(item.h)}" fill="{_hex(item.color)}"/>'
            )
        elif isinstance(item, Dot):
            out.append(
                f'<circle cx="{_num(item.x)}" cy="{_num(item.y)}" r="{_num(item.r)}" '
                f'fill="{_hex(item.color)}"/>'
            )
        elif isinstance(item, Line):
            out.append(
                f'<line x1="{_num(item.x1)}" y1="{_num(item.y1)}" x2="{_num(item.x2)}" '
                f'y2="{_num(item.y2)}" stroke="{_hex(item.color)}" '
                f'stroke-width="{_num(item.width)}"/>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _svg_qr(qr: QrBlock) -> str:
    # One path in module units, scaled once: abutting rectangles in a single fill leave no
    # anti-aliasing seams, and the file stays a few kilobytes.
    d = "".join(f"M{c} {r}h{w}v{h}h-{w}z" for c, r, w, h in qr.runs)
    return (
        f'<g transform="translate({_num(qr.x)} {_num(qr.y)}) scale({qr.module:.5f})">'
        f'<rect width="{qr.modules + 2 * QUIET_ZONE}" height="{qr.modules + 2 * QUIET_ZONE}" '
        f'fill="#fff"/><path transform="translate({QUIET_ZONE} {QUIET_ZONE})" d="{d}" '
        f'fill="#000"/></g>'
    )


def poster_png(
    spec: PosterSpec, *, size: str = "a4", dpi: int = 300, font_path: str | None = None
) -> bytes:
    """The poster as PNG bytes at ``dpi`` (300 by default), with the dpi recorded in the file."""
    buf = io.BytesIO()
    write_poster_png(spec, buf, size=size, dpi=dpi, font_path=font_path)
    return buf.getvalue()


def write_poster_png(
    spec: PosterSpec,
    stream: BinaryIO,
    *,
    size: str = "a4",
    dpi: int = 300,
    font_path: str | None = None,
) -> None:
    """Write the poster as a PNG at ``dpi`` to a binary ``stream``."""
    font = load_print_font(font_path)
    image = layout_image(poster_layout(spec, font, size), font, dpi)
    image.save(stream, format="PNG", dpi=(dpi, dpi), optimize=False)


def layout_image(layout: Layout, font: PrintFont, dpi: int = 300) -> Image.Image:
    """Rasterise any :class:`Layout` to an RGB Pillow image at ``dpi``."""
    px = dpi / 25.4
    image = Image.new("RGB", (round(layout.width * px), round(layout.height * px)), "white")
    draw = ImageDraw.Draw(image)
    for item in layout.items:
        if isinstance(item, QrBlock):
            _draw_qr(draw, item, px)
        elif isinstance(item, Text) and item.text:
            face = _pil_font(font.path, font.index, round(item.size * _PT_MM * px))
            anchor = "ms" if item.anchor == "middle" else "ls"
            stroke = round(bold_stroke(item.size) * px / 2) if item.bold else 0
            draw.text(
                (item.x * px, item.y * px), item.text, fill=item.color, font=face,
                anchor=anchor, stroke_width=stroke, stroke_fill=item.color,
            )
        elif isinstance(item, Box):
            draw.rectangle(_px_box(item.x, item.y, item.w, item.h, px), fill=item.color)
        elif isinstance(item, Dot):
            r = item.r
            draw.ellipse(_px_box(item.x - r, item.y - r, 2 * r, 2 * r, px), fill=item.color)
        elif isinstance(item, Line):
            draw.line(
                [(item.x1 * px, item.y1 * px), (item.x2 * px, item.y2 * px)],
                fill=item.color, width=max(1, round(item.width * px)),
            )
    return image


def _draw_qr(draw: ImageDraw.ImageDraw, qr: QrBlock, px: float) -> None:
    # Whole pixels per module (nearest to the layout's size), centred on the same square.
    m = max(1, round(qr.module * px))
    outer = (qr.modules + 2 * QUIET_ZONE) * m
    x0 = round((qr.x + qr.size / 2) * px - outer / 2)
    y0 = round((qr.y + qr.size / 2) * px - outer / 2)
    draw.rectangle((x0, y0, x0 + outer - 1, y0 + outer - 1), fill="white")
    x0, y0 = x0 + QUIET_ZONE * m, y0 + QUIET_ZONE * m
    for c, r, w, h in qr.runs:
        box = (x0 + c * m, y0 + r * m, x0 + (c + w) * m - 1, y0 + (r + h) * m - 1)
        draw.rectangle(box, fill="black")


def _px_box(x: float, y: float, w: float, h: float, px: float) -> tuple[int, int, int, int]:
    return round(x * px), round(y * px), round((x + w) * px) - 1, round((y + h) * px) - 1


@functools.lru_cache(maxsize=64)
def _pil_font(path: str | None, index: int, size_px: int) -> ImageFont.FreeTypeFont:
    if path is None:
        return ImageFont.load_default(size=size_px)
    return ImageFont.truetype(path, size=size_px, index=index)


def _hex(color: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % color


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
