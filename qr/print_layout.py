"""Where everything goes on a printed poster or sticker, independent of the output format.

Layouts are plain data in millimetres (origin top left, text placed by its baseline), so the PDF,
SVG and PNG renderers draw the very same page and tests can check the geometry directly.

QR error correction is level **H** (~30 % of codewords recoverable), not Q (~25 %): posters hang on
walls for years and get stained, sun-faded, torn at a corner, taped over or written on, and glossy
laminate adds glare. Poster URLs are short (``https://host/p/CODE``), so H costs one QR version
(37 instead of 33 modules for a ~36-character URL): at 6 cm a module stays ~1.6 mm and on a
2.5 cm sticker ~0.7 mm, both far above what a phone camera resolves at arm's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from qr.print_fonts import PrintFont, is_wide
from qr.print_symbol import symbol_rows

ERROR_LEVEL = "h"
QUIET_ZONE = 4  # modules; ISO/IEC 18004 requires 4 around a QR symbol

PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a5": (148.0, 210.0)}

# Sticker sheet: 3 x 8 labels of 70 x 37 mm on A4, the common "24 per sheet" die cut.
LABEL_W, LABEL_H = 70.0, 37.0
LABEL_COLS, LABEL_ROWS = 3, 8
LABELS_PER_SHEET = LABEL_COLS * LABEL_ROWS
SHEET_TOP = (297.0 - LABEL_ROWS * LABEL_H) / 2

RED = (200, 22, 29)
INK = (31, 31, 31)
GREY = (102, 102, 102)
RULE = (190, 190, 190)
WHITE = (255, 255, 255)

Color = tuple[int, int, int]
_DARK_RUN = re.compile("1+")


@dataclass(frozen=True)
class PosterSpec:
    """What one posted code prints: its code, its full URL (from PUBLIC_BASE_URL) and labels."""

    code: str
    url: str
    unit_name: str
    place_label: str
    county_name: str


@dataclass(frozen=True)
class Text:
    """A single line of text; ``y`` is the baseline, ``anchor`` is "start" or "middle"."""

    x: float
    y: float
    text: str
    size: float  # points
    color: Color = INK
    anchor: str = "middle"
    bold: bool = False


@dataclass(frozen=True)
class Box:
    """A filled rectangle."""

    x: float
    y: float
    w: float
    h: float
    color: Color


@dataclass(frozen=True)
class Dot:
    """A filled circle centred on (x, y)."""

    x: float
    y: float
    r: float
    color: Color


@dataclass(frozen=True)
class Line:
    """A straight stroke ``width`` mm wide."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: Color


@dataclass(frozen=True)
class QrBlock:
    """A QR symbol: (x, y) is the top left of its quiet zone, ``size`` includes the quiet zone."""

    x: float
    y: float
    module: float  # mm per module
    modules: int  # symbol width in modules, without the quiet zone
    runs: tuple[tuple[int, int, int, int], ...]  # dark rectangles (col, row, w, h) in modules
    url: str

    @property
    def size(self) -> float:
        """Outer width including the quiet zone, in mm."""
        return (self.modules + 2 * QUIET_ZONE) * self.module

    @property
    def symbol_size(self) -> float:
        """Width of the symbol itself (finder pattern edge to edge), in mm."""
        return self.modules * self.module


Item = Union[Text, Box, Dot, Line, QrBlock]


@dataclass(frozen=True)
class Layout:
    """One page: its size in mm and what to draw, in painting order."""

    width: float
    height: float
    items: tuple[Item, ...]

    @property
    def qr_blocks(self) -> list[QrBlock]:
        """The QR symbols on the page."""
        return [item for item in self.items if isinstance(item, QrBlock)]


def qr_runs(url: str, error: str = ERROR_LEVEL) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:
    """Encode ``url`` at error level ``error`` and return (modules, dark rectangles in module units).

    Horizontal runs of dark modules become one rectangle, and identical runs on consecutive rows
    are stacked into a taller one: about a third of the rectangles of one-per-module drawing,
    which keeps 1,000-page PDFs small and fast to rasterise. The symbol is segno's, with its
    mask chosen the fast way (see :mod:`qr.print_symbol`).
    """
    rows = symbol_rows(url, error)
    open_runs: dict[tuple[int, int], list[int]] = {}  # (col, width) -> [row, height]
    done: list[tuple[int, int, int, int]] = []
    for row, line in enumerate(rows):
        row_runs = {(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(line)}
        for key in [key for key in open_runs if key not in row_runs]:
            top, height = open_runs.pop(key)
            done.append((key[0], top, key[1], height))
        for key in row_runs:
            if key in open_runs:
                open_runs[key][1] += 1
            else:
                open_runs[key] = [row, 1]
    done.extend((key[0], top, key[1], h) for key, (top, h) in open_runs.items())
    return len(rows), tuple(sorted(done, key=lambda r: (r[1], r[0])))


def qr_block(url: str, x: float, y: float, outer: float, error: str = ERROR_LEVEL) -> QrBlock:
    """A QR for ``url`` whose quiet-zone square of ``outer`` mm has its top left at (x, y)."""
    modules, runs = qr_runs(url, error)
    return QrBlock(x, y, outer / (modules + 2 * QUIET_ZONE), modules, runs, url)


def bold_stroke(size: float) -> float:
    """Outline width, in mm, that makes text at ``size`` points read as bold.

    CJK faces rarely ship a bold weight; a thin outline in the text colour thickens the strokes.
    Small text gets relatively less, or its counters fill in.
    """
    return size * (0.011 if size >= 20 else 0.006)


def display_url(url: str) -> str:
    """The URL as printed for typing by hand: without the scheme, which browsers add."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme) :]
    return url


def wrap(font: PrintFont, text: str, size: float, width: float, max_lines: int) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines of ``width`` mm, ending with … if cut.

    Chinese may break between any two characters; Latin words and codes are kept whole.
    """
    tokens: list[str] = []
    for ch in text:
        if tokens and not is_wide(ch) and not is_wide(tokens[-1][-1]) and not ch.isspace():
            if not tokens[-1].endswith(" "):
                tokens[-1] += ch
                continue
        tokens.append(ch)
    lines: list[str] = []
    current = ""
    for token in tokens:
        if current and font.width(current + token, size) > width:
            # Labels like "便民服务中心 一楼大厅" read best broken at their own spaces.
            cut = current.rfind(" ")
            if cut > len(current) // 2:
                lines.append(current[:cut].rstrip())
                current = current[cut + 1 :] + token
            else:
                lines.append(current.rstrip())
                current = token.lstrip()
        else:
            current += token
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.width(last + "…", size) > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last + "…"]
    return lines


def fit_size(font: PrintFont, text: str, size: float, width: float, floor: float) -> float:
    """The largest size ≤ ``size`` (down to ``floor``) at which ``text`` fits in ``width`` mm."""
    while size > floor and font.width(text, size) > width:
        size -= 0.5
    return size
