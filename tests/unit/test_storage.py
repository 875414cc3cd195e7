"""Where run folders and the archive live: local paths, ``file://`` URLs, an object store.

fsspec's in-memory filesystem (``memory://``) is a real backend without rename, so it takes
the object-store branch of the atomic-write rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from tradewatch.config import storage_location
from tradewatch.storage import is_local, open_atomic, storage_path, write_atomic


@pytest.fixture
def memory_root() -> Iterator[str]:
    root = f"memory://tw-{uuid.uuid4().hex}"
    yield root
    memory = fsspec.filesystem("memory")
    if memory.exists(root):
        memory.rm(root, recursive=True)


def test_a_local_path_stays_a_pathlib_path(tmp_path: Path) -> None:
    path = storage_path(tmp_path) / "runs" / "r1" / "fetched.jsonl"
    assert isinstance(path, Path)
    assert str(path) == str(tmp_path / "runs" / "r1" / "fetched.jsonl")
    assert is_local(path)


def test_a_url_survives_the_trip_through_xcom_as_a_string(tmp_path: Path) -> None:
    path = storage_path(f"file://{tmp_path}") / "runs" / "r1" / "fetched.jsonl"
    assert str(path) == f"file://{tmp_path}/runs/r1/fetched.jsonl"
    assert storage_path(str(path)) == path
    assert is_local(path)
    assert not is_local(storage_path("memory://bucket/prefix"))


def test_the_setting_wins_over_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADEWATCH_STORAGE_URL", raising=False)
    assert storage_location(Path("/data")) == "/data"
    monkeypatch.setenv("TRADEWATCH_STORAGE_URL", " s3://bucket/tradewatch ")
    assert storage_location(Path("/data")) == "s3://bucket/tradewatch"


@pytest.mark.parametrize("url", [False, True], ids=["path", "file-url"])
def test_local_write_creates_folders_and_leaves_no_temp_file(tmp_path: Path, url: bool) -> None:
    root = storage_path(f"file://{tmp_path}" if url else tmp_path)
    write_atomic(root / "a" / "b" / "c.json", b"{}")
    with open_atomic(root / "a" / "b" / "d.jsonl") as handle:
        handle.write(b"one\n")
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["c.json", "d.jsonl"]
    assert (tmp_path / "a" / "b" / "d.jsonl").read_bytes() == b"one\n"


def test_local_rewrite_shows_the_old_file_until_the_new_one_is_complete(tmp_path: Path) -> None:
    target = storage_path(f"file://{tmp_path}") / "state" / "resolved.json"
    write_atomic(target, b"old")
    with open_atomic(target) as handle:
        handle.write(b"new")
        handle.flush()
        assert target.read_bytes() == b"old"
    assert target.read_bytes() == b"new"


@pytest.mark.parametrize("url", [False, True], ids=["path", "file-url"])
def test_local_failed_write_leaves_nothing(tmp_path: Path, url: bool) -> None:
    root = storage_path(f"file://{tmp_path}" if url else tmp_path)
    with pytest.raises(RuntimeError), open_atomic(root / "articles.jsonl") as handle:
        handle.write(b"half")
        raise RuntimeError("extraction died")
    assert list(tmp_path.iterdir()) == []


def test_object_store_write_and_read_back(memory_root: str) -> None:
    root = storage_path(memory_root)
    write_atomic(root / "runs" / "r1" / "state" / "counts-plan.json", b'{"sources": 4}')
    with open_atomic(root / "runs" / "r1" / "fetched.jsonl") as handle:
        handle.write(b"one\ntwo\n")
    run = root / "runs" / "r1"
    assert (run / "fetched.jsonl").read_text().splitlines() == ["one", "two"]
    assert [p.name for p in (run / "state").glob("counts-*.json")] == ["counts-plan.json"]


def test_object_store_failed_write_uploads_nothing(memory_root: str) -> None:
    target = storage_path(memory_root) / "runs" / "r1" / "analyzed.jsonl"
    with pytest.raises(RuntimeError), open_atomic(target) as handle:
        handle.write(b"half")
        raise RuntimeError("analysis died")
    assert not target.exists()
