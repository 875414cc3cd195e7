from pathlib import Path

import pytest

from tradewatch.pipeline import safe_run_id


@pytest.mark.parametrize(
    ("run_id", "expected"),
    [
        ("manual__2026-11-02T00:00:00+00:00", "manual__2026-11-02T00_00_00_00_00"),
        ("scheduled__2026-11-01T00:00:00+00:00", "scheduled__2026-11-01T00_00_00_00_00"),
        ("my run/../x", "my_run_.._x"),
        ("../..", "run"),
        ("..", "run"),
    ],
)
def test_run_ids_become_single_safe_directory_names(run_id: str, expected: str) -> None:
    safe = safe_run_id(run_id)
    assert safe == expected
    assert "/" not in safe and safe not in (".", "..")


def test_context_from_trigger_params_resolves_relative_sources(tmp_path, monkeypatch) -> None:
    from datetime import UTC, datetime

    from tradewatch.pipeline import RunContext

    monkeypatch.setenv("TRADEWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("TRADEWATCH_DATA_DIR", raising=False)
    monkeypatch.delenv("TRADEWATCH_DB", raising=False)
    start = datetime(2026, 11, 26, tzinfo=UTC)
    ctx = RunContext.from_params(
        run_id="scheduled__2026-11-26T00:00:00+00:00",
        params={
            "sources_file": "include/samples/sources.yaml",
            "relevance_threshold": 0.7,
            "force_refetch": True,
        },
        start=start,
    )
    assert ctx.sources_file == tmp_path / "include/samples/sources.yaml"
    assert ctx.db_path == tmp_path / "data" / "tradewatch.duckdb"
    assert ctx.run_dir == tmp_path / "data" / "runs" / "scheduled__2026-11-26T00_00_00_00_00"
    assert (ctx.relevance_threshold, ctx.force_refetch, ctx.start) == (0.7, True, start)
    absolute = RunContext.from_params(
        run_id="r",
        params={"sources_file": "/etc/tw.yaml", "relevance_threshold": 0.5, "force_refetch": False},
    )
    assert str(absolute.sources_file) == "/etc/tw.yaml"


def test_context_puts_runs_and_archive_on_the_storage_url(tmp_path, monkeypatch) -> None:
    """Every way a context is made reads ``TRADEWATCH_STORAGE_URL``; the DuckDB file and
    the data directory (host leases, robots.txt) stay where they were."""
    from tradewatch.pipeline import RunContext

    monkeypatch.setenv("TRADEWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TRADEWATCH_DB", raising=False)
    monkeypatch.setenv("TRADEWATCH_STORAGE_URL", f"file://{tmp_path}/shared")
    params = {"sources_file": "/etc/tw.yaml", "relevance_threshold": 0.5, "force_refetch": False}
    contexts = [
        RunContext.from_params(run_id="r", params=params),
        RunContext.create(sources_file=Path("/etc/tw.yaml"), run_id="r"),
        RunContext.for_reprocess(run_id="r", start="2026-11-01", end="2026-11-02"),
    ]
    for ctx in contexts:
        assert str(ctx.run_dir) == f"file://{tmp_path}/shared/runs/r"
        assert str(ctx.archive.base) == f"file://{tmp_path}/shared"
        assert ctx.db_path == tmp_path / "data" / "tradewatch.duckdb"
    local = RunContext.create(sources_file=Path("/etc/tw.yaml"), run_id="r", storage="/d")
    assert local.run_dir == Path("/d/runs/r")


def test_context_trigger_follows_airflow_run_type() -> None:
    from tradewatch.pipeline import RunContext

    params = {"sources_file": "/etc/tw.yaml", "relevance_threshold": 0.5, "force_refetch": False}
    assert RunContext.from_params(run_id="r", params=params).trigger == "manual"
    backfill = RunContext.from_params(run_id="r", params=params, run_type="backfill")
    assert backfill.trigger == "backfill"


def test_reprocess_context_covers_whole_utc_days(tmp_path) -> None:
    from datetime import UTC, date, datetime

    from tradewatch.pipeline import RunContext

    ctx = RunContext.for_reprocess(
        run_id="manual__2026-11-27T00:00:00+00:00",
        start="2026-11-01",
        end=date(2026, 11, 2),
        db_path=tmp_path / "t.duckdb",
        data_dir=tmp_path,
    )
    assert ctx.trigger == "reprocess"
    assert ctx.start == datetime(2026, 11, 1, tzinfo=UTC)
    assert ctx.end == datetime(2026, 11, 3, tzinfo=UTC)
    with pytest.raises(ValueError, match="before start"):
        RunContext.for_reprocess(run_id="r", start="2026-11-02", end="2026-11-01")


def test_collect_rebuilds_fetched_pages_from_the_archive(tmp_path) -> None:
    import json
    from datetime import UTC, datetime

    from tradewatch.archive import RawArchive
    from tradewatch.models import Candidate, Fetched, from_dict, to_dict
    from tradewatch.pipeline import RunContext, collect

    archive = RawArchive(tmp_path)
    feed_date = datetime(2026, 11, 1, 23, 0, tzinfo=UTC)
    candidate = Candidate(
        "http://wire.example/a", "wire", title="Feed title", published_at=feed_date
    )
    headers = {"content-type": "text/html; charset=EUC-KR"}
    common = {"status": 200, "headers": headers}
    for day, key, meta in (
        # Written by the current fetch stage: the candidate is in the metadata.
        (2, "new", {"url": candidate.url, "source": "wire", "candidate": to_dict(candidate)}),
        # An older archive file: only URL and source; another source; outside the window.
        (1, "old", {"url": "http://wire.example/b", "source": "wire"}),
        (2, "other", {"url": "http://other.example/c", "source": "other"}),
        (4, "late", {"url": "http://wire.example/d", "source": "wire"}),
    ):
        when = datetime(2026, 11, day, 3, 0, tzinfo=UTC)
        meta = {**common, **meta, "final_url": meta["url"], "fetched_at": when.isoformat()}
        archive.write("articles", key, b"<html></html>", meta, when)
    ctx = RunContext.for_reprocess(
        run_id="r",
        start="2026-11-01",
        end="2026-11-03",
        db_path=tmp_path / "t.duckdb",
        data_dir=tmp_path,
    )
    path = collect(ctx, "2026-11-01", "2026-11-03", "wire")
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    pages = [from_dict(Fetched, json.loads(line)) for line in lines]
    assert [p.candidate.url for p in pages] == ["http://wire.example/b", candidate.url]
    old, new = pages
    assert (old.candidate.source, old.candidate.title) == ("wire", None)
    assert new.candidate == candidate
    assert new.raw_path == "raw/2026/11/02/articles/new.gz"
    assert (new.encoding, new.status) == ("euc-kr", 200)
    counts = json.loads((ctx.run_dir / "state" / "counts-collect.json").read_text())
    assert counts["counts"] == {"archived": 2}
    with pytest.raises(ValueError, match="stages"):
        collect(ctx, "2026-11-01", "2026-11-03", stages="fetch")
