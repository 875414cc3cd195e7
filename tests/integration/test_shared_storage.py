"""``TRADEWATCH_STORAGE_URL`` for real: the CLI's runs on a ``file://`` URL.

The fixture site is ingested twice, with the default storage (the data directory) and with
``TRADEWATCH_STORAGE_URL=file://<tmp>/shared``, the way workers on several machines would
reach a shared mount; both at a near-impossible relevance threshold. Then both archives
are reprocessed at 0.5. The run folders and the raw archive must be on the shared storage
and not in the data directory, and the rows must equal the default run's at every step.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from clirun import run_cli

# Every content column but when and so on which day's folder the page was fetched.
ROWS = {
    "articles": "SELECT * EXCLUDE (fetched_at, raw_path) FROM articles ORDER BY article_id",
    "raw_paths": "SELECT raw_path FROM articles",
    "quotes": "SELECT * FROM quotes ORDER BY ALL",
    "entity_mentions": "SELECT * FROM entity_mentions ORDER BY ALL",
}


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(sql).fetchall() for table, sql in ROWS.items()}


def _runs(folder: Path, storage: str | None, sources: Path) -> dict[str, Any]:
    """Ingest at 0.99, then reprocess the fetch days at 0.5; the rows after each."""
    env = {k: v for k, v in os.environ.items() if k != "TRADEWATCH_STORAGE_URL"}
    if storage:
        env["TRADEWATCH_STORAGE_URL"] = storage
    db, data = folder / "tw.duckdb", folder / "data"
    common = ("--db", db, "--data-dir", data, "--relevance-threshold")
    ingest = run_cli("ingest", "--sources", sources, *common, "0.99", env=env)
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    after_ingest = _rows(db)
    days = "SELECT min(fetched_at)::DATE, max(fetched_at)::DATE FROM articles"
    with duckdb.connect(str(db), read_only=True) as con:
        first, last = con.execute(days).fetchone()
    window = ("--start", first.isoformat(), "--end", last.isoformat())
    reprocess = run_cli("reprocess", *window, *common, "0.5", env=env)
    assert reprocess.returncode == 0, reprocess.stderr[-3000:]
    return {
        "data": data,
        "ingest": json.loads(ingest.stdout.strip().splitlines()[-1]),
        "reprocess": json.loads(reprocess.stdout.strip().splitlines()[-1]),
        "after_ingest": after_ingest,
        "after_reprocess": _rows(db),
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, make_sources) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("storage")
    sources = make_sources(tmp / "sources.yaml")
    shared = tmp / "shared"
    return {
        "shared": shared,
        "default": _runs(tmp / "default", None, sources),
        "url": _runs(tmp / "url", f"file://{shared}", sources),
    }


def test_run_folders_and_archive_are_on_the_shared_storage(runs, expected) -> None:
    shared, url = runs["shared"], runs["url"]
    assert sorted(p.name for p in shared.iterdir()) == ["raw", "raw-index", "runs"]
    assert len(list((shared / "raw").glob("*/*/*/articles/*.gz"))) == len(expected)
    assert all((shared / path).is_file() for (path,) in url["after_ingest"]["raw_paths"])
    assert not list(shared.rglob("*.tmp"))
    ingest = shared / "runs" / url["ingest"]["run_id"]
    for name in ("fetched.jsonl", "articles.jsonl", "analyzed.jsonl", "state/resolved.json"):
        assert (ingest / name).is_file(), name
    assert len(list((ingest / "candidates").glob("*.jsonl"))) == 4
    assert {p.name for p in (ingest / "log").glob("*.jsonl")} >= {"fetch.jsonl", "extract.jsonl"}
    assert (shared / "runs" / url["reprocess"]["run_id"] / "analyzed.jsonl").is_file()


def test_the_data_dir_keeps_only_what_is_per_machine(runs) -> None:
    """Host leases and robots.txt answers stay local (or go to the coordination database);
    nothing else is left, not even the analysis spill, which is scratch on local disk."""
    assert sorted(p.name for p in runs["url"]["data"].iterdir()) == ["hosts", "robots"]
    default = sorted(p.name for p in runs["default"]["data"].iterdir())
    assert default == ["hosts", "raw", "raw-index", "robots", "runs"]


def test_rows_equal_the_default_storage(runs) -> None:
    default, url = runs["default"], runs["url"]
    for table in ("articles", "quotes", "entity_mentions"):
        assert url["after_ingest"][table] == default["after_ingest"][table], table
        assert url["after_reprocess"][table] == default["after_reprocess"][table], table
    assert url["after_reprocess"]["quotes"] != url["after_ingest"]["quotes"]


def test_reprocess_reads_every_page_from_the_shared_archive(runs, expected) -> None:
    reprocess = runs["url"]["reprocess"]
    assert reprocess["articles_new"] == 0
    assert reprocess["articles_updated"] > 0
    assert len(runs["url"]["after_reprocess"]["articles"]) == len(expected)
