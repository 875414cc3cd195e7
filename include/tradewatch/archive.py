"""The raw archive: every feed snapshot and article body exactly as fetched.

Keeping the bytes lets any interval be re-extracted and re-analysed with newer code
without touching the network. Files live under ``<data_dir>/raw/YYYY/MM/DD/<kind>/`` by
fetch date (UTC) as ``<key>.gz`` with a ``<key>.json`` sidecar holding the HTTP metadata.
Both are written to a temp file and renamed, so a crash never leaves half a file; the body
is renamed last, so a body that exists always has its metadata.

An archive opened with a ``scope`` (a run's data interval, or the run itself; see
:mod:`tradewatch.history`) also links every entry it writes under
``<data_dir>/raw-index/<scope>/<kind>/<key>.json``, after the body. That index is how a
re-run or backfill of the same interval finds the feed snapshots and pages to replay, and
how a killed run resumes without fetching again what it already has.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["ArchivedItem", "RawArchive", "ScopedEntry"]


@dataclass(frozen=True)
class ArchivedItem:
    """A body read back from the archive with its metadata."""

    body: bytes
    meta: dict[str, Any]


@dataclass(frozen=True)
class ScopedEntry:
    """One entry linked under a scope: where its body is and what it was fetched from."""

    key: str
    path: str
    url: str
    source: str | None
    fetched_at: str


class RawArchive:
    """Compressed, date-partitioned, write-once storage of fetched bytes."""

    def __init__(self, data_dir: Path, scope: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "raw"
        self.scope = scope

    def write(
        self, kind: str, key: str, body: bytes, meta: dict[str, Any], fetched_at: datetime
    ) -> str:
        """Store ``body`` and ``meta``; return the body's path relative to ``data_dir``."""
        folder = self.root / fetched_at.strftime("%Y/%m/%d") / kind
        folder.mkdir(parents=True, exist_ok=True)
        meta = {**meta, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
        if self.scope is not None:
            meta["scope"] = self.scope  # the index below can be rebuilt from the sidecars
        _atomic_write(folder / f"{key}.json", json.dumps(meta, sort_keys=True).encode())
        _atomic_write(folder / f"{key}.gz", gzip.compress(body, mtime=0))
        path = str((folder / f"{key}.gz").relative_to(self.data_dir))
        if self.scope is not None:
            link = {"path": path, "url": meta.get("url"), "source": meta.get("source")}
            link["fetched_at"] = fetched_at.isoformat()
            index = self._index(kind)
            index.mkdir(parents=True, exist_ok=True)
            _atomic_write(index / f"{key}.json", json.dumps(link, sort_keys=True).encode())
        return path

    def scoped(self, kind: str) -> list[ScopedEntry]:
        """Entries of ``kind`` linked under this archive's scope, oldest fetch first."""
        index = self._index(kind)
        if self.scope is None or not index.is_dir():
            return []
        entries = []
        for link in index.glob("*.json"):
            doc = json.loads(link.read_text(encoding="utf-8"))
            entries.append(
                ScopedEntry(link.stem, doc["path"], doc["url"], doc["source"], doc["fetched_at"])
            )
        return sorted(entries, key=lambda entry: (entry.fetched_at, entry.key))

    def scoped_path(self, kind: str, key: str) -> str | None:
        """Body path of ``key`` if this scope archived it (and the body is still there)."""
        if self.scope is None:
            return None
        link = self._index(kind) / f"{key}.json"
        if not link.is_file():
            return None
        path = json.loads(link.read_text(encoding="utf-8"))["path"]
        return path if (self.data_dir / path).is_file() else None

    def _index(self, kind: str) -> Path:
        return self.data_dir / "raw-index" / str(self.scope) / kind

    def read(self, relative_path: str) -> ArchivedItem:
        """Read a body written by :meth:`write`; raises ``OSError`` if it is gone."""
        body = gzip.decompress((self.data_dir / relative_path).read_bytes())
        return ArchivedItem(body=body, meta=self.meta(relative_path))

    def meta(self, relative_path: str) -> dict[str, Any]:
        """The metadata sidecar of a body written by :meth:`write`, without the body."""
        sidecar = (self.data_dir / relative_path).with_suffix(".json")
        return json.loads(sidecar.read_text(encoding="utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
