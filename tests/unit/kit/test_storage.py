"""LocalDiskStorage: server-made keys, atomic writes, reads back, deletes; storage settings."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kit.settings import REPO_ROOT, KitSettings
from kit.storage import LocalDiskStorage, StoredObjectMissing, new_key


async def test_put_then_get_returns_the_same_bytes(tmp_path: Path):
    storage = LocalDiskStorage(tmp_path)
    key = new_key("petitions")
    await storage.put(key, b"\x89PNG payload")
    assert await storage.get(key) == b"\x89PNG payload"
    assert storage.path_of(key).parent.parent.parent == storage.root / "petitions"


async def test_put_replaces_and_leaves_no_temporary_file(tmp_path: Path):
    storage = LocalDiskStorage(tmp_path)
    key = new_key("petitions")
    await storage.put(key, b"first")
    await storage.put(key, b"second")
    assert await storage.get(key) == b"second"
    assert os.listdir(storage.path_of(key).parent) == [storage.path_of(key).name]


async def test_failed_write_leaves_neither_object_nor_temporary_file(tmp_path, monkeypatch):
    storage = LocalDiskStorage(tmp_path)
    key = new_key("petitions")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        await storage.put(key, b"data")
    assert os.listdir(storage.path_of(key).parent) == []


async def test_missing_object_raises_and_delete_is_idempotent(tmp_path: Path):
    storage = LocalDiskStorage(tmp_path)
    key = new_key("petitions")
    with pytest.raises(StoredObjectMissing):
        await storage.get(key)
    await storage.put(key, b"x")
    await storage.delete(key)
    await storage.delete(key)
    with pytest.raises(StoredObjectMissing):
        await storage.get(key)


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "/etc/passwd",
        "a/../../b",
        ".hidden",
        "a//b",
        "a/b/",
        "A/B",
        "照片.jpg",
        "a/b.jpg",
        "",
    ],
)
async def test_keys_that_could_leave_the_root_or_name_files_freely_are_refused(tmp_path, key):
    storage = LocalDiskStorage(tmp_path)
    with pytest.raises(ValueError, match="not a storage key"):
        await storage.put(key, b"x")


def test_new_keys_are_unique_and_dated():
    at = datetime(2026, 3, 1, tzinfo=UTC)
    first, second = new_key("mall", now=at), new_key("mall", now=at)
    assert first != second and first.startswith("mall/2026/03/")


def test_storage_root_defaults_under_the_repository_data_dir(monkeypatch):
    monkeypatch.delenv("STORAGE_DIR", raising=False)
    settings = KitSettings(service_name="petitions")
    assert settings.storage_root == REPO_ROOT / ".data" / "petitions" / "uploads"


def test_relative_storage_dir_is_taken_from_the_repository_root(monkeypatch):
    monkeypatch.setenv("STORAGE_DIR", ".data/test/petitions/uploads")
    assert KitSettings().storage_root == REPO_ROOT / ".data/test/petitions/uploads"


def test_absolute_storage_dir_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("STORAGE_DIR", str(tmp_path))
    assert KitSettings().storage_root == tmp_path
