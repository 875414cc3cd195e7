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
