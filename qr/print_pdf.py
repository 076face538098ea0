"""Print-ready PDFs of posted QR codes: posters (A4/A5), batches, and A4 sticker sheets.

PDF library: **fpdf2** (pure Python, LGPL-3.0; its only heavy dependency is fontTools, which
does the subsetting). It embeds a *subset* of TrueType fonts, of collections (.ttc, picked with
``collection_font_number``) and of CFF-flavoured OpenType such as Noto Sans CJK, always with a
ToUnicode map, so the Chinese text prints on machines without Chinese fonts and can still be
searched and copied. reportlab also subsets TrueType, but rejects fonts with PostScript (CFF)
outlines, i.e. fonts-noto-cjk, and is the larger dependency. fpdf2 lays out 1,000 posters in a
few seconds, and everything here is vector: the QR is filled rectangles, never a bitmap.

fpdf2 assembles the document in memory and writes it at the end, so the caller's iterable is
consumed lazily (one layout at a time) and only the compact page streams are held; the output is
then written straight to the caller's binary stream.
"""

from __future__ import annotations

import io
import itertools
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import TextMode

from qr.print_fonts import PrintFont, load_print_font
from qr.print_layout import (
    PAGE_SIZES, QUIET_ZONE, Box, Dot, Layout, Line, PosterSpec, QrBlock, Text, bold_stroke,
)
from qr.print_pages import LABELS_PER_SHEET, poster_layout, sticker_sheets

Progress = Callable[[int], None]
_CJK = "yima-cjk"
_WIDTHS_KEPT = 512


@dataclass(frozen=True)
class PrintResult:
    """What was printed: page and poster counts, and which font (None when it was missing)."""

    pages: int
    posters: int
    font_path: str | None

    @property
    def font_missing(self) -> bool:
        """True when the PDF carries no Chinese text because no CJK font was found."""
        return self.font_path is None


def _not_empty(specs: Iterable[PosterSpec]) -> Iterator[PosterSpec]:
    """The specs, lazily, once it is known there is at least one; else ValueError."""
    specs = iter(specs)
    first = next(specs, None)
    if first is None:
        raise ValueError("no posters to print")
    return itertools.chain([first], specs)


class PdfCanvas:
    """An fpdf2 document that draws :class:`Layout` pages."""

    def __init__(self, font: PrintFont, title: str) -> None:
        """Start an empty document set in ``font`` (a core font when it is missing)."""
        self.font = font
        pdf = FPDF(unit="mm")
        pdf.set_auto_page_break(False)
        pdf.set_margin(0)
        pdf.set_title(title)
        pdf.set_creator("Yima")
        pdf.set_lang("zh-CN")
        if font.font_missing:
            self.family = "helvetica"
        else:
            pdf.add_font(_CJK, "", font.path, collection_font_number=font.index)
            # Memory trick: fontTools unpacks a CJK font's hmtx table with one struct format
            # of ~100,000 codes, which the struct module keeps compiled in its cache (3 MB for
            # WenQuanYi's 49,531 glyphs) long after the table is read; dropping it keeps a
            # 1,000-poster batch's peak RSS 3 MB lower. (A private call of CPython's struct.)
            getattr(struct, "_clearcache", lambda: None)()
            self.family = _CJK
        self.pdf = pdf
        self._widths: dict[tuple[str, float, bool], float] = {}

    def draw(self, layout: Layout) -> None:
        """Add one page and paint ``layout`` on it."""
        pdf = self.pdf
        pdf.add_page(format=(layout.width, layout.height))
        for item in layout.items:
            if isinstance(item, QrBlock):
                self._qr(item)
            elif isinstance(item, Text):
                self._text(item)
            elif isinstance(item, Box):
                pdf.set_fill_color(*item.color)
                pdf.rect(item.x, item.y, item.w, item.h, style="F")
            elif isinstance(item, Dot):
                pdf.set_fill_color(*item.color)
                pdf.circle(item.x, item.y, item.r, style="F")
            elif isinstance(item, Line):
                pdf.set_draw_color(*item.color)
                pdf.set_line_width(item.width)
                pdf.line(item.x1, item.y1, item.x2, item.y2)

    def _qr(self, qr: QrBlock) -> None:
        pdf, k = self.pdf, self.pdf.k
        # A white square keeps the quiet zone clear even if a design puts colour behind it.
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(qr.x, qr.y, qr.size, qr.size, style="F")
        # Speed trick: the dark rectangles go out as one path in module units under a single
        # transform ("c r w h re" in small integers), filled once, instead of ~230 pdf.rect()
        # calls that each format four floats, coerce the style enum and append to the page:
        # that saved ~1 s of CPU per 1,000 posters and a fifth of the page streams' bytes, and
        # one fill leaves no anti-aliasing seams between abutting rectangles. The q/Q pair keeps
        # fpdf2's idea of the colours true. fpdf2 has no public call for raw page content;
        # _out() is what its own rect() uses (fpdf2 is pinned; the print tests decode the result).
        quiet = QUIET_ZONE * qr.module
        m, x0, y0 = qr.module * k, (qr.x + quiet) * k, (pdf.h - qr.y - quiet) * k
        path = " ".join(f"{c} {r} {w} {h} re" for c, r, w, h in qr.runs)
        pdf._out(f"q 0 g {m:.4f} 0 0 {-m:.4f} {x0:.2f} {y0:.2f} cm {path} f Q")

    def _text(self, t: Text) -> None:
        pdf = self.pdf
        text = t.text
        if not text:
            return
        if self.font.font_missing:
            # Core fonts are Latin-1 only; anything else would raise inside fpdf2.
            text = text.encode("latin-1", "replace").decode("latin-1")
            pdf.set_font(self.family, "B" if t.bold else "", t.size)
        else:
            pdf.set_font(self.family, "", t.size)
        pdf.set_text_color(*t.color)
        x = t.x - self._width(text, t.size, t.bold) / 2 if t.anchor == "middle" else t.x
        if t.bold and not self.font.font_missing:
            # In a saved graphics state: fpdf2 writes no "0 Tr" for plain text after it, so a
            # mode set outside one would outline every later line on the page too.
            with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=bold_stroke(t.size),
                                   draw_color=t.color):
                pdf.text(x, t.y, text)
        else:
            pdf.text(x, t.y, text)

    def _width(self, text: str, size: float, bold: bool) -> float:
        # Speed trick: most lines of a poster (headline, steps, footer) are the same on every
        # page, and fpdf2 measures a string slowly (style and bidi preloading on each call);
        # remembering the last few hundred widths saves ~0.2 s of CPU per 1,000 posters.
        key = (text, size, bold)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) >= _WIDTHS_KEPT:
                self._widths.clear()
            width = self._widths[key] = self.pdf.get_string_width(text)
        return width

    def write(self, stream: BinaryIO) -> None:
        """Finish the document (subsetting the font) and write it to ``stream``."""
        stream.write(self.pdf.output())


