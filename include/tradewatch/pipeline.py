"""The stages, as plain functions the DAG tasks and ``tradewatch ingest`` both call.

Stages hand each other JSONL staging files under ``<storage>/runs/<run_id>/`` and return
only their paths or counts, so Airflow's XCom stays small and article bodies travel through
the raw archive. ``<storage>`` is ``TRADEWATCH_STORAGE_URL`` (shared or object storage every
worker reaches, see :mod:`tradewatch.storage`) or else the local data directory.
Only :func:`load` writes DuckDB; every other stage at most reads it. Failures of single
sources or articles are written to the run's log files and loaded into ``fetch_log``; they
never fail the stage.

Each stage also leaves what it did in ``<run_dir>/state/counts-<stage>.json``; the loader
collects those files into the run's ``pipeline_runs`` row, written in the same transaction
as the data. :func:`reprocess` re-extracts and re-analyses pages from the raw archive with
the current code, without touching the network.

Usage::

    ctx = RunContext.create(sources_file=Path("include/sources.yaml"))
    counts = ingest(ctx)
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from time import perf_counter
from typing import Any, TypeVar

import duckdb
from upath import UPath

from tradewatch import __version__
from tradewatch.archive import RawArchive
from tradewatch.config import (
    DEFAULT_RELEVANCE_THRESHOLD,
    SourcesConfig,
    coordination_url,
    default_data_dir,
    default_db_path,
    default_sources_file,
    load_sources,
    nlp_processes,
    project_home,
    spacy_model_name,
    storage_location,
)
from tradewatch.dates import as_utc
from tradewatch.extract_many import extract_processes, extract_stream
from tradewatch.extraction_version import EXTRACTION_VERSION
from tradewatch.fetching import FetchRequest, FetchResult, HttpClient, HttpConfig, fetch_many
from tradewatch.history import PollPlan, ReplayClient, archive_scope, plan_poll
from tradewatch.models import (
    Article,
    Candidate,
    Fetched,
    FetchLogEntry,
    PendingFetch,
    Validators,
    from_dict,
    to_dict,
)
from tradewatch.progress import StageProgress
from tradewatch.selection import is_transient, select_candidates
from tradewatch.sources import Discovery, Window, discover_source
from tradewatch.storage import open_atomic, storage_path, write_atomic
from tradewatch.store import (
    FetchOutcomes,
    PublishError,
    StoreError,
    connect,
    load_batch,
    lock_wait_seconds,
    parquet_export_enabled,
    publish_snapshot,
)
from tradewatch.store.fetch_state import read_fetch_memory, read_validators
from tradewatch.store.load import RunRecord
from tradewatch.store.search_index import needs_sealing, seal_search_terms
from tradewatch.urls import article_id
from tradewatch.workers import PoolStats, WorkerPool

__all__ = [
    "REPROCESS_STAGES",
    "RunContext",
    "analyze",
    "collect",
    "discover",
    "extract",
    "fetch",
    "ingest",
    "load",
    "plan",
    "reprocess",
    "safe_run_id",
]

logger = logging.getLogger(__name__)

# Hosts fetched in parallel by the fetch stage; each host still gets one request at a time.
FETCH_WORKERS = 8
# Source types polled with a conditional GET (ETag / Last-Modified kept between runs).
CONDITIONAL_SOURCE_TYPES = ("rss", "atom")
# What a reprocess re-runs: extraction from the archived HTML and analysis, or only the
# analysis of the article text already stored (fast; enough when only NLP rules changed).
REPROCESS_STAGES = ("extract+analyze", "analyze")

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_T = TypeVar("_T")


def safe_run_id(raw: str) -> str:
    """Make an Airflow run id (``scheduled__2026-11-26T00:00:00+00:00``) safe as a folder name."""
    return _UNSAFE.sub("_", raw).strip("._") or "run"


@dataclass(frozen=True)
class RunContext:
    """Everything a stage needs to know about the run it belongs to."""

    run_id: str
    sources_file: Path
    db_path: Path
    data_dir: Path
    relevance_threshold: float = DEFAULT_RELEVANCE_THRESHOLD
    force_refetch: bool = False
    start: datetime | None = None
    end: datetime | None = None
    trigger: str = "cli"
    # Root of run folders and the raw archive, a path or fsspec URL; None: ``data_dir``.
    storage: str | None = None

    @classmethod
    def create(
        cls,
        *,
        sources_file: Path,
        db_path: Path | None = None,
        data_dir: Path | None = None,
        run_id: str | None = None,
        storage: str | None = None,
        **options: Any,
    ) -> RunContext:
        """A context with the configured defaults and a fresh manual run id."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        data_dir = Path(data_dir or default_data_dir())
        return cls(
            run_id=safe_run_id(run_id or f"manual__{stamp}"),
            sources_file=Path(sources_file),
            db_path=Path(db_path or default_db_path()),
            data_dir=data_dir,
            storage=storage or storage_location(data_dir),
            **options,
        )

    @classmethod
    def from_params(
        cls,
        *,
        run_id: str,
        params: Mapping[str, Any],
        start: datetime | None = None,
        end: datetime | None = None,
        run_type: object = "manual",
    ) -> RunContext:
        """A context for an orchestrated run: trigger-form params plus the data interval.

        A relative ``sources_file`` is taken relative to ``TRADEWATCH_HOME``, so the trigger
        form accepts ``include/samples/sources.yaml``. ``run_type`` is Airflow's (scheduled,
        manual, backfill...) and becomes the run's trigger kind.
        """
        sources = Path(str(params["sources_file"])).expanduser()
        if not sources.is_absolute():
            sources = project_home() / sources
        return cls(
            run_id=safe_run_id(run_id),
            sources_file=sources,
            db_path=default_db_path(),
            data_dir=default_data_dir(),
            storage=storage_location(default_data_dir()),
            relevance_threshold=float(params["relevance_threshold"]),
            force_refetch=bool(params["force_refetch"]),
            start=as_utc(start) if start else None,
            end=as_utc(end) if end else None,
            trigger=str(getattr(run_type, "value", run_type)),
        )

    @classmethod
    def for_reprocess(
        cls,
        *,
        run_id: str,
        start: date | str,
        end: date | str,
        relevance_threshold: float = DEFAULT_RELEVANCE_THRESHOLD,
        db_path: Path | None = None,
        data_dir: Path | None = None,
    ) -> RunContext:
        """A reprocess run over the archive days ``start``..``end`` (UTC, both included).

        The interval is stored as ``[start 00:00, end + 1 day 00:00)`` like a daily run's.
        """
        first, last = _as_date(start), _as_date(end)
        if last < first:
            raise ValueError(f"end {last} is before start {first}")
        data_dir = Path(data_dir or default_data_dir())
        return cls(
            run_id=safe_run_id(run_id),
            sources_file=default_sources_file(),
            db_path=Path(db_path or default_db_path()),
            data_dir=data_dir,
            storage=storage_location(data_dir),
            relevance_threshold=relevance_threshold,
            start=datetime.combine(first, time(), tzinfo=UTC),
            end=datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC),
            trigger="reprocess",
        )

    @property
    def root(self) -> UPath:
        """Where run folders and the raw archive live (:mod:`tradewatch.storage`)."""
        return storage_path(self.storage or self.data_dir)

    @property
    def run_dir(self) -> UPath:
        return self.root / "runs" / self.run_id

    @property
    def archive(self) -> RawArchive:
        """The raw archive, scoped to this run's interval (see :mod:`tradewatch.history`)."""
        scope = archive_scope(self.run_id, self.start, self.end, self.trigger)
        return RawArchive(self.root, scope=scope)


