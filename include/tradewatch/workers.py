"""Worker processes for the CPU-bound stages (extract, analyze), the same wherever started.

Not ``multiprocessing``: its spawn and forkserver children first re-run the parent's
``__main__``, and in an Airflow task process that is the ``airflow`` command, so every
worker imported Airflow and died on the metadata-database URL Airflow 3 withholds from
tasks (``BrokenProcessPool``). These workers are plain interpreters,
``python -P -c "...; from tradewatch.workers import serve; serve()"``: they import
tradewatch and what their work needs, nothing of whoever started them (the CLI, an
Airflow task, pytest), so their start-up and memory are the same everywhere.

How they behave, because a task process is not a shell:

* calls and results travel as pickles over two pipes of their own; stdin is ``/dev/null``
  (in an Airflow task fd 0 is the supervisor's socket) and their output goes to the
  parent's stderr, which is the task log;
* they ignore SIGINT (Ctrl-C reaches the whole foreground group; the parent stops them)
  and die of SIGTERM, which Airflow sends the task's process group when a task is marked
  failed; an exception in the parent (a task's timeout) ends them on the way out, and
  they exit by themselves within a second of the parent's death (``kill -9``);
* a pool that cannot start, or a worker that dies of anything but a stop signal, costs
  the parallelism, not the run: the work goes on in this process, with a warning.

Usage::

    with WorkerPool(processes, "analyze") as pool:
        for result in pool.map(work, batches):  # in order, at most 2 per process ahead
            ...
    pool.stats.counts()  # {"processes": 2, "worker_start_ms": ..., ...}
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["PoolStats", "WorkerPool", "WorkersStopped", "serve"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_R = TypeVar("_R")

# Seconds a new worker may take to report ready (an interpreter and this module: ~0.1 s).
START_TIMEOUT = 60.0
# Seconds a worker is given to exit after its last call, or after SIGTERM, before SIGKILL.
STOP_TIMEOUT = 10.0
# How often a worker checks that its parent is still alive.
PARENT_CHECK_SECONDS = 0.5
# Signals that mean "stop": a worker that died of one of them was stopped from outside
# (workers ignore SIGINT; a SIGKILL is more often the kernel's OOM killer).
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# A worker's own import path first, then the parent's folders it lacks (where tradewatch
# or the module of a mapped function may live), as multiprocessing does.
_BOOT = (
    "import os, sys; "
    "sys.path += [p for p in sys.argv[5].split(os.pathsep) if p and p not in sys.path]; "
    "from tradewatch.workers import serve; serve()"
)


class WorkersStopped(RuntimeError):
    """A worker was stopped by a signal (the task is being killed): stop the stage too."""


@dataclass
class PoolStats:
    """What the pool did, for the run's ``pipeline_runs.counts``."""

    processes: int = 1  # worker processes started, or 1 when the work ran here
    start_ms: int = 0  # slowest worker from spawn to ready
    peak_rss_mb: int = 0  # largest worker's peak resident memory
    modules: int = 0  # modules a worker held when ready (the same under any parent)
    failures: int = 0  # pools that could not start, workers that died

    def merge(self, other: PoolStats) -> None:
        """Fold another pool's stats in (a stage that runs several pools, one per language):
        the largest pool, the slowest start, the biggest worker; failures add up."""
        self.processes = max(self.processes, other.processes)
        self.start_ms = max(self.start_ms, other.start_ms)
        self.peak_rss_mb = max(self.peak_rss_mb, other.peak_rss_mb)
        self.modules = max(self.modules, other.modules)
        self.failures += other.failures

    def counts(self) -> dict[str, int]:
        return {
            "processes": self.processes,
            "worker_start_ms": self.start_ms,
            "worker_peak_rss_mb": self.peak_rss_mb,
            "worker_modules": self.modules,
            "worker_failures": self.failures,
        }


