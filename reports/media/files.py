"""
What an uploaded file is, told from its content, never from its name or the type the browser sent;
and the images made from an upload (the original without its metadata, and its renditions).

`inspect(upload, accepted)` reads the file once, refuses what is too large, SVG (which can carry
scripts), anything whose content is not one of the `accepted` kinds, and images Pillow cannot
verify or that hold more pixels than MEDIA_MAX_IMAGE_PIXELS (decompression bombs); each refusal is
a ValidationError for the form. Nothing is stored here: forms check every file before anything
is saved.
"""
import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError, features

# Pillow's formats an image upload may be in, with the type and extension it is stored under.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
    "GIF": ("image/gif", ".gif"),
}
# The widths renditions are made at (no wider than the original), for srcset.
RENDITION_WIDTHS = (480, 960, 1600)
SAVE_OPTIONS = {"jpeg": {"quality": 85, "optimize": True, "progressive": True}, "png": {"optimize": True}, "webp": {"quality": 80, "method": 4}}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}

SVG = re.compile(rb"<svg[\s>]", re.IGNORECASE)
HTML = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)


@dataclass
class Inspected:
    kind: str  # image, pdf, audio, video or html
    content_type: str
    extension: str
    content: bytes
    width: int = 0
    height: int = 0
    image: object = field(default=None, repr=False)

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self):
        return len(self.content)


def read(upload):
    """The upload's bytes, refused unread if it is larger than the limit the settings name."""
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; files may be at most {filesizeformat(limit)}.", code="too_large"
        )
    upload.seek(0)
    content = upload.read()
    if not content:
        raise ValidationError("This file is empty.", code="empty")
    return content


def sniff(content):
    """(kind, content type, extension) from the first bytes, or None; images are left to Pillow."""
    head = content[:64]
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf", ".pdf"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio", "audio/mpeg", ".mp3"
    if head.startswith(b"OggS"):
        return "audio", "audio/ogg", ".ogg"
    if head.startswith(b"fLaC"):
        return "audio", "audio/flac", ".flac"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio", "audio/wav", ".wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio", "audio/mp4", ".m4a"
        if brand == b"qt  ":
            return "video", "video/quicktime", ".mov"
        return "video", "video/mp4", ".mp4"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "video", "video/webm", ".webm"
    return None


def inspect(upload, accepted):
    """The upload as one of the `accepted` kinds, or a ValidationError saying why not (see the module)."""
    content = read(upload)
    start = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if SVG.search(start) and start.startswith(b"<"):
        raise ValidationError("SVG files are refused: they can carry scripts. Upload a PNG, JPEG or PDF instead.", code="svg")
    found = sniff(content)
    if found is None and HTML.search(start) and start.startswith(b"<"):
        found = ("html", "text/html; charset=utf-8", ".html")
    if found is not None:
        kind, content_type, extension = found
        if kind not in accepted:
            raise ValidationError(refusal(accepted), code="wrong_kind")
        if kind == "html":
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError("Save the HTML snapshot as UTF-8.", code="encoding")
        return Inspected(kind, content_type, extension, content)
    if "image" not in accepted:
        raise ValidationError(refusal(accepted), code="wrong_kind")
    return inspect_image(content, accepted)


def refusal(accepted):
    names = {"image": "an image (JPEG, PNG, WebP or GIF)", "pdf": "a PDF", "audio": "audio (MP3, M4A, Ogg, FLAC, WAV)",
             "video": "video (MP4, MOV, WebM)", "html": "an HTML snapshot"}
    wanted = [names[kind] for kind in ("image", "pdf", "audio", "video", "html") if kind in accepted]
    listed = wanted[0] if len(wanted) == 1 else ", ".join(wanted[:-1]) + " or " + wanted[-1]
    return f"This file's content is not {listed}. Files are told by what they hold, not by their name."


def inspect_image(content, accepted):
    limit = settings.MEDIA_MAX_IMAGE_PIXELS
    bomb = ValidationError(
        f"This image holds too many pixels (more than {limit:,}): it is refused as a possible decompression bomb.", code="bomb"
    )
    # Pillow's own decompression-bomb check, at the settings' limit: a warning above it (an error
    # here), its DecompressionBombError above twice it, before a pixel is decoded.
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                if probe.format not in IMAGE_FORMATS:
                    raise ValidationError(refusal(accepted), code="wrong_kind")
                if probe.width * probe.height > limit:
                    raise bomb
                probe.verify()
            image = Image.open(io.BytesIO(content))
            image.load()  # verify() does not decode: a truncated image fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(refusal(accepted) if not content.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"RIFF"))
                              else "This image is damaged or incomplete: Pillow cannot read it.", code="invalid_image")
    content_type, extension = IMAGE_FORMATS[image.format]
    return Inspected("image", content_type, extension, content, image.width, image.height, image)


def without_metadata(inspected):
    """
    A report image's original as stored: turned as its EXIF orientation says, then written anew
    without EXIF, XMP, comments or text chunks (Pillow writes none unless asked). GIFs become PNGs.
    """
    image = ImageOps.exif_transpose(inspected.image)
    image_format = {"JPEG": "jpeg", "WEBP": "webp"}.get(inspected.image.format, "png")
    image = plain(image, image_format)
    content = encode(image, image_format)
    return Inspected("image", CONTENT_TYPES[image_format], EXTENSIONS[image_format], content, image.width, image.height, image)


def plain(image, image_format):
    """RGB, or RGBA where the image has transparency and the format keeps it."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha and image_format != "jpeg":
        return image.convert("RGBA")
    return image.convert("RGB")


def encode(image, image_format):
    out = io.BytesIO()
    image.save(out, format=image_format.upper(), **SAVE_OPTIONS[image_format])
    return out.getvalue()


def renditions(inspected):
    """[(width, height, format, content type, bytes)]: each width in WebP (where Pillow has it) and in JPEG or PNG."""
    image = inspected.image
    fallback = "png" if image.mode == "RGBA" else "jpeg"
    formats = (["webp"] if features.check("webp") else []) + [fallback]
    made = []
    for width in sorted({min(width, image.width) for width in RENDITION_WIDTHS}):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        for image_format in formats:
            made.append((width, height, image_format, CONTENT_TYPES[image_format], encode(plain(resized, image_format), image_format)))
    return made


def as_file(inspected):
    """The bytes as a file for a FileField, named by the extension its content gave it."""
    return ContentFile(inspected.content, name=f"upload{inspected.extension}")
