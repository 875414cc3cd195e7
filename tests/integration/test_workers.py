"""The worker pool of the CPU-bound stages: real worker processes, real signals.

Work functions live in this module: workers import it from the parent's path, as they
import tradewatch.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from tradewatch.workers import WorkerPool, WorkersStopped

ITEMS = list(range(40))


def slow_square(n: int) -> int:
    time.sleep(0.05)
    return n * n


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise KeyError(f"no entry {n}")
    return n


def _workers_of(pid: int) -> list[psutil.Process]:
    return [
        p
        for p in psutil.Process(pid).children(recursive=True)
        if "tradewatch.workers" in " ".join(p.cmdline())
    ]


def test_results_come_back_in_order_from_several_processes() -> None:
    seen: set[int] = set()
    results = []
    with WorkerPool(2, "test") as pool:
        for result in pool.map(slow_square, ITEMS):
            seen.update(p.pid for p in _workers_of(os.getpid()))
            results.append(result)
    assert results == [n * n for n in ITEMS]
    assert len(seen) == 2
    assert pool.stats.processes == 2 and pool.stats.failures == 0
    assert pool.stats.start_ms > 0 and pool.stats.modules > 0 and pool.stats.peak_rss_mb > 0
    assert not _workers_of(os.getpid()), "workers left after the pool closed"


def test_one_process_works_here_and_starts_nothing() -> None:
    with WorkerPool(1, "test") as pool:
        assert list(pool.map(slow_square, ITEMS[:5])) == [0, 1, 4, 9, 16]
        assert not _workers_of(os.getpid())
    assert pool.stats.counts()["processes"] == 1


def test_an_empty_stream_starts_no_worker() -> None:
    with WorkerPool(2, "test") as pool:
        assert list(pool.map(slow_square, [])) == []
        assert not _workers_of(os.getpid())
    assert pool.stats.processes == 1


def test_an_error_in_the_work_is_raised_with_the_workers_traceback() -> None:
    with pytest.raises(KeyError, match="no entry 7") as raised, WorkerPool(2, "test") as pool:
        list(pool.map(fail_on_seven, ITEMS))
    assert any("fail_on_seven" in note for note in raised.value.__notes__)
    assert not _workers_of(os.getpid())


@pytest.mark.parametrize("executable", ["/bin/false", "/no/such/python"])
def test_a_pool_that_cannot_start_works_here_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, executable: str
) -> None:
    monkeypatch.setattr(sys, "executable", executable)
    with caplog.at_level(logging.WARNING), WorkerPool(2, "test") as pool:
        assert list(pool.map(slow_square, ITEMS)) == [n * n for n in ITEMS]
    assert pool.stats.processes == 1 and pool.stats.failures == 1
    assert "worker processes could not start" in caplog.text


def test_a_worker_that_dies_leaves_its_work_to_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    results = []
    with caplog.at_level(logging.WARNING), WorkerPool(2, "test") as pool:
        for result in pool.map(slow_square, ITEMS):
            if len(results) == 3:
                _workers_of(os.getpid())[0].kill()
            results.append(result)
    assert results == [n * n for n in ITEMS]
    assert pool.stats.failures == 1
    assert "died (exit code -9)" in caplog.text
    assert not _workers_of(os.getpid())


def test_a_worker_stopped_by_sigterm_stops_the_stage() -> None:
    """Airflow signals the task's process group when a task is marked failed."""
    with pytest.raises(WorkersStopped, match="SIGTERM"), WorkerPool(2, "test") as pool:
        for i, _ in enumerate(pool.map(slow_square, ITEMS)):
            if i == 2:
                _workers_of(os.getpid())[0].terminate()
    assert not _workers_of(os.getpid())


PARENT = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {here!r})
    from test_workers import slow_square
    from tradewatch.workers import WorkerPool
    with WorkerPool(2, "test") as pool:
        for _ in pool.map(slow_square, range(10_000)):
            print("working", flush=True)
    """
)


def _parent(tmp_path: Path) -> subprocess.Popen[str]:
    """A process mapping slow work on two workers, in a session of its own; returns
    once the workers run."""
    code = PARENT.format(here=str(Path(__file__).parent))
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "working\n"
    return proc


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    parent = _parent(tmp_path)
    workers = _workers_of(parent.pid)
    assert len(workers) == 2
    parent.kill()
    parent.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive


def test_ctrl_c_stops_the_workers_with_their_parent(tmp_path: Path) -> None:
    """SIGINT reaches the whole foreground group: workers leave it to the parent."""
    parent = _parent(tmp_path)
    workers = _workers_of(parent.pid)
    os.killpg(parent.pid, signal.SIGINT)
    assert parent.wait(timeout=30) != 0
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive


def test_a_task_timeout_in_the_parent_stops_the_workers(tmp_path: Path) -> None:
    """Airflow's execution_timeout raises in the task's main thread (SIGALRM)."""
    code = PARENT.format(here=str(Path(__file__).parent)).replace(
        "import sys, time\n",
        "import signal, sys, time\n"
        "def _timeout(*_):\n"
        "    raise TimeoutError('task timed out')\n"
        "signal.signal(signal.SIGALRM, _timeout)\n"
        "signal.alarm(3)\n",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "working\n"
    workers = _workers_of(proc.pid)
    assert len(workers) == 2
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "TimeoutError: task timed out" in err
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
