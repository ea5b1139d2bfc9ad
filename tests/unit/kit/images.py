"""Small real images made with Pillow, for upload tests."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def png(size: tuple[int, int] = (4, 3)) -> bytes:
    return image_bytes("PNG", size)


def jpeg(size: tuple[int, int] = (4, 3)) -> bytes:
    return image_bytes("JPEG", size)


def webp(size: tuple[int, int] = (4, 3)) -> bytes:
    return image_bytes("WEBP", size)


def padded_png(total: int) -> bytes:
    """A valid PNG of exactly `total` bytes (bytes after IEND are ignored by readers)."""
    data = png()
    assert total >= len(data)
    return data + b"\0" * (total - len(data))