def plan(ctx: RunContext) -> list[str]:
    """Validate the sources file, create the run directory, return the source names."""
    began = datetime.now(UTC)
    config = load_sources(ctx.sources_file)
    (ctx.run_dir / "log").mkdir(parents=True, exist_ok=True)
    names = [spec.name for spec in config.sources]
    _record(
        ctx, "plan", began, {"sources": len(names)}, sources_file=str(ctx.sources_file.resolve())
    )
    return names


def discover(ctx: RunContext, source_name: str) -> str:
    """Poll one source; write its candidates to a JSONL file and return its path.

    Whether the poll goes to the live source, replays the interval's archive or finds no
    history is decided by :func:`tradewatch.history.plan_poll`; the poll's ``fetch_log``
    row says which (outcome ``replayed`` or ``no_history``, both successes).
    """
    began = datetime.now(UTC)
    config = load_sources(ctx.sources_file)
    spec = config.get(source_name)
    archive = ctx.archive
    poll = plan_poll(spec, archive, ctx.start, ctx.end, force=ctx.force_refetch)
    if poll.mode == "no_history":
        found, log, fresh = Discovery(), [], []
    else:
        with _client(ctx, config, poll) as client:
            conditional = spec.type in CONDITIONAL_SOURCE_TYPES and not ctx.force_refetch
            if poll.mode == "live" and conditional:
                known = read_validators(ctx.db_path, spec.url)
                client.remember_validators([known or Validators(spec.url, None, None, spec.name)])
            found = discover_source(spec, client, archive, Window(ctx.start, ctx.end))
            log = list(client.log)
            fresh = list(client.fresh_validators)
    outcome, reason = _poll_outcome(poll, found)
    log.append(_log_entry(ctx, spec.url, "poll", outcome, reason, source=spec.name))
    logger.info("%s: %d candidates (%s: %s)", spec.name, len(found.candidates), outcome, reason)
    name = safe_run_id(spec.name)
    counts = {
        "sources_polled": 1,
        "sources_failed": int(outcome == "failed"),
        "sources_replayed": int(poll.mode == "replay"),
        "sources_no_history": int(poll.mode == "no_history"),
        "candidates": len(found.candidates),
    }
    _record(ctx, "discover", began, counts, part=name)
    _write_jsonl(ctx.run_dir / "state" / f"validators-{name}.jsonl", fresh)
    _write_jsonl(ctx.run_dir / "log" / f"discover-{name}.jsonl", log)
    return str(_write_jsonl(ctx.run_dir / "candidates" / f"{name}.jsonl", found.candidates))


