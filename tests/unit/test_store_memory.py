"""A writer's DuckDB memory is capped, so its footprint does not grow with the archive.

DuckDB caches what it read up to its memory limit (80 % of RAM unless told otherwise): a
daily load at a million articles held over 1 GB. Writers open with the cap of
``TRADEWATCH_DB_MEMORY`` (256 MB unless set); a whole search-index build, which reads the
whole archive, runs under DuckDB's own limit and leaves the cap in place afterwards.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tradewatch.config import ConfigError
from tradewatch.store import connect
from tradewatch.store.db import uncapped
from tradewatch.store.search_index import build_search_indexes


def _near(value: int, expected: int) -> bool:
    """DuckDB shows the limit to one decimal of its unit."""
    return abs(value - expected) < 0.05 * expected


def _limit_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """The limit DuckDB's buffer manager enforces (``current_setting`` can differ from it)."""
    (text,) = con.execute("SELECT memory_limit FROM pragma_database_size() LIMIT 1").fetchone()
    number, unit = text.split()
    scale = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit]
    return int(float(number) * scale)


def test_a_writer_is_capped_and_a_reader_is_not(tmp_path: Path) -> None:
    db = tmp_path / "tw.duckdb"
    writer = connect(db)
    capped = _limit_bytes(writer)
    writer.close()
    reader = connect(db, read_only=True)
    assert _near(capped, 256 * 10**6)
    assert _limit_bytes(reader) > 4 * capped


def test_the_cap_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWATCH_DB_MEMORY", "2GB")
    assert _near(_limit_bytes(connect(tmp_path / "tw.duckdb")), 2 * 10**9)
    monkeypatch.setenv("TRADEWATCH_DB_MEMORY", "lots")
    with pytest.raises(ConfigError, match="TRADEWATCH_DB_MEMORY"):
        connect(tmp_path / "other.duckdb")


def test_a_whole_index_build_lifts_the_cap_and_puts_it_back(tmp_path: Path) -> None:
    con = connect(tmp_path / "tw.duckdb")
    capped = _limit_bytes(con)
    seen: list[int] = []
    with uncapped(con):
        seen.append(_limit_bytes(con))
    assert seen[0] > 4 * capped
    assert build_search_indexes(con)
    assert _limit_bytes(con) == capped


def test_a_writer_spills_beside_its_file_not_into_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What exceeds the cap goes to ``<file>.tmp``, as DuckDB does for a file it opens
    itself, wherever the task process happens to run."""
    db = tmp_path / "data" / "tw.duckdb"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    con = connect(db)
    try:
        con.execute("SET memory_limit = '100MB'")
        (rows,) = con.execute(
            "SELECT count(*) FROM (SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) t(i) "
            "ORDER BY h)"
        ).fetchone()
        assert rows == 3_000_000
        assert con.execute("SELECT current_setting('temp_directory')").fetchone() == (f"{db}.tmp",)
    finally:
        con.close()
    assert list(elsewhere.iterdir()) == []
