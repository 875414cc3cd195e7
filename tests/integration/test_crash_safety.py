"""Crash safety for real: processes are SIGKILLed mid-load and mid-fetch, disks fill up.

* A loader killed at any point leaves the DuckDB file exactly as before the load or
  exactly as after it (never in between), and the next load completes it.
* A fetch killed mid-download or mid-write leaves no half-written raw-archive entry, and
  whatever temp file it left is ignored by the pipeline.
* An unusable data dir or a full disk ends ``tradewatch ingest`` with a one-line message
  (no traceback) and the stored data unchanged.

Kills are triggered either after a delay from a marker the child prints, or at a marker
printed by a hook that then stalls (deterministic points inside the transaction, between
a temp file's write and its rename). No assertion depends on timing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from clirun import run_cli
from servers.fault import FaultServer, ok, stall_body, status
from tradewatch.archive import RawArchive
from tradewatch.models import Candidate, to_dict
from tradewatch.store import snapshot_path

STATE_TABLES = (
    "articles",
    "quotes",
    "entity_mentions",
    "entities",
    "fetch_log",
    "pending_fetches",
    "pipeline_runs",
)
FEW_FEEDS = [("yonhap", "rss", "yonhap/feed.xml"), ("herald", "rss", "herald/feed.xml")]
TIMEOUT = 120  # seconds; generous, never asserted on

# Runs pipeline.load (or pipeline.fetch) in a child; prints READY before the work starts.
# A hook "module:function" replaces that function with one that prints "AT <hook>" and
# stalls, so the parent can kill the child at exactly that point.
_LOAD_DRIVER = r"""
import json, sys, time
from pathlib import Path
import tradewatch.pipeline as pipeline
import tradewatch.store.load as store_load
import tradewatch.store.snapshot as store_snapshot
import tradewatch.store.snapshot_sync as store_sync
cfg = json.loads(sys.argv[1])
if cfg["hook"]:
    module, name = cfg["hook"].split(":")
    target = {
        "pipeline": pipeline, "load": store_load, "snapshot": store_snapshot,
        "snapshot_sync": store_sync,
    }[module]
    def stall(*args, **kwargs):
        print("AT " + cfg["hook"], flush=True)
        time.sleep(600)
    setattr(target, name, stall)
ctx = pipeline.RunContext(
    run_id=cfg["run_id"], sources_file=Path(cfg["sources"]),
    db_path=Path(cfg["db"]), data_dir=Path(cfg["data"]),
)
print("READY", flush=True)
pipeline.load(ctx, cfg["analyzed"])
print("DONE", flush=True)
"""

_FETCH_DRIVER = r"""
import json, os, sys, time
from pathlib import Path
import tradewatch.pipeline as pipeline
cfg = json.loads(sys.argv[1])
if cfg["stall_rename_to"]:
    real_replace = os.replace
    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(cfg["stall_rename_to"]) and "/raw/" in str(dst):
            print("AT rename " + str(dst), flush=True)
            time.sleep(600)
        return real_replace(src, dst, *args, **kwargs)
    os.replace = replace
ctx = pipeline.RunContext(
    run_id=cfg["run_id"], sources_file=Path(cfg["sources"]),
    db_path=Path(cfg["db"]), data_dir=Path(cfg["data"]),
)
print("READY", flush=True)
pipeline.fetch(ctx, cfg["candidates"])
print("DONE", flush=True)
"""


# ---------------------------------------------------------------------------------------
# helpers


def dump_state(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every state table, sorted; ``pipeline_runs`` without what a retried load rewrites
    (``finished_at`` and the load's own counts, which say what *that* load changed)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        state = {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in STATE_TABLES
            if t != "pipeline_runs"
        }
        cur = con.execute("SELECT * EXCLUDE (finished_at) FROM pipeline_runs ORDER BY run_id")
        names = [d[0] for d in cur.description]
        runs = []
        for row in cur.fetchall():
            record = dict(zip(names, row, strict=True))
            counts = json.loads(record["counts"])
            counts.pop("load", None)
            record["counts"] = counts
            runs.append(tuple(sorted((k, json.dumps(v, default=str)) for k, v in record.items())))
        state["pipeline_runs"] = runs
        return state
    finally:
        con.close()


class Child:
    """A ``python -c`` child whose stdout lines are collected by a reader thread."""

    def __init__(self, script: str, cfg: dict[str, Any], **popen: Any) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script, json.dumps(cfg)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen,
        )
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line.strip())
                self._seen.notify_all()
        with self._seen:
            self.lines.append("<EOF>")
            self._seen.notify_all()

    def wait_for(self, prefix: str) -> bool:
        """True once a line starting with ``prefix`` was printed; False if the child ended."""
        deadline = time.monotonic() + TIMEOUT
        with self._seen:
            while True:
                if any(line.startswith(prefix) for line in self.lines):
                    return True
                if "<EOF>" in self.lines:
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"child never printed {prefix!r}: {self.lines}")
                self._seen.wait(left)

    def kill(self) -> int:
        """SIGKILL (if still running) and reap; returns the exit status."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        code = self.proc.wait(timeout=TIMEOUT)
        self._reader.join(TIMEOUT)
        return code

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("tradewatch: error:")]
    assert len(errors) == 1, result.stderr[-3000:]
    return errors[0]


