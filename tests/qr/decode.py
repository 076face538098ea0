"""Read printed output the way people do: QR codes from pixels (zxing-cpp), as a phone would,
and a PDF's text as a PDF viewer does (pdfium)."""
import io

import cairosvg
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image


def decode_png(data: bytes) -> list[str]:
    """Every QR text found in a PNG image."""
    image = Image.open(io.BytesIO(data)).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def decode_svg(svg: str, scale: float = 1.0) -> list[str]:
    """Render an SVG with a real renderer (cairo), then decode it."""
    png = cairosvg.svg2png(bytestring=svg.encode(), scale=scale, background_color="white")
    return decode_png(png)


def pdf_lines(pdf: bytes, page: int = 0) -> list[str]:
    """The text lines of one PDF page, as a viewer copies them.

    pdfium maps each glyph to text through the font's ToUnicode map, for TrueType (WenQuanYi)
    and CFF (Noto Sans CJK) subsets alike; pypdf misreads the CFF one, whose encoding fpdf2
    writes as an inline CMap.
    """
    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[page].get_textpage().get_text_range().splitlines()
    finally:
        doc.close()
