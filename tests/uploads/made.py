"""Photos and bad files made by the tests: a phone's JPEG with GPS, the camera's make and model,
XMP and a 90° orientation tag; a HEIC, a WebP, a PNG with alpha; and the files to refuse."""
import io
import struct
import zlib

from PIL import Image

GPS_IFD, ORIENTATION, MAKE, MODEL = 0x8825, 0x0112, 0x010F, 0x0110
SECRET_WORDS = (b"iPhone", b"Apple", b"GPS", b"xmpmeta", b"Exif")  # none may survive


def upright(width: int = 300, height: int = 400) -> Image.Image:
    """The picture as the citizen saw it: red on top, blue below (taller than wide)."""
    image = Image.new("RGB", (width, height), (20, 40, 220))
    image.paste((220, 30, 30), (0, 0, width, height // 2))
    return image


def phone_exif() -> Image.Exif:
    """EXIF as a phone writes it: make, model, GPS and orientation 6 (turn 90° clockwise to show)."""
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[ORIENTATION] = "Apple", "iPhone 15", 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (29.0, 58.0, 12.5), 3: "E", 4: (121.0, 9.0, 30.25)})
    return exif


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description exif:GPSLatitude="29,58.2N" xmlns:exif="http://ns.adobe.com/exif/1.0/"/>'
       b'</rdf:RDF></x:xmpmeta>')


def phone_jpeg(width: int = 300, height: int = 400, quality: int = 90) -> bytes:
    """A JPEG stored sideways, as a phone held upright stores it, with its EXIF, GPS and XMP."""
    out = io.BytesIO()
    # Stored turned 90° anticlockwise: orientation 6 turns it back.
    upright(width, height).rotate(90, expand=True).save(out, "JPEG", quality=quality, exif=phone_exif(),
                                                        xmp=XMP, comment=b"iPhone 15 GPS")
    return out.getvalue()


def phone_heic() -> bytes:
    """The same photo as an iPhone's HEIC."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    upright().rotate(90, expand=True).save(out, "HEIF", exif=phone_exif().tobytes(), quality=80)
    return out.getvalue()


def webp() -> bytes:
    """A WebP with GPS EXIF, upright."""
    out = io.BytesIO()
    exif = phone_exif()
    exif[ORIENTATION] = 1
    upright().save(out, "WEBP", exif=exif.tobytes())
    return out.getvalue()


def png_with_alpha() -> bytes:
    """A PNG with transparency and a text chunk: kept as PNG, without the text."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "iPhone GPS 29.97N")
    out = io.BytesIO()
    Image.new("RGBA", (120, 80), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_renamed() -> bytes:
    """A PDF: sent as street.jpg, it is still no photo."""
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def png_bomb(side: int = 50_000) -> bytes:
    """A real PNG of side x side 1-bit pixels, all black: a few hundred KB that decode to gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    """A phone photo cut off halfway through sending."""
    whole = phone_jpeg(1200, 1600)
    return whole[: len(whole) // 2]


def eleven_mb_jpeg() -> bytes:
    """A real JPEG of just over 11 MB (noise compresses badly)."""
    import os

    side = 1680
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=100, subsampling=0)
    data = out.getvalue()
    assert 11 * 1024 * 1024 < len(data) < 12 * 1024 * 1024, len(data)
    return data


def post_form(client, path: str, fields: dict):
    """POST `fields` as multipart/form-data, (BytesIO, name) pairs as files, encoded in memory:
    the test client spools a large body to a temporary file it never closes."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    values = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            values.add(name, FileStorage(item[0], item[1], content_type="application/octet-stream")
                       if isinstance(item, tuple) else item)
    boundary, body = encode_multipart(values)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
