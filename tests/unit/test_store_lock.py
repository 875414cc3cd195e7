"""The loader waits for a database another process holds, and says who holds it."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradewatch.config import ConfigError
from tradewatch.store import StoreError, connect, lock_wait_seconds
from tradewatch.store.db import _lock_holder

# Holds the file (read-only, like an analyst's session, which still keeps writers out) until
# a line arrives on stdin, so the tests control the release instead of racing a timer.
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("held", flush=True)
sys.stdin.readline()
con.close()
print("released", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "locked.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def holder(tmp_path: Path, db: Path) -> Iterator[subprocess.Popen[str]]:
    script = tmp_path / "lock_holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


class _ReleaseOnFirstWait(logging.Handler):
    """Tells the holder to let go once the loader has logged that it is waiting."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        super().__init__()
        self.proc = proc
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if len(self.messages) == 1:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.write("release\n")
            self.proc.stdin.flush()
            assert self.proc.stdout.readline().strip() == "released"


def test_waits_until_the_holder_releases(db: Path, holder: subprocess.Popen[str]) -> None:
    handler = _ReleaseOnFirstWait(holder)
    db_logger = logging.getLogger("tradewatch.store.db")
    db_logger.addHandler(handler)
    try:
        con = connect(db, wait_seconds=60)
    finally:
        db_logger.removeHandler(handler)
    try:
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] > 0
    finally:
        con.close()
    assert handler.messages, "the loader never had to wait"
    first = handler.messages[0]
    assert "is locked by" in first and f"PID {holder.pid}" in first
    assert "lock_holder.py" in first  # the holder's command line, from /proc


def test_gives_up_after_the_limit_naming_the_holder(
    db: Path, holder: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="tradewatch.store.db"),
        pytest.raises(StoreError) as info,
    ):
        connect(db, wait_seconds=1.0)
    message = str(info.value)
    assert f"PID {holder.pid}" in message and "lock_holder.py" in message
    assert "giving up" in message and "\n" not in message
    waits = [r for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(waits) >= 2  # backed off and retried, not a single attempt
    assert all(f"PID {holder.pid}" in r.getMessage() for r in waits)
    assert holder.poll() is None  # the holder was left alone


def test_without_wait_fails_at_once_naming_the_holder(
    db: Path, holder: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="tradewatch.store.db"),
        pytest.raises(StoreError, match=rf"cannot open .*locked by PID {holder.pid} "),
    ):
        connect(db)
    assert not caplog.records


def test_other_open_errors_are_not_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database" * 500)
    with (
        caplog.at_level(logging.WARNING, logger="tradewatch.store.db"),
        pytest.raises(StoreError, match="not a valid DuckDB database"),
    ):
        connect(junk, wait_seconds=600)
    assert not caplog.records


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, 120.0), ("", 120.0), ("5", 5.0), (" 0.5 ", 0.5), ("0", 0.0)]
)
def test_lock_wait_setting(monkeypatch: pytest.MonkeyPatch, raw: str | None, expected: float):
    if raw is None:
        monkeypatch.delenv("TRADEWATCH_DB_LOCK_WAIT", raising=False)
    else:
        monkeypatch.setenv("TRADEWATCH_DB_LOCK_WAIT", raw)
    assert lock_wait_seconds() == expected


@pytest.mark.parametrize("raw", ["soon", "-1", "nan", "inf"])
def test_lock_wait_setting_rejects_nonsense(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("TRADEWATCH_DB_LOCK_WAIT", raw)
    with pytest.raises(ConfigError, match="TRADEWATCH_DB_LOCK_WAIT"):
        lock_wait_seconds()


def test_holder_description_degrades_gracefully() -> None:
    gone = (
        'IO Error: Could not set lock on file "/x.duckdb": '
        "Conflicting lock is held in /usr/bin/duckdb (PID 999999999)."
    )
    assert _lock_holder(gone) == "PID 999999999 (/usr/bin/duckdb)"  # no /proc entry: the exe
    assert _lock_holder('Could not set lock on file "/x.duckdb"') == "another process"