class WorkerPool:
    """``processes`` worker processes for one stage, started at the first item of
    :meth:`map`; with ``processes`` 1 the work runs in this process."""

    def __init__(self, processes: int, name: str) -> None:
        self.processes = max(1, processes)
        self.name = name
        self.stats = PoolStats()
        self._started = False
        self._workers: list[_Worker] = []
        self._jobs: queue.Queue[tuple[int, Callable[[Any], Any], Any] | None] = queue.Queue()
        self._results: queue.Queue[tuple[int, str, Any]] = queue.Queue()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(kill=exc is not None)

    def map(self, fn: Callable[[_T], _R], items: Iterable[_T]) -> Iterator[_R]:
        """``fn(item)`` for each item, in order. ``fn`` and the items must pickle (a
        module-level function or a ``functools.partial`` of one)."""
        iterator = iter(items)
        first = next(iterator, _END)
        if first is _END:
            return
        iterator = _chain(first, iterator)
        if self.processes > 1 and not self._started:
            self._started = True
            self._start()
        if not self._workers:
            yield from map(fn, iterator)
            return
        yield from self._map_parallel(fn, iterator)

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers: let them finish and report, or (``kill``) end them now."""
        workers, self._workers = self._workers, []
        if kill:
            _terminate(workers)
            return
        for _ in workers:
            self._jobs.put(None)
        for worker in workers:
            if worker.thread:
                worker.thread.join(STOP_TIMEOUT)
            if worker.final:
                self.stats.peak_rss_mb = max(self.stats.peak_rss_mb, worker.final["peak_rss_mb"])
        _terminate(workers)

    def _start(self) -> None:
        started = time.monotonic()
        try:
            for index in range(self.processes):
                self._workers.append(_Worker.spawn(index, self.name))
            for worker in self._workers:
                ready = worker.wait_ready(started + START_TIMEOUT)
                self.stats.start_ms = max(self.stats.start_ms, ready["ms"])
                self.stats.modules = max(self.stats.modules, ready["modules"])
        except Exception as exc:  # no interpreter, no pipe, a worker that died or hung
            _terminate(self._workers)
            self._workers = []
            self.stats.failures += 1
            logger.warning(
                "%s: worker processes could not start (%s); working in this one process",
                self.name,
                exc,
            )
            return
        for worker in self._workers:
            worker.thread = threading.Thread(
                target=worker.run,
                args=(self._jobs, self._results),
                name=f"tradewatch-{self.name}-{worker.index}",
                daemon=True,
            )
            worker.thread.start()
        self.stats.processes = len(self._workers)
        logger.info(
            "%s: %d worker processes ready in %d ms",
            self.name,
            len(self._workers),
            self.stats.start_ms,
        )

    def _map_parallel(self, fn: Callable[[_T], _R], items: Iterator[_T]) -> Iterator[_R]:
        """Feed the workers at most two items per process ahead of the one next due,
        and yield the results in item order."""
        ahead = 2 * len(self._workers)
        pending: dict[int, _T] = {}
        done: dict[int, _R] = {}
        sent = due = 0
        while True:
            while len(pending) < ahead and (item := next(items, _END)) is not _END:
                pending[sent] = item
                self._jobs.put((sent, fn, item))
                sent += 1
            if due not in pending:
                return
            while due not in done:
                seq, kind, value = self._results.get()
                if kind == "ok":
                    done[seq] = value
                elif kind == "error":
                    raise value
                else:
                    yield from self._finish_here(fn, value, pending, done, due, items)
                    return
            pending.pop(due)
            yield done.pop(due)
            due += 1

    def _finish_here(
        self,
        fn: Callable[[_T], _R],
        lost: _Worker,
        pending: dict[int, _T],
        done: dict[int, _R],
        due: int,
        items: Iterator[_T],
    ) -> Iterator[_R]:
        """A worker died: stop the others and do what is left in this process, unless a
        stop signal killed it, which means the whole stage is being stopped."""
        self.close(kill=True)
        code = lost.process.returncode
        if code < 0 and -code in _STOP_SIGNALS:
            raise WorkersStopped(
                f"{self.name}: worker process {lost.process.pid} was stopped by "
                f"{signal.Signals(-code).name}; stopping"
            )
        self.stats.failures += 1
        logger.warning(
            "%s: worker process %d died (exit code %s); finishing in this one process",
            self.name,
            lost.process.pid,
            code,
        )
        for seq in sorted(pending):
            if seq >= due:
                yield done[seq] if seq in done else fn(pending[seq])
        yield from map(fn, items)


class _Worker:
    """One worker process and the thread in this process that talks to it."""

    def __init__(
        self,
        index: int,
        process: subprocess.Popen[bytes],
        calls: Connection,
        results: Connection,
        spawned: float,
    ) -> None:
        self.index, self.process = index, process
        self.calls, self.results = calls, results
        self.spawned = spawned
        self.thread: threading.Thread | None = None
        self.final: dict[str, int] | None = None

    @classmethod
    def spawn(cls, index: int, name: str) -> _Worker:
        calls_r, calls_w = os.pipe()
        results_r, results_w = os.pipe()
        command = [sys.executable or "python3", "-P", "-c", _BOOT]
        command += [str(calls_r), str(results_w), str(os.getpid()), name]
        command.append(os.pathsep.join(os.path.abspath(p) for p in sys.path if p))
        spawned = time.monotonic()
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=_output_fd(),
                pass_fds=(calls_r, results_w),
            )
        except BaseException:
            os.close(calls_w)
            os.close(results_r)
            raise
        finally:
            os.close(calls_r)
            os.close(results_w)
        calls = Connection(calls_w, readable=False)
        return cls(index, process, calls, Connection(results_r, writable=False), spawned)

    def wait_ready(self, deadline: float) -> dict[str, int]:
        """The worker's hello (its modules), with the ms from spawn to hello."""
        if not self.results.poll(max(0.0, deadline - time.monotonic())):
            raise TimeoutError(f"worker {self.process.pid} not ready after {START_TIMEOUT:.0f} s")
        try:
            hello = self.results.recv()
        except (EOFError, OSError) as exc:
            code = self.process.wait()
            raise ChildProcessError(f"worker exited with code {code} before it was ready") from exc
        return {**hello, "ms": int((time.monotonic() - self.spawned) * 1000)}

    def run(
        self,
        jobs: queue.Queue[tuple[int, Callable[[Any], Any], Any] | None],
        results: queue.Queue[tuple[int, str, Any]],
    ) -> None:
        """Hand the worker one job at a time until told to stop or it dies."""
        while (job := jobs.get()) is not None:
            seq, fn, item = job
            try:
                self.calls.send((fn, item))
                kind, value = self.results.recv()
            except (EOFError, OSError):
                results.put((seq, "lost", self))
                return
            except Exception as exc:  # the call or its result does not pickle
                results.put((seq, "error", exc))
                continue
            results.put((seq, kind, value))
        try:
            self.calls.send(None)
            self.final = self.results.recv()
        except (EOFError, OSError):
            pass