def _poll_outcome(poll: PollPlan, found: Discovery) -> tuple[str, str | None]:
    """The poll row's outcome: failed/partial win; else ok, replayed or no_history."""
    if found.error:
        return "failed", found.error
    if found.warnings:
        return "partial", "; ".join(found.warnings)
    if poll.mode == "live":
        return "ok", None
    return ("replayed" if poll.mode == "replay" else "no_history"), poll.reason


def fetch(ctx: RunContext, candidate_files: list[str]) -> str:
    """Fetch every new candidate page into the raw archive; return the fetched-list path.

    New means: not stored yet (by canonical URL), and no article with the same normalized
    headline from the same source in the last week (servers with stale validators re-list
    old items under new URLs). Fetches that earlier runs deferred are retried here.

    A page this run's archive scope already holds (an earlier attempt of the same run or
    interval archived it) is taken from the archive, not downloaded again; each download
    is archived as soon as it arrives, so a killed fetch loses at most the pages in flight.
    """
    began = datetime.now(UTC)
    config = load_sources(ctx.sources_file)
    archive = ctx.archive
    candidates = list(_candidates(candidate_files))
    memory = read_fetch_memory(ctx.db_path, candidates)
    selection = select_candidates(candidates, memory, force=ctx.force_refetch)
    skipped = [
        _log_entry(
            ctx,
            c.url,
            "article",
            "duplicate_title",
            f"same headline from {c.source} as {earlier}",
            source=c.source,
        )
        for c, earlier in selection.title_duplicates
    ] + [
        _log_entry(ctx, c.url, "article", "invalid", reason, source=c.source)
        for c, reason in selection.invalid
    ]
    fetched: dict[str, Fetched] = {}
    to_download: list[tuple[str, Candidate]] = []
    for canonical, candidate in selection.to_fetch:
        path = None if ctx.force_refetch else archive.scoped_path("articles", article_id(canonical))
        if path is None:
            to_download.append((canonical, candidate))
            continue
        fetched[canonical] = _archived_fetched(archive, path, candidate)
        skipped.append(
            _log_entry(ctx, candidate.url, "article", "from_archive", path, source=candidate.source)
        )
    reused = len(fetched)

    def keep(index: int, result: FetchResult) -> None:
        canonical, candidate = to_download[index]
        if result.ok:
            fetched[canonical] = _archive_page(archive, canonical, candidate, result)

    requests = [
        FetchRequest(candidate.url, kind="article", source=candidate.source)
        for _, candidate in to_download
    ]
    with _client(ctx, config) as client:
        results = fetch_many(client, requests, max_workers=FETCH_WORKERS, on_result=keep)
        log = [*skipped, *client.log]
    failures = [
        _pending(ctx, canonical, candidate, result)
        for (canonical, candidate), result in zip(to_download, results, strict=True)
        if not result.ok
    ]
    ordered = [fetched[c] for c, _ in selection.to_fetch if c in fetched]
    logger.info(
        "fetched %d pages (%d from the archive), %d failed, %d already known, "
        "%d duplicate headlines",
        len(ordered),
        reused,
        len(failures),
        selection.known,
        len(selection.title_duplicates),
    )
    counts = {
        "candidates": len(candidates),
        "fetched": len(ordered) - reused,
        "from_archive": reused,
        "fetch_failures": len(failures),
        "skipped_known": selection.known,
        "duplicate_titles": len(selection.title_duplicates),
        "invalid": len(selection.invalid),
    }
    _record(ctx, "fetch", began, counts)
    _write_jsonl(ctx.run_dir / "log" / "fetch.jsonl", log)
    _write_jsonl(ctx.run_dir / "state" / "failures.jsonl", failures)
    resolved = [c for c, _ in selection.to_fetch if c in fetched]
    write_atomic(ctx.run_dir / "state" / "resolved.json", json.dumps(resolved).encode())
    return str(_write_jsonl(ctx.run_dir / "fetched.jsonl", ordered))


