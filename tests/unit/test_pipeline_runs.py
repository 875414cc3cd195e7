"""The ``pipeline_runs`` row: collected from the stages' counts files, written with the data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tradewatch import __version__
from tradewatch.models import Analysis, Article, Quote
from tradewatch.pipeline import RunContext, _record, _run_record
from tradewatch.store import connect, load_batch
from tradewatch.store.load import RunRecord

WHEN = datetime(2023, 8, 14, 1, 32, tzinfo=UTC)
TEXT = '"This is a necessary step," Trade Minister Ahn Duk-geun told reporters.'


def _article(article_id: str, *, relevant: bool = True) -> Article:
    quote = Quote("This is a necessary step,", "Ahn Duk-geun", "named", "told", 1, 26)
    return Article(
        article_id=article_id,
        url=f"http://wire.example/{article_id}",
        canonical_url=f"http://wire.example/{article_id}",
        source="wire",
        title="Japan restores Korea to white list",
        text=TEXT,
        fetched_at=WHEN,
        content_hash=f"hash-{article_id}",
        analysis=Analysis(
            relevant=relevant,
            relevance=0.9 if relevant else 0.1,
            quotes=[quote] if relevant else [],
            extraction_version="test-1",
        ),
    )


def _run(run_id: str = "r1", **kw) -> RunRecord:
    return RunRecord(run_id=run_id, trigger="cli", tradewatch_version=__version__, **kw)


def _rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cursor = con.execute("SELECT * FROM pipeline_runs ORDER BY run_id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "t.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def ctx(tmp_path: Path) -> RunContext:
    return RunContext.create(
        sources_file=tmp_path / "sources.yaml",
        db_path=tmp_path / "t.duckdb",
        data_dir=tmp_path / "data",
        run_id="scheduled__2026-11-26T00:00:00+00:00",
        start=datetime(2026, 11, 26, tzinfo=UTC),
        end=datetime(2026, 11, 27, tzinfo=UTC),
        trigger="scheduled",
    )


def test_every_pipeline_runs_column_has_a_comment(con: duckdb.DuckDBPyConnection) -> None:
    table = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE table_name = 'pipeline_runs'"
    ).fetchone()
    assert table and table[0]
    missing = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'pipeline_runs' "
        "AND (comment IS NULL OR comment = '')"
    ).fetchall()
    assert missing == []


def test_load_writes_the_run_row_with_its_own_counts(con: duckdb.DuckDBPyConnection) -> None:
    counts = load_batch(
        con,
        [_article("a1"), _article("n1", relevant=False)],
        [],
        log_key="r1",
        run=_run(counts={"analyze": {"analyzed": 2, "relevant": 1}}, extraction_version="test-1"),
    )
    (row,) = _rows(con)
    assert (row["run_id"], row["trigger"], row["status"]) == ("r1", "cli", "ok")
    assert row["tradewatch_version"] == __version__
    assert row["extraction_version"] == "test-1"
    assert row["finished_at"] is not None
    stored = json.loads(row["counts"])
    assert stored["analyze"] == {"analyzed": 2, "relevant": 1}
    assert stored["load"]["articles_new"] == counts.articles_new == 2
    assert stored["load"]["quotes"] == counts.quotes == 1


def test_reloading_a_run_replaces_its_row(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [_article("a1")], [], log_key="r1", run=_run())
    load_batch(con, [_article("a1")], [], log_key="r1", run=_run(status="partial"))
    load_batch(con, [_article("a1")], [], log_key="r2", run=_run("r2"))
    rows = _rows(con)
    assert [(r["run_id"], r["status"]) for r in rows] == [("r1", "partial"), ("r2", "ok")]
    assert json.loads(rows[0]["counts"])["load"]["articles_unchanged"] == 1


def test_no_run_row_when_the_load_fails(con: duckdb.DuckDBPyConnection) -> None:
    broken = _article("a2")
    broken.analysis = None
    with pytest.raises(ValueError, match="without an analysis"):
        load_batch(con, [_article("a1"), broken], [], log_key="r1", run=_run())
    assert _rows(con) == []
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_run_record_sums_mapped_stages_and_keeps_versions(ctx: RunContext) -> None:
    began = datetime(2026, 11, 27, 0, 5, tzinfo=UTC)
    _record(ctx, "plan", began, {"sources": 2}, sources_file="/etc/tw.yaml")
    for name, failed in (("a", 0), ("b", 1)):
        counts = {"sources_polled": 1, "sources_failed": failed, "candidates": 3}
        _record(ctx, "discover", datetime.now(UTC), counts, part=name)
    _record(
        ctx, "analyze", datetime.now(UTC), {"analyzed": 5}, spacy_model="m", extraction_version="v"
    )
    run = _run_record(ctx)
    assert run.run_id == ctx.run_id and run.trigger == "scheduled"
    assert run.counts["discover"] == {"sources_polled": 2, "sources_failed": 1, "candidates": 6}
    assert run.counts["plan"] == {"sources": 2} and run.counts["analyze"] == {"analyzed": 5}
    assert run.status == "partial"
    assert run.started_at == began
    assert (run.interval_start, run.interval_end) == (ctx.start, ctx.end)
    assert (run.sources_file, run.spacy_model, run.extraction_version) == ("/etc/tw.yaml", "m", "v")


def test_run_record_of_a_clean_run_is_ok(ctx: RunContext) -> None:
    _record(ctx, "fetch", datetime.now(UTC), {"fetched": 4, "fetch_failures": 0})
    _record(ctx, "extract", datetime.now(UTC), {"extracted": 4, "extract_errors": 0})
    run = _run_record(ctx)
    assert run.status == "ok"
    assert run.sources_file is None
    state = sorted(p.name for p in (ctx.run_dir / "state").iterdir())
    assert state == ["counts-extract.json", "counts-fetch.json"]
