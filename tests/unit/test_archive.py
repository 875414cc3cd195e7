import gzip
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import fsspec
import pytest

from tradewatch.archive import RawArchive
from tradewatch.storage import storage_path

WHEN = datetime(2023, 8, 14, 1, 32, tzinfo=UTC)


@pytest.fixture(params=["path", "file-url", "memory"])
def root(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The archive's root as a local path, a ``file://`` URL, or fsspec's in-memory store
    (no rename: the object-store write rule)."""
    if request.param == "memory":
        url = f"memory://tw-{uuid.uuid4().hex}"
        yield url
        memory = fsspec.filesystem("memory")
        if memory.exists(url):
            memory.rm(url, recursive=True)
    else:
        yield str(tmp_path) if request.param == "path" else f"file://{tmp_path}"


def test_round_trip_on_any_root(root: str) -> None:
    archive = RawArchive(root)
    rel = archive.write("articles", "abc123", b"<p>body</p>", {"url": "http://x/a"}, WHEN)
    assert rel == "raw/2023/08/14/articles/abc123.gz"
    assert gzip.decompress((storage_path(root) / rel).read_bytes()) == b"<p>body</p>"
    assert archive.read(rel).meta["url"] == "http://x/a"
    assert archive.listed("articles", date(2023, 8, 14)) == [rel]
    assert archive.listed("articles", date(2023, 8, 15)) == []


def test_scoped_index_on_any_root(root: str) -> None:
    archive = RawArchive(root, scope="20230814T0000Z_20230815T0000Z")
    rel = archive.write("feeds", "k", b"<rss/>", {"url": "http://x/f", "source": "s"}, WHEN)
    [entry] = archive.scoped("feeds")
    assert (entry.key, entry.path, entry.url, entry.source) == ("k", rel, "http://x/f", "s")
    assert archive.scoped_path("feeds", "k") == rel
    assert RawArchive(root, scope="other").scoped("feeds") == []
    names = sorted(p.name for p in (storage_path(root) / "raw/2023/08/14/feeds").iterdir())
    assert names == ["k.gz", "k.json"]


def test_round_trip_by_fetch_date(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    body = "<p>안덕근 산업통상자원부 장관, 西村康稔</p>".encode()
    rel = archive.write("articles", "abc123", body, {"url": "http://x/a", "status": 200}, WHEN)
    assert rel == "raw/2023/08/14/articles/abc123.gz"
    assert gzip.decompress((tmp_path / rel).read_bytes()) == body
    item = archive.read(rel)
    assert item.body == body
    assert item.meta["url"] == "http://x/a" and item.meta["status"] == 200
    assert item.meta["bytes"] == len(body) and len(item.meta["sha256"]) == 64


def test_no_temp_files_left_and_rewrite_replaces(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.write("feeds", "k", b"one", {}, WHEN)
    rel = archive.write("feeds", "k", b"two", {}, WHEN)
    assert archive.read(rel).body == b"two"
    leftovers = [p.name for p in (tmp_path / "raw/2023/08/14/feeds").iterdir()]
    assert sorted(leftovers) == ["k.gz", "k.json"]


def test_unusable_data_dir_raises_oserror(tmp_path: Path) -> None:
    (tmp_path / "raw").write_text("a file where the archive folder should be")
    with pytest.raises(OSError):
        RawArchive(tmp_path).write("articles", "a", b"x", {}, WHEN)
    assert (tmp_path / "raw").read_text().startswith("a file")


def test_missing_body_raises(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        RawArchive(tmp_path).read("raw/2023/01/01/articles/none.gz")
