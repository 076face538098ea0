"""Photos made safe to keep: decoded by Pillow in the accepted formats only, refused before
decoding when they declare too many pixels, turned the way the camera meant (EXIF orientation),
then re-encoded as a new JPEG or PNG with no metadata at all (no EXIF, GPS, XMP, comments or
ICC profile: a profile other than sRGB is converted to sRGB first). Nothing of the file as sent
is kept. A PDF a unit attaches is checked to be one and kept as sent (it is the unit's own letter).

No Flask here: the services and bench/photos.py call it alike.
"""
import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from app.domain.attachments import (
    IMAGE_FORMATS, MAX_FILE_BYTES, MAX_PIXELS, PDF, STORED_SIDE, THUMB_SIDE, Refusal,
)

register_heif_opener()  # HEIC/HEIF (iPhones) through pillow-heif, decoded like any other format
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
JPEG_QUALITY = 85


class BadFile(Exception):
    """A file refused; `refusal` says why (app/domain/attachments.py Refusal)."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class Cleaned:
    """A file ready to store: its bytes, type, checksum and, for an image, size and thumbnail."""

    data: bytes
    media_type: str
    width: int = 0
    height: int = 0
    thumb: bytes | None = None

    @property
    def checksum(self) -> str:
        """SHA-256 of the stored bytes, hex."""
        return hashlib.sha256(self.data).hexdigest()


def _open(raw: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns between its own limit and twice it; ours below is far lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError:
        raise BadFile(Refusal.TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise BadFile(Refusal.NOT_ACCEPTED) from None
    width, height = image.size
    if width * height > MAX_PIXELS or width < 1 or height < 1:
        raise BadFile(Refusal.TOO_MANY_PIXELS)  # read from the header: nothing is decoded yet
    return image


def _decoded(image: Image.Image) -> Image.Image:
    """The pixels, at most about STORED_SIDE on the long side, the right way up, in sRGB."""
    if image.format == "JPEG":
        # Decoded at 1/2, 1/4 or 1/8 scale while the long side stays over 3/4 of STORED_SIDE:
        # a 12-megapixel photo decodes at 2000 x 1500, a quarter of the memory and the time.
        image.draft("RGB", (STORED_SIDE * 3 // 4, STORED_SIDE * 3 // 4))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
        icc = image.info.get("icc_profile")
        alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        mode = "RGBA" if alpha else "RGB"
        pixels = image if image.mode == mode else image.convert(mode)
        ImageOps.exif_transpose(pixels, in_place=True)  # no copy: the pixels are turned where they are
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise BadFile(Refusal.BROKEN) from None
    if icc:
        try:
            pixels = ImageCms.profileToProfile(pixels, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB,
                                               outputMode=pixels.mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile is dropped; the pixels stay as they were
    pixels.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    pixels.info = {}  # nothing of the sent file's metadata may reach the encoder
    return pixels


def _encode(image: Image.Image) -> tuple[bytes, str]:
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, format="PNG", optimize=False)
        return out.getvalue(), "image/png"
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), "image/jpeg"


def _check_size(raw: bytes) -> None:
    if not raw:
        raise BadFile(Refusal.EMPTY)
    if len(raw) > MAX_FILE_BYTES:
        raise BadFile(Refusal.TOO_LARGE)


def clean_image(raw: bytes) -> Cleaned:
    """A photo as sent, re-encoded without metadata, upright, with its thumbnail; else BadFile."""
    _check_size(raw)
    pixels = _decoded(_open(raw))
    data, media_type = _encode(pixels)
    small = pixels.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumb, _type = _encode(small)
    return Cleaned(data, media_type, pixels.width, pixels.height, thumb)


def clean_attachment(raw: bytes) -> Cleaned:
    """A unit's attachment: a PDF kept as sent (it must be one), or an image cleaned as above."""
    _check_size(raw)
    if raw.startswith(b"%PDF-"):
        if b"%%EOF" not in raw[-2048:]:
            raise BadFile(Refusal.BROKEN)
        return Cleaned(raw, PDF)
    return clean_image(raw)
