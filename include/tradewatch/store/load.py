"""Loading a batch of analysed articles in one transaction, idempotently.

Rows go in as Arrow tables (bulk appends; binding Python lists row by row is ~200x slower).
An article is rewritten only when its content, analysis or duplicate link changed (or it
lacks the dedup keys, being from before migration 012), and its quotes and mentions are
replaced with it, so loading the same batch twice changes nothing.
A syndicated copy (see :mod:`.duplicates`) is kept with ``duplicate_of`` set and gets no
quotes or mentions, so reports do not count them twice.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from tradewatch.models import Article, FetchLogEntry, PendingFetch, Validators
from tradewatch.store.db import load_fts
from tradewatch.store.duplicates import link_duplicates
from tradewatch.store.fetch_state import (
    record_pending,
    resolve_pending,
    title_key,
    upsert_validators,
    url_key,
)
from tradewatch.store.row_ranges import ranged, row_ranges
from tradewatch.store.search_index import drop_search_indexes, update_search_index

__all__ = [
    "LOAD_BATCH",
    "FetchOutcomes",
    "LoadCounts",
    "RunRecord",
    "entity_id",
    "load_batch",
]

logger = logging.getLogger(__name__)

# Articles staged per Arrow batch: a few MB of text, whatever the run's size.
LOAD_BATCH = 500
# The tables a load writes whether or not any article changed (the run's bookkeeping).

_TS = pa.timestamp("us", tz="UTC")
# Korean and Japanese letters, in RE2 (DuckDB's regular expressions).
_CJK = r"[\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}]"
# Korean and Japanese text as search terms (migration 010's ``tw_search_terms``), which
# the full-text index covers beside the words: the article's title and text, a quote's
# words and speaker.
_ARTICLE_TERMS = (
    "CASE WHEN s.lang IN ('ko', 'ja') "
    "THEN tw_search_terms(coalesce(s.title, '') || ' ' || s.text) END"
)
# The UTC publication day, stored on the article and its quotes and mentions (migration
# 014) so that reports reading a few days skip the row groups of the others.
_DAY = "(coalesce(s.published_at, s.fetched_at) AT TIME ZONE 'UTC')::DATE"
_QUOTE_TERMS = (
    f"CASE WHEN regexp_matches(quote, '{_CJK}') "
    "THEN tw_search_terms(quote || ' ' || coalesce(speaker, '')) END"
)
_ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("published_at", _TS),
        ("published_offset", pa.string()),
        ("published_from", pa.string()),
        ("fetched_at", _TS),
        ("lang", pa.string()),
        ("lang_declared", pa.string()),
        ("relevant", pa.bool_()),
        ("relevance", pa.float64()),
        ("topics", pa.list_(pa.string())),
        ("relevance_evidence", pa.list_(pa.string())),
        ("text", pa.string()),
        ("content_hash", pa.string()),
        ("duplicate_of", pa.string()),
        ("raw_path", pa.string()),
        ("extraction_version", pa.string()),
        ("near_dup_key", pa.int64()),
        ("url_key", pa.string()),
        ("canonical_key", pa.string()),
        ("title_key", pa.string()),
    ]
)
_QUOTE_SCHEMA = pa.schema(
    [
        ("quote_id", pa.string()),
        ("article_id", pa.string()),
        ("seq", pa.int32()),
        ("quote", pa.string()),
        ("speaker", pa.string()),
        ("speaker_kind", pa.string()),
        ("speaker_canonical", pa.string()),
        ("cue", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("extraction_version", pa.string()),
        ("speaker_entity_id", pa.string()),
        ("speaker_text", pa.string()),
        ("attribution", pa.string()),
        ("reported_by", pa.string()),
    ]
)
_MENTION_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("seq", pa.int32()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("canonical", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("extraction_version", pa.string()),
        ("entity_id", pa.string()),
        ("title", pa.string()),
    ]
)
_ENTITY_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("label", pa.string()),
        ("canonical", pa.string()),
        ("extraction_version", pa.string()),
    ]
)
_LOG_SCHEMA = pa.schema(
    [
        ("log_id", pa.string()),
        ("run_id", pa.string()),
        ("requested_at", _TS),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("url", pa.string()),
        ("status", pa.int32()),
        ("outcome", pa.string()),
        ("reason", pa.string()),
        ("bytes", pa.int64()),
        ("elapsed_ms", pa.float64()),
    ]
)
_UPDATABLE = [f.name for f in _ARTICLE_SCHEMA if f.name != "article_id"]


@dataclass
class LoadCounts:
    """What one load changed."""

    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    duplicates: int = 0
    quotes: int = 0
    entity_mentions: int = 0
    fetch_log: int = 0
    # no article, quote or mention was written: search indexes and snapshot stay valid
    nothing_changed: bool = False


@dataclass
class FetchOutcomes:
    """What the fetch stages learnt that later runs need (see :mod:`.fetch_state`)."""

    validators: Sequence[Validators] = ()
    failures: Sequence[PendingFetch] = ()
    resolved: Sequence[str] = ()


@dataclass
class RunRecord:
    """The ``pipeline_runs`` row of the run a batch belongs to; the load adds its own counts."""

    run_id: str
    trigger: str
    tradewatch_version: str
    status: str = "ok"
    interval_start: datetime | None = None
    interval_end: datetime | None = None
    started_at: datetime | None = None
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    extraction_version: str | None = None
    spacy_model: str | None = None
    spacy_model_version: str | None = None
    sources_file: str | None = None


def load_batch(
    con: duckdb.DuckDBPyConnection,
    articles: Iterable[Article],
    fetch_log: Sequence[FetchLogEntry],
    *,
    log_key: str,
    outcomes: FetchOutcomes | None = None,
    run: RunRecord | None = None,
    batch_size: int = LOAD_BATCH,
) -> LoadCounts:
    """Upsert ``articles`` (with their analyses), append ``fetch_log``, store the fetch
    state and the ``run``'s ``pipeline_runs`` row, all in one transaction.

    Articles are staged ``batch_size`` at a time (Arrow tables per batch), so a run of any
    size loads in flat memory. Give them in publication order (``pipeline.load`` does):
    an original then always comes before its copies, whatever the batches. ``log_key``
    names the batch the log entries came from (e.g. the run id); log rows get ids derived
    from it, so a retried load does not log the same requests twice.
    """
    outcomes = outcomes or FetchOutcomes()
    counts = LoadCounts()
    seen: set[str] = set()
    con.execute("BEGIN TRANSACTION")
    try:
        seq = _start_load(con, log_key)
        indexing = load_fts(con)
        if not indexing:
            drop_search_indexes(con)
            _record(con, seq, "*", ["no full-text index"])
        for batch in _batches(articles, batch_size):
            _load_articles(con, batch, counts, seen, indexing, seq)
        if fetch_log:
            staged_log = _log_table(fetch_log, log_key)
            _record(con, seq, "fetch_log", staged_log["log_id"].to_pylist())
            con.register("staged_log", staged_log)
            try:
                before = con.execute("SELECT count(*) FROM fetch_log").fetchone()[0]
                con.execute(
                    "INSERT INTO fetch_log BY NAME SELECT * FROM staged_log "
                    "ON CONFLICT (log_id) DO NOTHING"
                )
                after = con.execute("SELECT count(*) FROM fetch_log").fetchone()[0]
                counts.fetch_log = after - before
            finally:
                con.unregister("staged_log")
        upsert_validators(con, outcomes.validators, datetime.now(UTC))
        record_pending(con, outcomes.failures)
        resolve_pending(con, outcomes.resolved)
        counts.nothing_changed = counts.articles_new + counts.articles_updated == 0
        if run is not None:
            _upsert_run(con, run, counts)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return counts


def _load_articles(
    con: duckdb.DuckDBPyConnection,
    batch: list[Article],
    counts: LoadCounts,
    seen: set[str],
    indexing: bool,
    seq: int,
) -> None:
    """Stage and upsert one batch; an id an earlier batch of this load already wrote
    (a page archived twice) replaces it without being counted again."""
    by_id = {a.article_id: a for a in batch}
    link_duplicates(con, list(by_id.values()))
    con.register("staged_articles", _article_table(list(by_id.values())))
    try:
        existing = {
            row[0]
            for row in con.execute(
                "SELECT article_id FROM articles "
                "WHERE article_id IN (SELECT article_id FROM staged_articles)"
            ).fetchall()
        }
        changed = set(by_id) - existing | _changed_stored(con)
        if changed:
            writable = [by_id[i] for i in sorted(changed)]
            _write_changed(con, writable, changed & existing, counts, indexing, seq)
    finally:
        con.unregister("staged_articles")
    counts.articles_new += len(changed - existing - seen)
    counts.articles_updated += len((changed & existing) - seen)
    counts.articles_unchanged += len(set(by_id) - changed - seen)
    counts.duplicates += sum(
        1 for a in by_id.values() if a.duplicate_of and a.article_id not in seen
    )
    seen.update(by_id)


def _write_changed(
    con: duckdb.DuckDBPyConnection,
    writable: list[Article],
    stored: set[str],
    counts: LoadCounts,
    indexing: bool,
    seq: int,
) -> None:
    """Upsert the changed articles and replace their quotes, mentions and entities, and
    their rows in the full-text indexes (see :mod:`.search_index`); record them for the
    snapshot. Only the ``stored`` ones can have rows to replace: a daily load's articles
    are mostly new, and each removal scans a whole key column (7 million mentions at a
    million articles)."""
    con.register("changed_ids", pa.table({"article_id": [a.article_id for a in writable]}))
    quotes, mentions, entities = _child_tables(writable)
    con.register("staged_quotes", quotes)
    con.register("staged_mentions", mentions)
    con.register("staged_entities", entities)
    try:
        computed = [*_UPDATABLE, "search_terms", "day"]
        assignments = ", ".join(f"{c} = excluded.{c}" for c in computed)
        con.execute(
            f"INSERT INTO articles BY NAME SELECT s.*, {_ARTICLE_TERMS} AS search_terms, "
            f"{_DAY} AS day FROM staged_articles s JOIN changed_ids USING (article_id) "
            f"ON CONFLICT (article_id) DO UPDATE SET {assignments}"
        )
        days = f"(SELECT s.article_id, {_DAY} AS day FROM staged_articles s) d"
        replaced, unmentioned = _remove_children(con, stored)
        con.execute(
            "INSERT INTO entities BY NAME SELECT * FROM staged_entities "
            "ON CONFLICT (entity_id) DO NOTHING"
        )
        con.execute(
            f"INSERT INTO quotes BY NAME SELECT q.*, {_QUOTE_TERMS} AS search_terms, d.day "
            f"FROM staged_quotes q JOIN {days} USING (article_id)"
        )
        con.execute(
            "INSERT INTO entity_mentions BY NAME SELECT m.*, d.day "
            f"FROM staged_mentions m JOIN {days} USING (article_id)"
        )
        _date_entities(con, days, unmentioned)
        if indexing:
            rebuilt = update_search_index(con, "articles", [a.article_id for a in writable])
            rebuilt |= update_search_index(con, "quotes", replaced + quotes["quote_id"].to_pylist())
            if rebuilt:
                _record(con, seq, "*", ["search index rebuilt whole"])
        _record(con, seq, "articles", [a.article_id for a in writable])
        _record(con, seq, "entities", sorted(set(entities["entity_id"].to_pylist()) | unmentioned))
    finally:
        for view in ("changed_ids", "staged_quotes", "staged_mentions", "staged_entities"):
            con.unregister(view)
    counts.quotes += quotes.num_rows
    counts.entity_mentions += mentions.num_rows


def _remove_children(
    con: duckdb.DuckDBPyConnection, stored: set[str]
) -> tuple[list[str], set[str]]:
    """Delete the quotes and mentions of these stored articles; returns the quote ids and
    the entities the mentions were of."""
    if not stored:
        return [], set()
    con.register("stored_ids", pa.table({"article_id": pa.array(sorted(stored), pa.string())}))
    try:
        theirs = "article_id IN (SELECT article_id FROM stored_ids)"
        replaced = [
            row[0] for row in con.execute(f"SELECT quote_id FROM quotes WHERE {theirs}").fetchall()
        ]
        entities = {
            row[0]
            for row in con.execute(
                f"SELECT DISTINCT entity_id FROM entity_mentions WHERE {theirs}"
            ).fetchall()
        }
        for table in ("quotes", "entity_mentions"):
            con.execute(f"DELETE FROM {table} WHERE {theirs}")
    finally:
        con.unregister("stored_ids")
    return replaced, entities


def _date_entities(con: duckdb.DuckDBPyConnection, days: str, unmentioned: set[str]) -> None:
    """Keep ``entities.first_day`` the first day of a stored mention: the staged mentions
    can only move it earlier; the entities whose mentions were removed are dated again
    from the mentions left (which reads every mention: only rewrites pay it)."""
    if unmentioned:
        con.register("unmentioned", pa.table({"entity_id": pa.array(sorted(unmentioned))}))
        try:
            con.execute(
                "UPDATE entities SET first_day = f.first_day FROM (SELECT u.entity_id, "
                "min(m.day) AS first_day FROM unmentioned u "
                "LEFT JOIN entity_mentions m USING (entity_id) GROUP BY u.entity_id) f "
                "WHERE entities.entity_id = f.entity_id"
            )
        finally:
            con.unregister("unmentioned")
    con.execute(
        "UPDATE entities SET first_day = least(coalesce(entities.first_day, n.day), n.day) "
        f"FROM (SELECT m.entity_id, min(d.day) AS day FROM staged_mentions m JOIN {days} "
        "USING (article_id) GROUP BY m.entity_id) n WHERE entities.entity_id = n.entity_id"
    )


def _start_load(con: duckdb.DuckDBPyConnection, log_key: str) -> int:
    """Number this load (one more than the last) and record that it happened."""
    (seq,) = con.execute("SELECT coalesce(max(load_seq), 0) + 1 FROM load_changes").fetchone()
    _record(con, seq, "load", [log_key])
    return int(seq)


def _record(con: duckdb.DuckDBPyConnection, seq: int, table: str, keys: Sequence[str]) -> None:
    """Note in ``load_changes`` the rows this load wrote (see :mod:`.snapshot_sync`)."""
    if not keys:
        return
    con.register("staged_changes", pa.table({"key": pa.array(sorted(set(keys)), pa.string())}))
    try:
        con.execute("INSERT INTO load_changes SELECT ?, ?, key FROM staged_changes", [seq, table])
    finally:
        con.unregister("staged_changes")


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _upsert_run(con: duckdb.DuckDBPyConnection, run: RunRecord, counts: LoadCounts) -> None:
    """Replace the run's row, so a retried load leaves one row with its final counts."""
    con.execute(
        "INSERT OR REPLACE INTO pipeline_runs BY NAME SELECT "
        "? AS run_id, ? AS trigger, ? AS interval_start, ? AS interval_end, ? AS started_at, "
        "? AS finished_at, ? AS status, ?::JSON AS counts, ? AS tradewatch_version, "
        "? AS extraction_version, ? AS spacy_model, ? AS spacy_model_version, "
        "? AS sources_file",
        [
            run.run_id,
            run.trigger,
            run.interval_start,
            run.interval_end,
            run.started_at,
            datetime.now(UTC),
            run.status,
            json.dumps({**run.counts, "load": asdict(counts)}, sort_keys=True),
            run.tradewatch_version,
            run.extraction_version,
            run.spacy_model,
            run.spacy_model_version,
            run.sources_file,
        ],
    )


