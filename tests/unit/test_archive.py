import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tradewatch.archive import RawArchive

WHEN = datetime(2023, 8, 14, 1, 32, tzinfo=UTC)


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
