"""Where uploaded files live: a small `Storage` protocol and its local-disk implementation.

Keys are made by the server (`new_key`), never taken from a client's file name, so a key
can hold no path tricks; `LocalDiskStorage` checks them all the same. An object store
(S3, MinIO) can stand in later behind the same three calls.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Protocol

from fastapi import Depends, FastAPI, Request

# Lower-case segments of letters, digits, '-' and '_', joined by '/': nothing a file system
# could read as a parent, a hidden file or an absolute path.
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}){0,5}")


class StoredObjectMissing(LookupError):
    """No object is stored under the key."""


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, whole or not at all; an existing object is replaced."""

    async def get(self, key: str) -> bytes:
        """The bytes stored under `key`; StoredObjectMissing if there are none."""

    async def delete(self, key: str) -> None:
        """Remove the object under `key`; nothing happens if there is none."""


def new_key(prefix: str, *, now: datetime | None = None) -> str:
    """A fresh server-made key, `<prefix>/<yyyy>/<mm>/<uuid>` (months keep directories small)."""
    at = now or datetime.now(UTC)
    return check_key(f"{prefix}/{at:%Y}/{at:%m}/{uuid.uuid4().hex}")


@asynccontextmanager
async def stored_for_commit(storage: Storage, key: str, data: bytes) -> AsyncIterator[None]:
    """Store `data` under `key` for the row the block commits; if the block fails the file goes
    again, so a failed commit leaves no orphan (a crash may, never a row without its file)."""
    await storage.put(key, data)
    try:
        yield
    except BaseException:
        await storage.delete(key)
        raise


def check_key(key: str) -> str:
    if KEY.fullmatch(key) is None:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalDiskStorage:
    """Objects as files under `root`. A write goes to a temporary file beside its target,
    is flushed to disk, then renamed over it, so a reader never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):  # unreachable with KEY; kept as the last word
            raise ValueError(f"not a storage key: {key!r}")
        return path

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.path_of(key), data)

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self.path_of(key).read_bytes)
        except FileNotFoundError:
            raise StoredObjectMissing(key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_of(key).unlink, missing_ok=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry lives in the directory)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def install_storage(app: FastAPI, storage: Storage) -> None:
    """Make `storage` what `StorageDep` answers in `app` (call from create_app)."""
    app.state.storage = storage


def _storage(request: Request) -> Storage:
    storage: Storage | None = getattr(request.app.state, "storage", None)
    if storage is None:
        raise RuntimeError("install_storage(app, storage) was not called for this app")
    return storage


StorageDep = Annotated[Storage, Depends(_storage)]