def _archive_page(
    archive: RawArchive, canonical: str, candidate: Candidate, result: FetchResult
) -> Fetched:
    meta = {**result.archive_meta(candidate.url, candidate.source), "candidate": to_dict(candidate)}
    key = article_id(canonical)
    raw_path = archive.write("articles", key, result.body, meta, result.fetched_at)
    return _fetched(result, raw_path, candidate)


def _archived_fetched(
    archive: RawArchive, raw_path: str, candidate: Candidate | None = None
) -> Fetched:
    """The ``Fetched`` record of an archived page, from its metadata.

    ``candidate`` defaults to the one archived with the page; archives written before the
    candidate was kept fall back to its URL and source (no feed title or date: extraction
    then relies on the page alone).
    """
    meta = archive.meta(raw_path)
    if candidate is None:
        if "candidate" in meta:
            candidate = from_dict(Candidate, meta["candidate"])
        else:
            candidate = Candidate(url=meta["url"], source=meta["source"])
    return _fetched(FetchResult.from_archive(meta, path=raw_path), raw_path, candidate)


def _fetched(http: FetchResult, raw_path: str, candidate: Candidate) -> Fetched:
    return Fetched(
        candidate=candidate,
        final_url=http.final_url,
        status=http.status or 200,
        fetched_at=http.fetched_at,
        raw_path=raw_path,
        content_type=http.content_type,
        encoding=http.encoding,
    )


def _pending(
    ctx: RunContext, canonical: str, candidate: Candidate, result: FetchResult
) -> PendingFetch:
    retry_after = result.retry_after if result.outcome == "deferred" else None
    return PendingFetch(
        canonical_url=canonical,
        candidate=candidate,
        outcome=result.outcome,
        reason=result.reason,
        attempted_at=result.fetched_at,
        permanent=not is_transient(result),
        retry_after=result.fetched_at + timedelta(seconds=retry_after) if retry_after else None,
        run_id=ctx.run_id,
    )


