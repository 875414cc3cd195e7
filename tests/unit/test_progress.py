"""Progress of long stages: log lines when not on a terminal, nothing when quiet."""

from __future__ import annotations

import logging

import pytest

from tradewatch import progress
from tradewatch.progress import StageProgress, set_quiet


@pytest.fixture(autouse=True)
def _loud() -> None:
    set_quiet(False)
    yield
    set_quiet(False)


def test_not_on_a_terminal_it_logs_done_total_rate_and_time_left(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY_SECONDS", 0.0)
    with (
        caplog.at_level(logging.INFO, logger="tradewatch.progress"),
        StageProgress("analyze", 4) as bar,
    ):
        bar.advance(1)
        bar.advance(2)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3
    assert lines[1].startswith("analyze: 3/4 items, ")
    assert "/s, about " in lines[1] and lines[1].endswith(" s left")
    assert lines[2].startswith("analyze: 3 items in ") and lines[2].endswith("/s")


def test_quiet_logs_nothing(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY_SECONDS", 0.0)
    set_quiet(True)
    with (
        caplog.at_level(logging.INFO, logger="tradewatch.progress"),
        StageProgress("extract", 10) as bar,
    ):
        bar.advance(5)
    assert caplog.records == []


def test_lines_are_spaced_out(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY_SECONDS", 3600.0)
    with (
        caplog.at_level(logging.INFO, logger="tradewatch.progress"),
        StageProgress("load", 100) as bar,
    ):
        for _ in range(100):
            bar.advance()
    assert [r.getMessage().split(" in ")[0] for r in caplog.records] == ["load: 100 items"]
    assert bar.done == 100
