"""DuckDB storage: schema migrations, idempotent batch loads, full-text indexes."""

from tradewatch.store.db import StoreError, connect, migrate
from tradewatch.store.load import FetchOutcomes, LoadCounts, load_batch, rebuild_fts

__all__ = [
    "FetchOutcomes",
    "LoadCounts",
    "StoreError",
    "connect",
    "load_batch",
    "migrate",
    "rebuild_fts",
]