def extract(ctx: RunContext, fetched_file: str) -> str:
    """Turn archived pages into articles (text + metadata); return the articles path.
    Pages stream through in batches, on every core for large runs (``extract_many``)."""
    began = datetime.now(UTC)
    log: list[FetchLogEntry] = []
    done = {"extracted": 0}
    relabelled: list[str] = []
    total = _count_lines(storage_path(fetched_file))

    def articles(pool: WorkerPool) -> Iterator[Article]:
        items = _read_jsonl(storage_path(fetched_file), Fetched)
        with StageProgress("extract", total) as progress:
            for item, outcome in extract_stream(str(ctx.root), items, pool):
                progress.advance()
                if isinstance(outcome, str):
                    log.append(
                        _log_entry(
                            ctx,
                            item.final_url,
                            "extract",
                            "extract_error",
                            outcome,
                            source=item.candidate.source,
                        )
                    )
                    continue
                done["extracted"] += 1
                if outcome.lang_declared and outcome.lang != outcome.lang_declared:
                    relabelled.append(
                        f"{outcome.url} (declared {outcome.lang_declared}, "
                        f"text {outcome.lang or 'unknown'})"
                    )
                yield outcome

    with WorkerPool(extract_processes(total), "extract") as pool:
        path = _write_jsonl(ctx.run_dir / "articles.jsonl", articles(pool))
    logger.info("extracted %d articles, %d failed", done["extracted"], len(log))
    if relabelled:
        logger.warning(
            "%d pages declared a language their text is not in; stored under the text's: %s",
            len(relabelled),
            "; ".join(relabelled[:10]) + (" ..." if len(relabelled) > 10 else ""),
        )
    counts = {
        "extracted": done["extracted"],
        "extract_errors": len(log),
        "lang_relabelled": len(relabelled),
        **pool.stats.counts(),
    }
    _record(ctx, "extract", began, counts)
    _write_jsonl(ctx.run_dir / "log" / "extract.jsonl", log)
    return str(path)


def analyze(ctx: RunContext, articles_file: str) -> str:
    """Score relevance and extract entities and quotes; return the analysed-articles path.

    Articles stream through, language by language, on up to ``nlp_processes()`` worker
    processes (``tradewatch.nlp``); one reader feeds their texts to the analysis while a
    second reader of the same file pairs each article with its analysis as results come
    back in order, so neither the texts nor the analyses of a whole run are ever in
    memory together.
    """
    from tradewatch.nlp import LANGUAGES, analyze_stream  # models load for relevant ones only

    began = datetime.now(UTC)
    path = storage_path(articles_file)
    total = _count_lines(path)
    seen = {"analyzed": 0, "relevant": 0, "unsupported_lang": 0}
    stats = PoolStats()

    def analysed(spill: Path) -> Iterator[Article]:
        texts = ((a.title, a.text, a.lang) for a in _read_jsonl(path, Article))
        analyses = analyze_stream(
            texts,
            spill=spill,
            threshold=ctx.relevance_threshold,
            processes=nlp_processes(),
            stats=stats,
        )
        with StageProgress("analyze", total) as progress:
            for article, analysis in zip(_read_jsonl(path, Article), analyses, strict=True):
                article.analysis = analysis
                seen["analyzed"] += 1
                seen["relevant"] += analysis.relevant
                language = f"lang_{analysis.lang}"
                seen[language] = seen.get(language, 0) + 1
                seen["unsupported_lang"] += analysis.lang not in LANGUAGES
                progress.advance()
                yield article

    # The spill is this process's scratch, so it stays on local disk whatever the storage.
    ctx.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="analysis-", dir=ctx.data_dir) as spill:
        out = _write_jsonl(ctx.run_dir / "analyzed.jsonl", analysed(Path(spill)))
    logger.info("analysed %d articles, %d relevant", seen["analyzed"], seen["relevant"])
    if seen["unsupported_lang"]:
        logger.info(
            "%d articles are in a language with no analysis (%s), stored as irrelevant",
            seen["unsupported_lang"],
            ", ".join(
                code
                for key in seen
                if key.startswith("lang_") and (code := key.removeprefix("lang_")) not in LANGUAGES
            ),
        )
    model = spacy_model_name()
    _record(
        ctx,
        "analyze",
        began,
        {**seen, **stats.counts()},
        extraction_version=EXTRACTION_VERSION,
        spacy_model=model,
        spacy_model_version=_package_version(model),
    )
    return str(out)


