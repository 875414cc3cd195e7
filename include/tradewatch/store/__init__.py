"""DuckDB storage: schema migrations, idempotent batch loads, full-text indexes, the lock
wait and the read-only snapshot for analysts."""

from tradewatch.store.db import PublishError, StoreError, connect, lock_wait_seconds, migrate
from tradewatch.store.load import FetchOutcomes, LoadCounts, load_batch
from tradewatch.store.search_index import build_search_indexes
from tradewatch.store.snapshot import parquet_export_enabled, publish_snapshot, snapshot_path

__all__ = [
    "FetchOutcomes",
    "LoadCounts",
    "PublishError",
    "StoreError",
    "build_search_indexes",
    "connect",
    "load_batch",
    "lock_wait_seconds",
    "migrate",
    "parquet_export_enabled",
    "publish_snapshot",
    "snapshot_path",
]
