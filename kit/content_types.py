"""What an uploaded file really is, read from its bytes (never from its name or declared type).

`filetype` reads the magic numbers; each caller names the types it takes (`IMAGES`, later
documents). Images are also opened with Pillow, which reads their header and checks their
structure without decoding every pixel: a file that only starts like a PNG is refused, and
so is a "decompression bomb" whose pixel count would choke the phones that show it.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Set

import filetype
from PIL import Image, UnidentifiedImageError

from kit.errors import DomainError, Invalid

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
IMAGES: frozenset[str] = frozenset({JPEG, PNG, WEBP})
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The format Pillow must find for each image type (a JPEG's bytes must open as JPEG).
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# 40 megapixels: more than any phone camera takes, far less than a bomb.
MAX_PIXELS = 40_000_000
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf", XLSX: "xlsx"}


class UnsupportedType(DomainError):
    """The bytes are not of a type this upload takes (415)."""

    status = 415
    title = "不支持的文件类型"


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes show, or None when no known signature matches."""
    mime: str | None = filetype.guess_mime(data)
    return mime


def require_type(data: bytes, allowed: Set[str], *, field: str, detail: str) -> str:
    """The sniffed type if it is one of `allowed`; UnsupportedType naming `field` otherwise."""
    mime = sniff(data)
    if mime is None or mime not in allowed:
        raise UnsupportedType(detail, field=field)
    return mime


def check_image(data: bytes, mime: str, *, field: str, max_pixels: int = MAX_PIXELS) -> None:
    """Invalid unless Pillow reads the bytes as an intact image of type `mime`, not too large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[mime]]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise Invalid("图片尺寸过大", field=field)
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise Invalid("图片尺寸过大", field=field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # Pillow reports unreadable, truncated or inconsistent data with these.
        raise Invalid("图片无法识别或已损坏", field=field) from None
