"""Decode QR codes the way a phone would: from pixels, with zxing-cpp."""
import io

import cairosvg
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
