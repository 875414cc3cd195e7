"""Linking syndicated copies to the article stored first, exact or lightly edited.

A Yonhap story republished by another outlet must be stored once with the copies linked
(``duplicate_of``), so its quotes are not counted twice. Exact copies share
``content_hash``; edited ones (new headline, an extra or trimmed paragraph, another
dateline) have close SimHash keys and are confirmed on their text (:mod:`tradewatch.dedup`).

Comparing each new article with every stored key, and confirming every stored article
within :data:`~tradewatch.dedup.MAX_DISTANCE` bits, would cost a run more the larger the
archive (at a million articles, some 300 unrelated stories per article fall within those
bits by chance). Partners republish within days, so an edited copy is looked for among
stored originals published within :data:`NEAR_COPY_DAYS` of it, and only its
:data:`NEAR_CANDIDATES` closest keys are confirmed on their text (a real copy is a few
bits away; chance neighbours sit near the limit). Exact copies are found at any distance
in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa

from tradewatch.dedup import MAX_DISTANCE, find_near_duplicates, is_near_duplicate
from tradewatch.models import Article
from tradewatch.store.row_ranges import ranged, row_ranges

__all__ = ["NEAR_CANDIDATES", "NEAR_COPY_DAYS", "link_duplicates"]

#: Days apart within which an edited copy is looked for.
NEAR_COPY_DAYS = 14
#: Stored originals per article confirmed on their text, closest keys first.
NEAR_CANDIDATES = 4
_LAST = datetime.max.replace(tzinfo=UTC)


def link_duplicates(con: duckdb.DuckDBPyConnection, articles: Sequence[Article]) -> None:
    """Set ``duplicate_of`` on each article of a batch about to be loaded.

    An original already stored wins; within the batch the earliest published (then lowest
    id) copy is the original, so the outcome does not depend on fetch order.
    """
    con.register(
        "staged_keys",
        pa.table(
            {
                "article_id": [a.article_id for a in articles],
                "content_hash": [a.content_hash for a in articles],
            }
        ),
    )
    try:
        stored_exact = dict(
            con.execute(
                "SELECT a.content_hash, min(a.article_id) FROM articles a "
                "JOIN staged_keys s ON a.content_hash = s.content_hash "
                "WHERE a.duplicate_of IS NULL "
                "AND a.article_id NOT IN (SELECT article_id FROM staged_keys) "
                "GROUP BY a.content_hash"
            ).fetchall()
        )
        stored_near = _stored_near_candidates(con, articles)
        texts = _stored_texts(con, {c for found in stored_near.values() for c in found})
        batch_exact: dict[str, str] = {}
        originals: list[Article] = []
        for article in sorted(articles, key=_publication_order):
            target = stored_exact.get(article.content_hash) or batch_exact.get(article.content_hash)
            if target is None and article.near_dup_key:
                candidates = stored_near.get(article.article_id, [])
                target = _confirmed(article, candidates, texts) or _batch_near(article, originals)
            article.duplicate_of = target
            if target is None:
                originals.append(article)
                batch_exact[article.content_hash] = article.article_id
    finally:
        con.unregister("staged_keys")


def _publication_order(article: Article) -> tuple[bool, datetime, str]:
    return (article.published_at is None, article.published_at or _LAST, article.article_id)


def _stored_near_candidates(
    con: duckdb.DuckDBPyConnection, articles: Sequence[Article]
) -> dict[str, list[str]]:
    """Stored originals published near each batch article whose SimHash key is close to
    its, the closest few, closest first (then by id): one query for the whole batch,
    texts not read yet."""
    keyed = [a for a in articles if a.near_dup_key]
    if not keyed:
        return {}
    window = timedelta(days=NEAR_COPY_DAYS)
    when = [a.published_at or a.fetched_at for a in keyed]
    con.register(
        "staged_near",
        pa.table(
            {
                "article_id": [a.article_id for a in keyed],
                "near_dup_key": pa.array([a.near_dup_key for a in keyed], pa.int64()),
                "lo": pa.array([w - window for w in when], pa.timestamp("us", tz="UTC")),
                "hi": pa.array([w + window for w in when], pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    try:
        rows = con.execute(
            "WITH nearby AS (SELECT article_id, near_dup_key, "
            "coalesce(published_at, fetched_at) AS moment FROM articles "
            "WHERE coalesce(published_at, fetched_at) BETWEEN ? AND ? "
            "AND duplicate_of IS NULL AND near_dup_key IS NOT NULL AND near_dup_key <> 0 "
            "AND article_id NOT IN (SELECT article_id FROM staged_keys)) "
            "SELECT s.article_id, a.article_id FROM staged_near s JOIN nearby a "
            "ON a.moment BETWEEN s.lo AND s.hi "
            "AND bit_count(xor(a.near_dup_key, s.near_dup_key)) <= ? "
            "QUALIFY row_number() OVER (PARTITION BY s.article_id "
            "ORDER BY bit_count(xor(a.near_dup_key, s.near_dup_key)), a.article_id) <= ? "
            "ORDER BY s.article_id, bit_count(xor(a.near_dup_key, s.near_dup_key)), a.article_id",
            [min(when) - window, max(when) + window, MAX_DISTANCE, NEAR_CANDIDATES],
        ).fetchall()
    finally:
        con.unregister("staged_near")
    found: dict[str, list[str]] = {}
    for staged, stored in rows:
        found.setdefault(staged, []).append(stored)
    return found


def _stored_texts(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, str]:
    """The texts of the stored candidates of a whole batch, read by row-id range (see
    :mod:`.row_ranges`: by id, the text of every article would be read)."""
    if not ids:
        return {}
    con.register("candidate_ids", pa.table({"key": pa.array(sorted(ids), pa.string())}))
    try:
        texts: dict[str, str] = {}
        query = (
            "SELECT article_id, text FROM articles WHERE {rows} "
            "AND article_id IN (SELECT key FROM candidate_ids)"
        )
        for sql in ranged(
            query, row_ranges(con, "articles", "article_id", "SELECT key FROM candidate_ids")
        ):
            texts.update(con.execute(sql).fetchall())
    finally:
        con.unregister("candidate_ids")
    return texts


def _confirmed(article: Article, candidates: list[str], texts: dict[str, str]) -> str | None:
    """The first candidate whose stored text confirms the copy."""
    for candidate in candidates:
        if is_near_duplicate(article.text, texts[candidate]):
            return candidate
    return None


def _batch_near(article: Article, originals: list[Article]) -> str | None:
    assert article.near_dup_key is not None
    by_id = {a.article_id: a for a in originals}
    keyed = [(a.article_id, a.near_dup_key) for a in originals if a.near_dup_key]
    for candidate in find_near_duplicates(article.near_dup_key, keyed):
        if is_near_duplicate(article.text, by_id[candidate].text):
            return candidate
    return None
