"""Linking syndicated copies to the article stored first, exact or lightly edited.

A Yonhap story republished by another outlet must be stored once with the copies linked
(``duplicate_of``), so its quotes are not counted twice. Exact copies share
``content_hash``; edited ones (new headline, an extra or trimmed paragraph, another
dateline) have close SimHash keys and are confirmed on their text (:mod:`tradewatch.dedup`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from tradewatch.dedup import MAX_DISTANCE, find_near_duplicates, is_near_duplicate
from tradewatch.models import Article

__all__ = ["link_duplicates"]

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
        batch_exact: dict[str, str] = {}
        originals: list[Article] = []
        for article in sorted(articles, key=_publication_order):
            target = stored_exact.get(article.content_hash) or batch_exact.get(article.content_hash)
            if target is None and article.near_dup_key:
                target = _stored_near(con, article) or _batch_near(article, originals)
            article.duplicate_of = target
            if target is None:
                originals.append(article)
                batch_exact[article.content_hash] = article.article_id
    finally:
        con.unregister("staged_keys")


def _publication_order(article: Article) -> tuple[bool, datetime, str]:
    return (article.published_at is None, article.published_at or _LAST, article.article_id)


def _stored_near(con: duckdb.DuckDBPyConnection, article: Article) -> str | None:
    rows = con.execute(
        "SELECT article_id, text FROM articles "
        "WHERE duplicate_of IS NULL AND near_dup_key IS NOT NULL AND near_dup_key <> 0 "
        "AND bit_count(xor(near_dup_key, ?::BIGINT)) <= ? "
        "AND article_id NOT IN (SELECT article_id FROM staged_keys) "
        "ORDER BY bit_count(xor(near_dup_key, ?::BIGINT)), article_id",
        [article.near_dup_key, MAX_DISTANCE, article.near_dup_key],
    ).fetchall()
    return next((aid for aid, text in rows if is_near_duplicate(article.text, text)), None)


def _batch_near(article: Article, originals: list[Article]) -> str | None:
    assert article.near_dup_key is not None
    by_id = {a.article_id: a for a in originals}
    keyed = [(a.article_id, a.near_dup_key) for a in originals if a.near_dup_key]
    for candidate in find_near_duplicates(article.near_dup_key, keyed):
        if is_near_duplicate(article.text, by_id[candidate].text):
            return candidate
    return None
