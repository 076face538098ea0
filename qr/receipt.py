"""The citizen's receipt QR: the tracking URL as SVG and PNG.

Error correction M: a receipt lives on a phone screen or a clean slip of paper, so
15% recovery is plenty, and the lower level keeps the modules large on a screenshot.
"""
import io

import segno

from qr.print_symbol import best_mask

ERROR = "m"


def make(url: str) -> segno.QRCode:
    """The QR symbol for a URL: segno's own, its mask chosen the fast way (qr/print_symbol.py),
    which halves the first view of every new receipt."""
    return segno.make_qr(url, error=ERROR, boost_error=False, mask=best_mask(url, ERROR))


def svg(url: str, scale: int = 6, title: str = "") -> str:
    """The QR as an SVG document (4-module quiet zone), sized `scale` px per module."""
    buffer = io.BytesIO()
    make(url).save(buffer, kind="svg", scale=scale, border=4, xmldecl=False,
                   svgns=True, title=title or None, unit=None)
    return buffer.getvalue().decode()


def png(url: str, scale: int = 8) -> bytes:
    """The QR as a PNG image (4-module quiet zone), `scale` px per module."""
    buffer = io.BytesIO()
    make(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
