"""Files to upload in tests, made on the spot: real images, PDFs, snapshots, and the bad kinds the desk must refuse."""
import functools
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_MARKER = b"MARKER-EXIF-GPS-5d1e"


def image_bytes(width=1200, height=800, image_format="JPEG", color=(200, 40, 40), exif=False):
    """A real image; with `exif`, carrying EXIF (a camera maker and a GPS note with a unique marker)."""
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "PhoneMaker"  # Make
        tags[0x010E] = GPS_MARKER.decode()  # ImageDescription
        options["exif"] = tags.tobytes()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg(name="photo.jpg", **kwargs):
    return upload(name, image_bytes(**kwargs), "image/jpeg")


def png(name="screenshot.png", **kwargs):
    return upload(name, image_bytes(image_format="PNG", **kwargs), "image/png")


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><head><title>Channel post</title></head><body><p>Archived post</p></body></html>"


def pdf(name="statement.pdf"):
    return upload(name, PDF, "application/pdf")


def svg(name="logo.png"):
    """An SVG, named and typed as a PNG: refused by its content."""
    return upload(name, SVG, "image/png")


def html_snapshot(name="post.html"):
    return upload(name, HTML, "text/html")


def text_named_as(name):
    """Plain text under an image's or a PDF's name and type."""
    return upload(name, b"just some text, not what the name says", "image/jpeg")


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@functools.lru_cache(maxsize=1)
def bomb_bytes(side=30_000):
    """A small PNG that says it holds side × side pixels (900 million): a decompression bomb."""
    row = b"\x00" * (1 + side // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def bomb(name="huge.png"):
    return upload(name, bomb_bytes(), "image/png")
