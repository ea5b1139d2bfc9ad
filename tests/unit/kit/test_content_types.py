"""Content sniffing: the type comes from the bytes, callers choose what they take."""

from __future__ import annotations

import struct
import zlib

import pytest

from kit.content_types import (
    IMAGES,
    JPEG,
    PDF,
    PNG,
    WEBP,
    UnsupportedType,
    check_image,
    require_type,
    sniff,
)
from kit.errors import Invalid
from tests.unit.kit.images import image_bytes, jpeg, png, webp


@pytest.mark.parametrize(("data", "mime"), [(png(), PNG), (jpeg(), JPEG), (webp(), WEBP)])
def test_images_are_known_by_their_bytes(data, mime):
    assert sniff(data) == mime
    assert require_type(data, IMAGES, field="file", detail="x") == mime


def test_pdf_is_known_by_its_bytes():
    assert sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n") == PDF


@pytest.mark.parametrize(
    "data",
    [
        b"just some text pretending to be a photo.jpg",
        b"",
        b"GIF89a" + b"\0" * 20,
        image_bytes("GIF"),
        image_bytes("BMP"),
        b"%PDF-1.7\n",
    ],
    ids=["text", "empty", "gif-header", "gif", "bmp", "pdf"],
)
def test_anything_but_the_allowed_types_is_refused_with_415_naming_the_field(data):
    with pytest.raises(UnsupportedType) as refused:
        require_type(data, IMAGES, field="file", detail="仅支持 JPEG、PNG、WebP 图片")
    assert refused.value.status == 415 and refused.value.field == "file"


@pytest.mark.parametrize(("data", "mime"), [(png(), PNG), (jpeg(), JPEG), (webp(), WEBP)])
def test_intact_images_pass_the_image_check(data, mime):
    check_image(data, mime, field="file")


def test_a_file_that_only_starts_like_a_png_is_refused():
    with pytest.raises(Invalid) as refused:
        check_image(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, PNG, field="file")
    assert refused.value.field == "file"


def test_a_png_with_a_broken_checksum_is_refused():
    data = bytearray(png())
    data[-20] ^= 0xFF  # inside the IDAT chunk: its CRC no longer matches
    with pytest.raises(Invalid):
        check_image(bytes(data), PNG, field="file")


def test_bytes_of_another_format_are_refused_for_the_sniffed_type():
    with pytest.raises(Invalid):
        check_image(jpeg(), PNG, field="file")


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return struct.pack(">I", len(data)) + kind + data + crc


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming a huge canvas in its header, with a token of pixel data (a few bytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [7_000, 20_000, 60_000], ids=["49MP", "400MP-bomb", "3.6GP"])
def test_a_canvas_past_the_pixel_cap_is_refused(side):
    with pytest.raises(Invalid, match="尺寸") as refused:
        check_image(_png_header_only(side, side), PNG, field="file")
    assert refused.value.field == "file"


def test_pixel_cap_is_the_callers_to_choose():
    check_image(png((10, 10)), PNG, field="file", max_pixels=100)
    with pytest.raises(Invalid, match="尺寸"):
        check_image(png((10, 11)), PNG, field="file", max_pixels=100)
