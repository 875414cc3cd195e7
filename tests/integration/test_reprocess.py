"""``tradewatch reprocess`` for real: re-score archived pages without the network.

The fixture site is ingested with a near-impossible relevance threshold, then the same
fetch days are reprocessed at 0.5 from the raw archive: relevant articles and quotes
appear, and a second reprocess changes no content table.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tradewatch.models import Candidate
from tradewatch.store.fetch_state import read_fetch_memory
from tradewatch.urls import canonicalize_url

CONTENT_TABLES = ("articles", "quotes", "entity_mentions", "entities")


def run_cli(*args: str | Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "tradewatch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {t: query(db, f"SELECT * FROM {t} ORDER BY ALL") for t in CONTENT_TABLES}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, make_sources) -> dict[str, Any]:
    """Ingest at 0.99, reprocess twice at 0.5; keep the content after each step."""
    tmp = tmp_path_factory.mktemp("reprocess")
    db, data = tmp / "tw.duckdb", tmp / "data"
    common = ("--db", db, "--data-dir", data)
    sources = make_sources(tmp / "sources.yaml")
    ingest = run_cli("ingest", "--sources", sources, *common, "--relevance-threshold", "0.99")
    first, last = query(db, "SELECT min(fetched_at)::DATE, max(fetched_at)::DATE FROM articles")[0]
    window = ("--start", first.isoformat(), "--end", last.isoformat())
    after_ingest = dump(db)
    again = ("reprocess", *window, *common, "--relevance-threshold", "0.5")
    reprocessed = run_cli(*again)
    after_reprocess = dump(db)
    second = run_cli(*again)
    return {
        "db": db,
        "ingest": ingest,
        "reprocess": reprocessed,
        "second": second,
        "after_ingest": after_ingest,
        "after_reprocess": after_reprocess,
        "after_second": dump(db),
    }


def test_reprocess_at_a_lower_threshold_adds_relevant_articles_and_quotes(runs) -> None:
    def relevant(rows: list[tuple]) -> int:
        return sum(1 for row in rows if row[10])  # articles.relevant

    before, after = runs["after_ingest"], runs["after_reprocess"]
    assert len(after["articles"]) == len(before["articles"])
    assert relevant(after["articles"]) > relevant(before["articles"])
    assert len(after["quotes"]) > len(before["quotes"])
    assert len(after["entity_mentions"]) > len(before["entity_mentions"])
    assert runs["reprocess"]["articles_new"] == 0
    assert runs["reprocess"]["articles_updated"] > 0


def test_second_reprocess_changes_no_content_table(runs) -> None:
    for table in CONTENT_TABLES:
        assert runs["after_second"][table] == runs["after_reprocess"][table], table
    second = runs["second"]
    assert (second["articles_new"], second["articles_updated"], second["quotes"]) == (0, 0, 0)
    assert second["articles_unchanged"] == len(runs["after_reprocess"]["articles"])


def test_pipeline_runs_has_one_row_per_run(runs) -> None:
    rows = query(
        runs["db"],
        "SELECT run_id, trigger, status, counts, interval_start, interval_end, started_at, "
        "finished_at, extraction_version, spacy_model, sources_file "
        "FROM pipeline_runs ORDER BY finished_at",
    )
    assert [(r[0], r[1]) for r in rows] == [
        (runs["ingest"]["run_id"], "cli"),
        (runs["reprocess"]["run_id"], "reprocess"),
        (runs["second"]["run_id"], "reprocess"),
    ]
    articles = len(runs["after_ingest"]["articles"])
    (ingest, reprocess, second) = [json.loads(r[3]) for r in rows]
    assert ingest["plan"]["sources"] == ingest["discover"]["sources_polled"] == 4
    assert ingest["fetch"]["fetched"] == ingest["extract"]["extracted"] == articles
    assert ingest["load"]["articles_new"] == articles
    assert "discover" not in reprocess and "fetch" not in reprocess
    assert reprocess["collect"]["archived"] == reprocess["analyze"]["analyzed"] == articles
    assert reprocess["analyze"]["relevant"] > ingest["analyze"]["relevant"]
    assert reprocess["load"] == {k: v for k, v in runs["reprocess"].items() if k != "run_id"}
    assert second["load"]["articles_unchanged"] == articles
    for row in rows:
        assert row[2] == "ok"
        assert row[6] <= row[7]
        assert row[8] and row[9]
    assert rows[0][4] is None and rows[0][10].endswith("sources.yaml")
    assert rows[1][4] is not None and rows[1][5] > rows[1][4] and rows[1][10] is None


def test_analyze_only_reprocess_of_one_source_changes_nothing(runs) -> None:
    """Re-analysing the stored text gives what re-extracting the archive gave."""
    db = runs["db"]
    day = query(db, "SELECT min(fetched_at)::DATE FROM articles")[0][0].isoformat()
    late = query(db, "SELECT max(fetched_at)::DATE FROM articles")[0][0].isoformat()
    out = run_cli(
        "reprocess",
        "--start",
        day,
        "--end",
        late,
        "--db",
        db,
        "--source",
        "yonhap",
        "--stages",
        "analyze",
        "--data-dir",
        db.parent / "data",
    )
    yonhap = query(db, "SELECT count(*) FROM articles WHERE source = 'yonhap'")[0][0]
    assert out["articles_unchanged"] == yonhap > 0
    assert out["articles_updated"] == out["articles_new"] == 0
    assert dump(db) == runs["after_second"]


def test_reprocess_stores_the_dedup_keys_of_rows_loaded_before_them(runs, tmp_path: Path) -> None:
    """A database from before migration 012 has no dedup keys: the fetch stage still knows
    its articles (computing their keys), and reprocessing their days stores the keys, the
    same as a load computes them, and changes nothing else."""
    db = tmp_path / "old.duckdb"
    shutil.copy(runs["db"], db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE articles SET url_key = NULL, canonical_key = NULL, title_key = NULL")
    stored = query(db, "SELECT url, source FROM articles")
    found = [Candidate(url=url, source=source) for url, source in stored]
    assert read_fetch_memory(db, found).known_urls == {canonicalize_url(url) for url, _ in stored}
    first, last = query(db, "SELECT min(fetched_at)::DATE, max(fetched_at)::DATE FROM articles")[0]
    out = run_cli(
        "reprocess",
        *("--start", first.isoformat(), "--end", last.isoformat()),
        *("--db", db, "--data-dir", runs["db"].parent / "data"),
        *("--relevance-threshold", "0.5", "--stages", "analyze"),
    )
    assert out["articles_updated"] == len(stored)
    assert dump(db) == runs["after_second"]
    assert query(db, "SELECT count(*) FROM articles WHERE url_key IS NULL") == [(0,)]
