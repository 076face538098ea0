"""The image cleaner alone (app/core/images.py): every orientation comes out upright, nothing of
the sent file's metadata survives, only the accepted formats decode, and a picture declaring
too many pixels is refused from its header, before any pixel is decoded."""
import io
import time

import pytest
from PIL import Image, ImageCms

from app.core.images import BadFile, clean_attachment, clean_image
from app.domain.attachments import MAX_PIXELS, STORED_SIDE, Refusal
from tests.uploads import made

# How each EXIF orientation stores an upright picture, and so what undoes it.
STORED = {1: lambda im: im, 3: lambda im: im.rotate(180), 6: lambda im: im.rotate(90, expand=True),
          8: lambda im: im.rotate(270, expand=True)}


def _jpeg(image: Image.Image, orientation: int = 1, **options) -> bytes:
    exif = made.phone_exif()
    exif[made.ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=92, **options)
    return out.getvalue()


def _upright(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    top, bottom = image.getpixel((image.width // 2, 3)), image.getpixel((image.width // 2, image.height - 3))
    assert image.height > image.width and top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], (top, bottom)
    return image


@pytest.mark.parametrize("orientation", sorted(STORED))
def test_every_orientation_comes_out_upright_and_untagged(orientation):
    cleaned = clean_image(_jpeg(STORED[orientation](made.upright()), orientation))
    image = _upright(cleaned.data)
    assert not image.getexif() and cleaned.media_type == "image/jpeg"
    _upright(cleaned.thumb)


def test_no_exif_gps_xmp_comment_or_icc_survives():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    raw = _jpeg(made.upright(), 1, icc_profile=srgb, xmp=made.XMP, comment=b"iPhone 15 GPS")
    assert all(word in raw for word in (b"GPS", b"iPhone", b"xmpmeta")) and b"ICC_PROFILE" in raw
    cleaned = clean_image(raw)
    for word in (*made.SECRET_WORDS, b"ICC_PROFILE"):
        assert word not in cleaned.data and word not in cleaned.thumb, word
    assert set(Image.open(io.BytesIO(cleaned.data)).info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density",
                                                               "dpi"}


def test_a_large_photo_is_kept_at_the_stored_size():
    cleaned = clean_image(_jpeg(Image.new("RGB", (4000, 3000), "gray")))
    assert max(cleaned.width, cleaned.height) <= STORED_SIDE and cleaned.width >= STORED_SIDE * 3 // 4
    assert max(Image.open(io.BytesIO(cleaned.thumb)).size) == 320


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_only_the_accepted_formats_decode(fmt):
    out = io.BytesIO()
    made.upright().save(out, fmt)
    with pytest.raises(BadFile) as refused:
        clean_image(out.getvalue())
    assert refused.value.refusal is Refusal.NOT_ACCEPTED


def test_too_many_pixels_are_refused_from_the_header_at_once():
    bomb = made.png_bomb()
    assert 50_000 * 50_000 > MAX_PIXELS and len(bomb) < 1_000_000
    start = time.perf_counter()
    with pytest.raises(BadFile) as refused:
        clean_image(bomb)
    assert refused.value.refusal is Refusal.TOO_MANY_PIXELS and time.perf_counter() - start < 0.5
    just_over = io.BytesIO()
    Image.new("1", (10_000, 5_001)).save(just_over, "PNG")
    with pytest.raises(BadFile):
        clean_image(just_over.getvalue())


def test_a_palette_png_with_transparency_stays_transparent():
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (255, 0, 0, 0)).convert("P").save(out, "PNG", transparency=0)
    cleaned = clean_image(out.getvalue())
    assert cleaned.media_type == "image/png" and Image.open(io.BytesIO(cleaned.data)).mode == "RGBA"


def test_a_pdf_attachment_is_kept_as_sent_and_a_cut_one_refused():
    pdf = made.pdf_renamed()
    assert clean_attachment(pdf).data == pdf and clean_attachment(pdf).media_type == "application/pdf"
    with pytest.raises(BadFile) as refused:
        clean_attachment(pdf[:20])
    assert refused.value.refusal is Refusal.BROKEN
    with pytest.raises(BadFile):
        clean_image(pdf)  # a citizen's photo is never a PDF