# ---------------------------------------------------------------------------------------
# a. kill -9 of the loader


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory, make_sources) -> dict[str, Any]:
    """A database with a first ingest in it, a second run staged up to ``analyze`` (every
    article refetched and re-scored with another threshold, plus two new sources), and
    the database states before and after loading that second run."""
    from tradewatch import pipeline

    tmp = tmp_path_factory.mktemp("crash-load")
    data, before_db = tmp / "data", tmp / "before" / "tw.duckdb"
    first = pipeline.RunContext.create(
        sources_file=make_sources(tmp / "few.yaml", FEW_FEEDS),
        db_path=before_db,
        data_dir=data,
        run_id="first",
    )
    assert pipeline.ingest(first)["articles_new"] > 0
    ctx = pipeline.RunContext.create(
        sources_file=make_sources(tmp / "all.yaml"),
        db_path=before_db,
        data_dir=data,
        run_id="second",
        force_refetch=True,
        relevance_threshold=0.95,
    )
    fetched = pipeline.fetch(ctx, [pipeline.discover(ctx, n) for n in pipeline.plan(ctx)])
    analyzed = pipeline.analyze(ctx, pipeline.extract(ctx, fetched))
    before = dump_state(before_db)

    after_db = tmp / "after" / "tw.duckdb"
    after_db.parent.mkdir()
    shutil.copy(before_db, after_db)
    counts = pipeline.load(pipeline_ctx(ctx, after_db), analyzed)
    after = dump_state(after_db)
    assert counts["articles_new"] > 0 and counts["articles_updated"] > 0, counts
    assert before != after
    return {"ctx": ctx, "analyzed": analyzed, "before_db": before_db, "tmp": tmp} | {
        "before": before,
        "after": after,
    }


def pipeline_ctx(ctx: Any, db: Path) -> Any:
    from dataclasses import replace

    return replace(ctx, db_path=db)


# (kind, value): "delay" = seconds after the child printed READY (just before load());
# "hook" = stall at the start of that function (inside the transaction for load:*).
KILL_POINTS = [
    ("delay", 0.0),
    ("delay", 0.05),
    ("delay", 0.1),
    ("delay", 0.15),
    ("delay", 0.2),
    ("delay", 0.25),
    ("delay", 0.3),
    ("delay", 0.45),
    ("delay", 0.7),
    ("hook", "load:link_duplicates"),  # first statement inside the transaction
    ("hook", "load:record_pending"),  # rows inserted, transaction still open
    ("hook", "load:_upsert_run"),  # last statement before COMMIT
    ("hook", "load:update_search_index"),  # rows written, index rows not yet
    ("hook", "pipeline:publish_snapshot"),  # committed, snapshot not published
    ("hook", "snapshot_sync:_replace_whole"),  # snapshot copy half caught up
    ("hook", "snapshot:_swap"),  # snapshot copy caught up, not yet swapped in
]


@pytest.mark.parametrize(("kind", "point"), KILL_POINTS, ids=[str(p[1]) for p in KILL_POINTS])
def test_killed_load_leaves_before_or_after_state(staged, tmp_path: Path, kind, point) -> None:
    from tradewatch import pipeline

    ctx = staged["ctx"]
    db = tmp_path / "tw.duckdb"
    shutil.copy(staged["before_db"], db)
    shutil.copy(snapshot_path(staged["before_db"]), snapshot_path(db))  # the first run's
    child = Child(
        _LOAD_DRIVER,
        {
            "run_id": ctx.run_id,
            "sources": str(ctx.sources_file),
            "db": str(db),
            "data": str(ctx.data_dir),
            "analyzed": staged["analyzed"],
            "hook": point if kind == "hook" else None,
        },
    )
    try:
        assert child.wait_for("READY"), child.stderr()
        if kind == "delay":
            time.sleep(point)
        else:
            assert child.wait_for(f"AT {point}"), child.stderr()
    finally:
        child.kill()

    state = dump_state(db)  # the file opens (read-only: no recovery by a writer first)
    assert state in (staged["before"], staged["after"]), "half-applied load"
    if kind == "hook":
        committed = point.split(":")[0] in {"pipeline", "snapshot", "snapshot_sync"}
        assert state == (staged["after"] if committed else staged["before"])
    con = duckdb.connect(str(db))  # and opens for writing (WAL replay, if any)
    con.close()

    pipeline.load(pipeline_ctx(ctx, db), staged["analyzed"])
    assert dump_state(db) == staged["after"]
    snapshot = db.with_name("tw_read.duckdb")
    assert dump_state(snapshot) == staged["after"]