def _count_lines(path: UPath) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def load(ctx: RunContext, analyzed_file: str) -> dict[str, int]:
    """Upsert the run's articles, quotes, entities, fetch log and ``pipeline_runs`` row into
    DuckDB in one transaction, then publish the read-only snapshot; return the load counts.

    Articles go in batches, in publication order (see ``store.load_batch``), and the
    full-text indexes take the rows written in the same transaction; the snapshot then
    catches up on what the load wrote (``store.snapshot``). A run that changed no article
    still publishes: its own row, fetch log and retries are news to whoever reads it (the
    brief's health section). When the search index's last terms table filled up, it is
    then sealed (``store.term_partitions``); a failure there only logs.
    A locked database is waited for (``TRADEWATCH_DB_LOCK_WAIT`` seconds) before failing.
    """
    log: list[FetchLogEntry] = []
    for path in sorted((ctx.run_dir / "log").glob("*.jsonl"), key=str):
        log.extend(_read_jsonl(path, FetchLogEntry))
    started = perf_counter()
    con = connect(ctx.db_path, wait_seconds=lock_wait_seconds())
    try:
        counts = load_batch(
            con,
            _in_publication_order(storage_path(analyzed_file)),
            log,
            log_key=ctx.run_id,
            outcomes=_outcomes(ctx),
            run=_run_record(ctx),
        )
        stored = perf_counter()
        try:
            publish_snapshot(con, ctx.db_path, parquet=parquet_export_enabled())
        except (OSError, duckdb.Error, StoreError) as exc:
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise PublishError(
                f"run {ctx.run_id} is stored in {ctx.db_path} ({counts.articles_new} new, "
                f"{counts.articles_updated} updated articles), but publishing the read-only "
                f"snapshot failed: {first_line}; the next load publishes it again"
            ) from exc
        sealing = needs_sealing(con)
    finally:
        con.close()
    done = perf_counter()
    if sealing:
        try:
            seal_search_terms(ctx.db_path, lock_wait_seconds())
        except (OSError, duckdb.Error, StoreError) as exc:
            logger.warning(
                "could not seal full search-index tables (the next load tries again): %s", exc
            )
    logger.info(
        "loaded into %s in %.2f s (rows and search index %.2f s, snapshot %.2f s): %s",
        ctx.db_path,
        done - started,
        stored - started,
        done - stored,
        counts,
    )
    return asdict(counts)


_UNDATED = datetime.max.replace(tzinfo=UTC)
# sources `ingest` polls at once (each waits mostly on its server)
POLL_THREADS = 8


def _in_publication_order(path: UPath) -> Iterator[Article]:
    """The file's articles, earliest published first (undated last), in file order for
    equal keys, so the newer copy of a page archived twice still comes last. Only the
    sort keys and line offsets are held; each article is read back when its turn comes."""
    keys: list[tuple[bool, datetime, str, int, int]] = []
    with path.open("rb") as handle:
        offset = 0
        for index, line in enumerate(handle):
            if line.strip():
                doc = json.loads(line)
                raw = doc.get("published_at")
                published = as_utc(datetime.fromisoformat(raw)) if raw else _UNDATED
                keys.append((raw is None, published, doc["article_id"], index, offset))
            offset += len(line)
    keys.sort(key=lambda key: key[:4])
    with path.open("rb") as handle:
        for *_, offset in keys:
            handle.seek(offset)
            yield from_dict(Article, json.loads(handle.readline()))


def ingest(ctx: RunContext) -> dict[str, int]:
    """Run every stage in this process, as the DAG would, and return the load counts.

    Sources are polled in parallel, like the DAG's mapped ``discover`` tasks: a run is as
    long as its slowest feed, not the sum of them, and the per-host leases still allow one
    request at a time per host.
    """
    names = plan(ctx)
    with ThreadPoolExecutor(max_workers=max(1, min(POLL_THREADS, len(names)))) as pool:
        candidate_files = list(pool.map(lambda name: discover(ctx, name), names))
    fetched = fetch(ctx, candidate_files)
    return load(ctx, analyze(ctx, extract(ctx, fetched)))


