"""What "the same tables" means in the re-run tests: a hash per content table.

The content tables are what analysts query; ``fetch_log`` and ``pipeline_runs`` are the
run ledger (every run and attempt adds its own rows) and ``http_validators`` is fetch state.
"""

from __future__ import annotations

import hashlib

import duckdb

__all__ = ["CONTENT_TABLES", "content_hashes"]

CONTENT_TABLES = ("articles", "quotes", "entity_mentions", "entities", "pending_fetches")


def content_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 of every content table's rows, in a fixed order."""
    return {
        table: hashlib.sha256(
            repr(con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()).encode()
        ).hexdigest()
        for table in CONTENT_TABLES
    }