# ---------------------------------------------------------------------------------------
# b. killed fetch: no half-written archive entry

PAGE = (
    "<html><head><title>Export controls on photoresist</title></head><body><article>"
    + "<p>Seoul and Tokyo discussed export controls on fluorinated polyimide. </p>" * 400
    + "</article></body></html>"
).encode()


@pytest.fixture
def fault_site() -> Iterator[FaultServer]:
    routes = {"/robots.txt": status(404), "/slow": stall_body(300, length=1_000_000)}
    routes |= {f"/page{i}": ok(PAGE + f"<!-- {i} -->".encode()) for i in range(12)}
    with FaultServer(routes) as srv:
        yield srv


def _fetch_setup(tmp: Path, srv: FaultServer, paths: list[str]) -> dict[str, Any]:
    sources = tmp / "sources.yaml"
    doc = {
        "allow_private_network": True,
        "min_host_gap_seconds": 0,
        "sources": [{"name": "fault", "type": "rss", "url": srv.url("/feed.xml")}],
    }
    sources.write_text(yaml.safe_dump(doc), encoding="utf-8")
    candidates = tmp / "candidates.jsonl"
    lines = [json.dumps(to_dict(Candidate(url=srv.url(p), source="fault"))) for p in paths]
    candidates.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "run_id": "killed-fetch",
        "sources": str(sources),
        "db": str(tmp / "tw.duckdb"),
        "data": str(tmp / "data"),
        "candidates": [str(candidates)],
        "stall_rename_to": None,
    }


def assert_archive_consistent(data: Path) -> int:
    """Every body has its metadata and reads back intact; temp files are hidden dot-files.
    Returns the number of complete entries."""
    raw = data / "raw"
    bodies = sorted(raw.rglob("*.gz")) if raw.exists() else []
    archive = RawArchive(data)
    for body in bodies:
        assert not body.name.startswith("."), body
        assert body.with_suffix(".json").exists(), f"{body} has no metadata"
        item = archive.read(str(body.relative_to(data)))
        assert item.meta["sha256"] and len(item.body) == item.meta["bytes"]
    if raw.exists():
        for leftover in raw.rglob("*.tmp"):
            assert leftover.name.startswith("."), leftover
    return len(bodies)


def _refetch_and_collect(cfg: dict[str, Any], expected_pages: int) -> None:
    """A later fetch on the same data dir works, and archive readers skip the temp files."""
    from tradewatch import pipeline

    ctx = pipeline.RunContext(
        run_id="retry",
        sources_file=Path(cfg["sources"]),
        db_path=Path(cfg["db"]),
        data_dir=Path(cfg["data"]),
    )
    fetched = pipeline.fetch(ctx, cfg["candidates"])
    assert len(Path(fetched).read_text().splitlines()) == expected_pages
    assert assert_archive_consistent(ctx.data_dir) == expected_pages
    day = next((ctx.data_dir / "raw").glob("*/*/*")).relative_to(ctx.data_dir / "raw")
    first = "-".join(day.parts)
    collected = pipeline.collect(ctx, first, first)
    paths = [json.loads(line)["raw_path"] for line in Path(collected).read_text().splitlines()]
    assert len(paths) == expected_pages
    assert all(not Path(p).name.startswith(".") for p in paths)