def collect(
    ctx: RunContext,
    start: date | str,
    end: date | str,
    source: str | None = None,
    *,
    stages: str = "extract+analyze",
) -> str:
    """First reprocess stage: what to re-run, fetched on the UTC days ``start``..``end``.

    For ``extract+analyze`` it lists the archived article pages as a fetched-list file (the
    input of :func:`extract`); for ``analyze`` it reads the stored articles' text from
    DuckDB as an articles file (the input of :func:`analyze`).
    """
    if stages not in REPROCESS_STAGES:
        raise ValueError(f"stages must be one of {REPROCESS_STAGES}, not {stages!r}")
    began = datetime.now(UTC)
    first, last = _as_date(start), _as_date(end)
    (ctx.run_dir / "log").mkdir(parents=True, exist_ok=True)
    if stages == "analyze":
        articles = _stored_articles(ctx, first, last, source)
        _record(ctx, "collect", began, {"stored": len(articles)})
        return str(_write_jsonl(ctx.run_dir / "articles.jsonl", articles))
    fetched = _archived_pages(ctx.archive, first, last, source)
    logger.info("%d archived pages fetched %s..%s", len(fetched), first, last)
    _record(ctx, "collect", began, {"archived": len(fetched)})
    return str(_write_jsonl(ctx.run_dir / "fetched.jsonl", fetched))


def reprocess(
    ctx: RunContext,
    start: date | str,
    end: date | str,
    source: str | None = None,
    *,
    stages: str = "extract+analyze",
) -> dict[str, int]:
    """Re-run extract and analyze (or analyze only) on pages fetched on ``start``..``end``
    (UTC days, both included) with the current code, then load.

    No network: the input is the raw archive (or the stored text). Articles whose analysis
    or extraction changed are replaced, with their quotes and mentions, in the one load
    transaction; unchanged ones stay as they are. When a page was archived twice in the
    window, the newer copy wins.
    """
    collected = collect(ctx, start, end, source, stages=stages)
    articles = collected if stages == "analyze" else extract(ctx, collected)
    return load(ctx, analyze(ctx, articles))


def _archived_pages(
    archive: RawArchive, first: date, last: date, source: str | None
) -> list[Fetched]:
    """The ``Fetched`` records of the article pages archived on first..last."""
    pages: list[Fetched] = []
    day = first
    while day <= last:
        for path in archive.listed("articles", day):
            page = _archived_fetched(archive, path)
            if source is None or page.candidate.source == source:
                pages.append(page)
        day += timedelta(days=1)
    # The loader keeps the last article with a given id, so the newest fetch goes last.
    return sorted(pages, key=lambda page: page.fetched_at)