def _terminate(workers: list[_Worker]) -> None:
    """End the workers (SIGTERM, then SIGKILL) and close their pipes."""
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for worker in workers:
        try:
            worker.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
        worker.calls.close()
        worker.results.close()


_END: Any = object()


def _output_fd() -> int:
    """Where workers write: this process's stderr (the task log), or nowhere."""
    try:
        return sys.__stderr__.fileno() if sys.__stderr__ else subprocess.DEVNULL
    except (OSError, ValueError):
        return subprocess.DEVNULL


def _chain(first: _T, rest: Iterator[_T]) -> Iterator[_T]:
    yield first
    yield from rest


def serve() -> None:
    """The worker's main loop (argv: calls fd, results fd, parent pid, pool name, path)."""
    calls_fd, results_fd, parent, _name = sys.argv[1:5]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(int(parent),), daemon=True).start()
    calls = Connection(int(calls_fd), writable=False)
    results = Connection(int(results_fd), readable=False)
    results.send({"modules": len(sys.modules)})
    while True:
        try:
            call = calls.recv()
        except EOFError:
            return
        if call is None:
            results.send({"peak_rss_mb": _peak_rss_mb()})
            return
        fn, item = call
        try:
            results.send(("ok", fn(item)))
        except Exception as exc:
            results.send(("error", _portable(exc)))


def _portable(exc: Exception) -> Exception:
    """The exception, with the worker's traceback as a note, in a form that pickles."""
    note = f"in worker process {os.getpid()}:\n{traceback.format_exc()}"
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    exc.add_note(note)
    return exc


def _peak_rss_mb() -> int:
    """This process's peak resident memory. Linux's ``VmHWM``, not ``ru_maxrss``, which
    keeps the parent's peak across fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB, bytes on macOS
    return peak // (2**20 if sys.platform == "darwin" else 2**10)


def _exit_with_parent(parent: int) -> None:
    """End this worker when the process that started it is gone (killed with -9, say)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
