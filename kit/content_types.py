"""What an uploaded file really is, read from its bytes (never from its name or declared type).

`filetype` reads the magic numbers; each caller names the types it takes (`IMAGES`, later
documents). Images are also opened with Pillow, which reads their header and checks their
structure without decoding every pixel: a file that only starts like a PNG is refused, and
so is a "decompression bomb" whose pixel count would choke the phones that show it.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Set

import filetype
from PIL import Image, UnidentifiedImageError

from kit.errors import DomainError, Invalid

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
IMAGES: frozenset[str] = frozenset({JPEG, PNG, WEBP})
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENTS: frozenset[str] = frozenset({PDF, XLSX})

# The format Pillow must find for each image type (a JPEG's bytes must open as JPEG).
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# 40 megapixels: more than any phone camera takes, far less than a bomb.
MAX_PIXELS = 40_000_000
# A workbook's parts, unpacked, may take at most this much (a zip bomb would take far more).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
WORKBOOK_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
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


def check_pdf(data: bytes, *, field: str) -> None:
    """Invalid unless the bytes start and end like a PDF (a header and an end-of-file mark)."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise Invalid("PDF 文件不完整或已损坏", field=field)


def check_xlsx(data: bytes, *, field: str) -> None:
    """Invalid unless the bytes are an intact zip holding an OOXML workbook, not a bomb.

    Any zip of Office parts sniffs as XLSX; this reads the zip's directory (no unpacking) for
    the workbook part and its declared content type.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
                raise Invalid("表格文件过大或结构异常", field=field)
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise Invalid("不是有效的 Excel 工作簿（.xlsx）", field=field)
            if archive.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
                raise Invalid("不是有效的 Excel 工作簿（.xlsx）", field=field)
            if WORKBOOK_TYPE not in archive.read("[Content_Types].xml"):
                raise Invalid("不是有效的 Excel 工作簿（.xlsx）", field=field)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError):
        raise Invalid("表格文件无法识别或已损坏", field=field) from None