def _changed_stored(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The staged articles whose stored version differs (the stored rows read by row-id
    range, see :mod:`.row_ranges`)."""
    ranges = row_ranges(con, "articles", "article_id", "SELECT article_id FROM staged_articles")
    return {row[0] for sql in ranged(_CHANGED, ranges) for row in con.execute(sql).fetchall()}


# Stored articles in a row-id range that differ from their staged version.
_CHANGED = (
    "SELECT s.article_id FROM staged_articles s JOIN (SELECT * FROM articles WHERE {rows}) a "
    "USING (article_id) WHERE ("
    "a.content_hash IS DISTINCT FROM s.content_hash "
    "OR a.extraction_version IS DISTINCT FROM s.extraction_version "
    "OR a.relevant IS DISTINCT FROM s.relevant "
    "OR a.relevance IS DISTINCT FROM s.relevance "
    "OR a.duplicate_of IS DISTINCT FROM s.duplicate_of "
    "OR a.title IS DISTINCT FROM s.title "
    "OR a.published_at IS DISTINCT FROM s.published_at "
    "OR a.lang IS DISTINCT FROM s.lang "
    "OR a.lang_declared IS DISTINCT FROM s.lang_declared "
    # a row loaded before migration 012 gets its dedup keys (reprocess fills them)
    "OR (a.url_key IS NULL AND s.url_key IS NOT NULL) "
    "OR (a.canonical_key IS NULL AND s.canonical_key IS NOT NULL) "
    "OR (a.title_key IS NULL AND s.title_key IS NOT NULL))"
)


def _article_table(articles: list[Article]) -> pa.Table:
    rows = []
    for a in articles:
        analysis = a.analysis
        if analysis is None:
            raise ValueError(f"article {a.article_id} reached the loader without an analysis")
        rows.append(
            {
                "article_id": a.article_id,
                "url": a.url,
                "canonical_url": a.canonical_url,
                "source": a.source,
                "title": a.title,
                "published_at": a.published_at,
                "published_offset": a.published_offset,
                "published_from": a.published_from,
                "fetched_at": a.fetched_at,
                "lang": a.lang,
                "lang_declared": a.lang_declared,
                "relevant": analysis.relevant,
                "relevance": analysis.relevance,
                "topics": list(analysis.topics),
                "relevance_evidence": list(analysis.evidence),
                "text": a.text,
                "content_hash": a.content_hash,
                "duplicate_of": a.duplicate_of,
                "raw_path": a.raw_path,
                "extraction_version": analysis.extraction_version,
                "near_dup_key": a.near_dup_key,
                "url_key": url_key(a.url),
                "canonical_key": url_key(a.canonical_url),
                "title_key": title_key(a.title),
            }
        )
    return pa.Table.from_pylist(rows, schema=_ARTICLE_SCHEMA)


def entity_id(label: str, canonical: str) -> str:
    """Stable id of a canonical entity."""
    return hashlib.sha256(f"{label}\x1f{canonical}".encode()).hexdigest()[:16]


def _child_tables(articles: list[Article]) -> tuple[pa.Table, pa.Table, pa.Table]:
    quotes: list[dict] = []
    mentions: list[dict] = []
    entities: dict[str, dict] = {}
    for a in articles:
        analysis = a.analysis
        if analysis is None or not analysis.relevant or a.duplicate_of:
            continue
        version = analysis.extraction_version
        by_canonical: dict[str, str] = {}
        for seq, m in enumerate(analysis.entities):
            eid = entity_id(m.label, m.canonical)
            by_canonical.setdefault(m.canonical, eid)
            entities.setdefault(
                eid,
                {
                    "entity_id": eid,
                    "label": m.label,
                    "canonical": m.canonical,
                    "extraction_version": version,
                },
            )
            mentions.append(
                {
                    "article_id": a.article_id,
                    "seq": seq,
                    "text": m.text,
                    "label": m.label,
                    "canonical": m.canonical,
                    "start_char": m.start_char,
                    "end_char": m.end_char,
                    "extraction_version": version,
                    "entity_id": eid,
                    "title": m.title,
                }
            )
        for seq, q in enumerate(analysis.quotes):
            key = f"{a.article_id}:{q.start_char}:{q.end_char}:{version}"
            speaker = q.speaker_canonical or q.speaker
            quotes.append(
                {
                    "quote_id": hashlib.sha256(key.encode()).hexdigest()[:16],
                    "article_id": a.article_id,
                    "seq": seq,
                    "quote": q.quote,
                    "speaker": q.speaker,
                    "speaker_kind": q.speaker_kind,
                    "speaker_canonical": q.speaker_canonical,
                    "cue": q.cue,
                    "start_char": q.start_char,
                    "end_char": q.end_char,
                    "extraction_version": version,
                    "speaker_entity_id": by_canonical.get(speaker) if speaker else None,
                    "speaker_text": q.speaker_text,
                    "attribution": q.attribution,
                    "reported_by": q.reported_by,
                }
            )
    return (
        pa.Table.from_pylist(quotes, schema=_QUOTE_SCHEMA),
        pa.Table.from_pylist(mentions, schema=_MENTION_SCHEMA),
        pa.Table.from_pylist(list(entities.values()), schema=_ENTITY_SCHEMA),
    )


def _log_table(entries: Sequence[FetchLogEntry], log_key: str) -> pa.Table:
    """Log rows with ids from the batch, position and request: a retried load of the same
    staged batch adds nothing, while a cleared re-run (same run id, new requests) adds its
    own rows instead of colliding with the first run's."""
    rows = []
    for seq, e in enumerate(entries):
        identity = f"{log_key}:{seq}:{e.kind}:{e.url}:{e.requested_at.isoformat()}"
        rows.append(
            {
                "log_id": hashlib.sha256(identity.encode()).hexdigest()[:20],
                "run_id": e.run_id,
                "requested_at": e.requested_at,
                "source": e.source,
                "kind": e.kind,
                "url": e.url,
                "status": e.status,
                "outcome": e.outcome,
                "reason": e.reason,
                "bytes": e.bytes,
                "elapsed_ms": e.elapsed_ms,
            }
        )
    return pa.Table.from_pylist(rows, schema=_LOG_SCHEMA)