def _stored_articles(ctx: RunContext, first: date, last: date, source: str | None) -> list[Article]:
    """Stored articles fetched on first..last, rebuilt without their analysis."""
    fields = (
        "article_id, url, canonical_url, source, title, text, fetched_at, published_at, "
        "published_offset, published_from, lang, lang_declared, content_hash, raw_path, "
        "near_dup_key"
    )
    con = connect(ctx.db_path, read_only=True)
    try:
        cursor = con.execute(
            f"SELECT {fields} FROM articles WHERE fetched_at >= ? AND fetched_at < ? "
            "AND (?::VARCHAR IS NULL OR source = ?) ORDER BY fetched_at, article_id",
            [
                datetime.combine(first, time(), tzinfo=UTC),
                datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC),
                source,
                source,
            ],
        )
        names = [d[0] for d in cursor.description]
        return [Article(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
    finally:
        con.close()


def _record(
    ctx: RunContext,
    stage: str,
    began: datetime,
    counts: Mapping[str, int],
    *,
    part: str | None = None,
    **info: str | None,
) -> None:
    """Leave the stage's counts (and versions, sources file) for the loader's run row."""
    name = f"counts-{stage}-{part}.json" if part else f"counts-{stage}.json"
    doc = {
        "stage": stage,
        "started_at": began.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "counts": dict(counts),
        "info": info,
    }
    write_atomic(ctx.run_dir / "state" / name, json.dumps(doc, sort_keys=True).encode())


def _run_record(ctx: RunContext) -> RunRecord:
    """The run's ``pipeline_runs`` row from the counts files its stages left."""
    counts: dict[str, dict[str, int]] = {}
    info: dict[str, str | None] = {}
    started: list[datetime] = []
    for path in sorted((ctx.run_dir / "state").glob("counts-*.json"), key=str):
        doc = json.loads(path.read_text(encoding="utf-8"))
        stage = counts.setdefault(doc["stage"], {})
        for key, value in doc["counts"].items():
            stage[key] = stage.get(key, 0) + value
        info.update(doc["info"])
        started.append(datetime.fromisoformat(doc["started_at"]))
    failed = (
        counts.get("discover", {}).get("sources_failed", 0)
        + counts.get("fetch", {}).get("fetch_failures", 0)
        + counts.get("extract", {}).get("extract_errors", 0)
    )
    return RunRecord(
        run_id=ctx.run_id,
        trigger=ctx.trigger,
        tradewatch_version=__version__,
        status="partial" if failed else "ok",
        interval_start=ctx.start,
        interval_end=ctx.end,
        started_at=min(started, default=None),
        counts=counts,
        extraction_version=info.get("extraction_version"),
        spacy_model=info.get("spacy_model"),
        spacy_model_version=info.get("spacy_model_version"),
        sources_file=info.get("sources_file"),
    )


def _package_version(name: str) -> str | None:
    """Installed version of a spaCy pipeline package, without loading spaCy."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(value)


def _client(ctx: RunContext, config: SourcesConfig, poll: PollPlan | None = None) -> HttpClient:
    """The run's HTTP client; the sources file may shorten the per-host gap (local replicas).

    Its per-host slots are lock files under ``<data_dir>/hosts/``, so parallel task
    processes (mapped ``discover``, ``fetch``) still send one request at a time per host,
    and ``<data_dir>/robots/`` keeps each host's robots.txt for all of them for a day.
    With ``TRADEWATCH_COORDINATION_URL`` set, both live in that PostgreSQL database
    instead, for task processes on every machine; when it cannot be reached the stage
    fails with :class:`~tradewatch.fetching.CoordinationError` rather than fetch without
    per-host politeness.
    A replaying ``poll`` gets a :class:`ReplayClient` over its snapshots, which only goes
    to the network for URLs missing from them (and then only for look-back sources).
    """
    http = HttpConfig()
    if config.min_host_gap_seconds is not None:
        http = replace(http, min_host_gap=config.min_host_gap_seconds)
    options: dict[str, Any] = {
        "allow_private_network": config.allow_private_network,
        "run_id": ctx.run_id,
    }
    if url := coordination_url():
        options["coordination_url"] = url
    else:
        options.update(lease_dir=ctx.data_dir / "hosts", robots_dir=ctx.data_dir / "robots")
    if poll is not None and poll.mode == "replay":
        return ReplayClient(
            ctx.archive, poll.snapshots, live=poll.fill_live, config=http, **options
        )
    return HttpClient(http, **options)


def _outcomes(ctx: RunContext) -> FetchOutcomes:
    """Collect the fetch state the discover and fetch stages left in the run directory."""
    state = ctx.run_dir / "state"
    validators: list[Validators] = []
    for path in sorted(state.glob("validators-*.jsonl"), key=str):
        validators.extend(_read_jsonl(path, Validators))
    failures = state / "failures.jsonl"
    resolved = state / "resolved.json"
    return FetchOutcomes(
        validators=validators,
        failures=list(_read_jsonl(failures, PendingFetch)) if failures.exists() else [],
        resolved=json.loads(resolved.read_text()) if resolved.exists() else [],
    )


def _candidates(paths: Iterable[str]) -> Iterator[Candidate]:
    for path in paths:
        yield from _read_jsonl(storage_path(path), Candidate)


def _log_entry(
    ctx: RunContext, url: str, kind: str, outcome: str, reason: str | None, *, source: str
) -> FetchLogEntry:
    return FetchLogEntry(
        url=url,
        kind=kind,
        outcome=outcome,
        requested_at=datetime.now(UTC),
        source=source,
        reason=reason,
        run_id=ctx.run_id,
    )


def _write_jsonl(path: UPath, records: Iterable[Any]) -> UPath:
    """Write records as JSON lines as they come (never all in memory), all at once
    (:mod:`tradewatch.storage`), so a retried task never reads half a file."""
    with open_atomic(path) as handle:
        for record in records:
            handle.write((json.dumps(to_dict(record), ensure_ascii=False) + "\n").encode())
    return path


def _read_jsonl(path: UPath, cls: type[_T]) -> Iterator[_T]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield from_dict(cls, json.loads(line))