def write_posters_pdf(
    specs: Iterable[PosterSpec],
    stream: BinaryIO,
    *,
    size: str = "a4",
    font_path: str | None = None,
    progress: Progress | None = None,
) -> PrintResult:
    """Write one poster per page (A4 or A5 portrait) for every spec to ``stream``.

    ``progress(done)`` is called after each poster. Raises ValueError for no posters.
    """
    if size not in PAGE_SIZES:
        raise ValueError(f"unknown poster size {size!r}; expected one of {sorted(PAGE_SIZES)}")
    specs = _not_empty(specs)  # refuse before fpdf2 opens the font file
    font = load_print_font(font_path)
    canvas = PdfCanvas(font, "扫码提建议 · 一码听民意")
    count = 0
    for spec in specs:
        canvas.draw(poster_layout(spec, font, size))
        count += 1
        if progress:
            progress(count)
    canvas.write(stream)
    return PrintResult(pages=count, posters=count, font_path=font.path)


def write_sticker_sheet_pdf(
    specs: Iterable[PosterSpec],
    stream: BinaryIO,
    *,
    font_path: str | None = None,
    progress: Progress | None = None,
    skip: int = 0,
) -> PrintResult:
    """Write A4 sheets of 3 x 8 labels (70 x 37 mm), one label per spec, to ``stream``.

    ``skip`` leaves the first labels of the first sheet blank (for partly used sheets);
    ``progress(done)`` is called after each label.
    """
    if not 0 <= skip < LABELS_PER_SHEET:
        raise ValueError(f"skip must be between 0 and {LABELS_PER_SHEET - 1}")
    specs = _not_empty(specs)  # refuse before fpdf2 opens the font file
    font = load_print_font(font_path)
    canvas = PdfCanvas(font, "扫码提建议 · 标签")
    pages = count = 0
    for layout, placed in sticker_sheets(specs, font, skip):
        canvas.draw(layout)
        pages += 1
        for _ in placed:
            count += 1
            if progress:
                progress(count)
    canvas.write(stream)
    return PrintResult(pages=pages, posters=count, font_path=font.path)


def poster_pdf(spec: PosterSpec, *, size: str = "a4", font_path: str | None = None) -> bytes:
    """One poster as PDF bytes."""
    return posters_pdf([spec], size=size, font_path=font_path)


def posters_pdf(
    specs: Iterable[PosterSpec],
    *,
    size: str = "a4",
    font_path: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """A batch PDF, one poster per page, as bytes (see :func:`write_posters_pdf`)."""
    buf = io.BytesIO()
    write_posters_pdf(specs, buf, size=size, font_path=font_path, progress=progress)
    return buf.getvalue()


def sticker_sheet_pdf(
    specs: Iterable[PosterSpec],
    *,
    font_path: str | None = None,
    progress: Progress | None = None,
    skip: int = 0,
) -> bytes:
    """Sticker sheets as PDF bytes (see :func:`write_sticker_sheet_pdf`)."""
    buf = io.BytesIO()
    write_sticker_sheet_pdf(specs, buf, font_path=font_path, progress=progress, skip=skip)
    return buf.getvalue()