def test_fetch_killed_mid_download_leaves_no_partial_file(fault_site, tmp_path: Path) -> None:
    cfg = _fetch_setup(tmp_path, fault_site, ["/page0", "/page1", "/slow"])
    child = Child(_FETCH_DRIVER, cfg)
    try:
        assert child.wait_for("READY"), child.stderr()
        deadline = time.monotonic() + TIMEOUT
        while not (fault_site.hits["/slow"] and fault_site.requests_for("/slow")[0].bytes_sent):
            assert child.proc.poll() is None, child.stderr()
            assert time.monotonic() < deadline, "the slow page was never requested"
            time.sleep(0.02)
        time.sleep(0.2)  # let the partial body arrive; the child is now mid-download
    finally:
        child.kill()
    assert_archive_consistent(tmp_path / "data")
    # the stalled page answers at once next time
    fault_site.route("/slow", ok(PAGE + b"<!-- slow -->"))
    _refetch_and_collect(cfg, expected_pages=3)


@pytest.mark.parametrize("suffix", [".gz", ".json"])
def test_fetch_killed_between_temp_write_and_rename(fault_site, tmp_path: Path, suffix) -> None:
    cfg = _fetch_setup(tmp_path, fault_site, [f"/page{i}" for i in range(4)])
    cfg["stall_rename_to"] = suffix
    child = Child(_FETCH_DRIVER, cfg)
    try:
        assert child.wait_for("AT rename"), child.stderr()
    finally:
        child.kill()
    data = tmp_path / "data"
    leftovers = [p for p in (data / "raw").rglob("*.tmp") if "/articles/" in str(p)]
    assert leftovers, "the hook should have left a temp file behind"
    assert_archive_consistent(data)
    _refetch_and_collect(cfg, expected_pages=4)


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.04, 0.06, 0.08, 0.12, 0.3])
def test_fetch_killed_while_archiving(fault_site, tmp_path: Path, delay) -> None:
    paths = [f"/page{i}" for i in range(12)]
    cfg = _fetch_setup(tmp_path, fault_site, paths)
    child = Child(_FETCH_DRIVER, cfg)
    try:
        assert child.wait_for("READY"), child.stderr()
        deadline = time.monotonic() + TIMEOUT
        # the stage archives once every page is in: kill around that moment
        while not all((hits := fault_site.requests_for(p)) and hits[0].finished for p in paths):
            if child.proc.poll() is not None:
                break
            assert time.monotonic() < deadline, "pages never fetched"
            time.sleep(0.005)
        time.sleep(delay)
    finally:
        child.kill()
    assert_archive_consistent(tmp_path / "data")
    _refetch_and_collect(cfg, expected_pages=len(paths))


def test_killed_fetch_resumes_without_refetching(fault_site, tmp_path: Path) -> None:
    """The retried task (same run id) reuses what the killed one archived."""
    from tradewatch import pipeline

    done = [f"/page{i}" for i in range(5)]
    cfg = _fetch_setup(tmp_path, fault_site, [*done, "/slow"])
    child = Child(_FETCH_DRIVER, cfg)
    try:
        assert child.wait_for("READY"), child.stderr()
        deadline = time.monotonic() + TIMEOUT
        while not fault_site.hits["/slow"]:  # one host, in order: the others are in
            assert child.proc.poll() is None, child.stderr()
            assert time.monotonic() < deadline, "the slow page was never requested"
            time.sleep(0.02)
    finally:
        child.kill()
    assert assert_archive_consistent(tmp_path / "data") == len(done)
    fault_site.route("/slow", ok(PAGE + b"<!-- slow -->"))
    ctx = pipeline.RunContext(
        run_id=cfg["run_id"],
        sources_file=Path(cfg["sources"]),
        db_path=Path(cfg["db"]),
        data_dir=Path(cfg["data"]),
    )
    fetched = Path(pipeline.fetch(ctx, cfg["candidates"])).read_text().splitlines()
    assert len(fetched) == len(done) + 1
    assert {p: fault_site.hits[p] for p in done} == dict.fromkeys(done, 1)
    assert fault_site.hits["/slow"] == 2
    log = [json.loads(line) for line in (ctx.run_dir / "log" / "fetch.jsonl").open()]
    reused = [entry for entry in log if entry["outcome"] == "from_archive"]
    assert len(reused) == len(done)
    counts = json.loads((ctx.run_dir / "state" / "counts-fetch.json").read_text())["counts"]
    assert counts["from_archive"] == len(done) and counts["fetched"] == 1
    assert assert_archive_consistent(tmp_path / "data") == len(done) + 1


# ---------------------------------------------------------------------------------------
# c. unusable data dir, full disk


@pytest.fixture(scope="module")
def ingested_once(tmp_path_factory: pytest.TempPathFactory, make_sources) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("crash-disk")
    sources = make_sources(tmp / "few.yaml", FEW_FEEDS)
    db, data = tmp / "db" / "tw.duckdb", tmp / "data"
    result = run_cli("ingest", "--sources", sources, "--db", db, "--data-dir", data)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"sources": sources, "db": db, "data": data, "state": dump_state(db)}


def test_data_dir_is_a_file(ingested_once, tmp_path: Path) -> None:
    blocker = tmp_path / "data-is-a-file"
    blocker.write_text("not a folder")
    for data_dir in (blocker, blocker / "below"):
        result = run_cli(
            "ingest",
            "--sources",
            ingested_once["sources"],
            "--db",
            ingested_once["db"],
            "--data-dir",
            data_dir,
            "--force-refetch",
        )
        line = assert_one_line_error(result)
        assert "cannot write" in line and str(blocker) in line, line
        assert dump_state(ingested_once["db"]) == ingested_once["state"]


def _limit_file_size(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


@pytest.mark.parametrize("where", ["staging", "database"])
def test_full_disk_fails_cleanly_and_keeps_stored_data(ingested_once, where) -> None:
    """Writes beyond a size limit fail with EFBIG, as on a full disk. A 4 KiB limit stops
    the run at its first archive/staging write; a limit above every staging file but
    below the database (and its write-ahead log) stops it in the loader."""
    db, data = ingested_once["db"], ingested_once["data"]
    limit = 4096
    if where == "database":
        staging = max(p.stat().st_size for p in data.rglob("*") if p.is_file())
        wal = db.with_name(db.name + ".wal")
        limit = staging + 4096
        assert limit < min(db.stat().st_size, wal.stat().st_size if wal.exists() else limit + 1)
    result = run_cli(
        "ingest",
        "--sources",
        ingested_once["sources"],
        "--db",
        db,
        "--data-dir",
        data,
        "--force-refetch",
        "--relevance-threshold",
        "0.2",
        preexec_fn=_limit_file_size(limit),
    )
    state = dump_state(db)
    stored = state != ingested_once["state"]
    line = assert_one_line_error(result, 3 if stored else 2)
    assert "File too large" in line, line
    if where == "staging":  # failed before the loader ran
        assert not stored
    elif stored:  # the commit went through; only the snapshot could not follow
        assert_before_or_complete_run(state, ingested_once["state"])
        assert f"is stored in {db}" in line and "next load publishes it again" in line
    assert_archive_consistent(data)


def assert_before_or_complete_run(state: dict[str, list], before: dict[str, list]) -> None:
    """Unchanged, or (the load committed before a later write failed) changed by exactly
    one complete run: its ``pipeline_runs`` row and its fetch log, nothing else (the
    re-run fetched the same pages, so articles, quotes and mentions are the same)."""
    if state == before:
        return
    for table in ("articles", "quotes", "entity_mentions", "entities", "pending_fetches"):
        assert state[table] == before[table], table
    new_runs = [r for r in state["pipeline_runs"] if r not in before["pipeline_runs"]]
    assert len(new_runs) == 1 and set(before["pipeline_runs"]) < set(state["pipeline_runs"])
    run = dict(new_runs[0])
    stages = json.loads(run["counts"])
    assert {"plan", "discover", "fetch", "extract", "analyze"} <= set(stages), stages
    added = [r for r in state["fetch_log"] if r not in before["fetch_log"]]
    assert set(before["fetch_log"]) < set(state["fetch_log"])
    assert added and {r[1] for r in added} == {json.loads(run["run_id"])}


def test_snapshot_failure_after_commit_says_the_data_is_stored(
    tmp_path: Path, make_sources
) -> None:
    """A snapshot that cannot be replaced (a folder in its place) fails the run with exit 3
    and a line saying the load is stored; once the obstacle is gone, the next run publishes."""
    sources = make_sources(tmp_path / "few.yaml", FEW_FEEDS)
    db, data = tmp_path / "db" / "tw.duckdb", tmp_path / "data"
    blocker = db.with_name("tw_read.duckdb")
    (blocker / "in-the-way").mkdir(parents=True)
    result = run_cli("ingest", "--sources", sources, "--db", db, "--data-dir", data)
    line = assert_one_line_error(result, code=3)
    assert f"is stored in {db}" in line and "read-only snapshot failed" in line, line
    stored = dump_state(db)
    assert stored["articles"] and len(stored["pipeline_runs"]) == 1
    shutil.rmtree(blocker)
    again = run_cli("ingest", "--sources", sources, "--db", db, "--data-dir", data)
    assert again.returncode == 0, again.stderr[-3000:]
    assert dump_state(blocker)["articles"] == stored["articles"]
