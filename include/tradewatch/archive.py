"""The raw archive: every feed snapshot and article body exactly as fetched.

Keeping the bytes lets any interval be re-extracted and re-analysed with newer code
without touching the network. The archive's root is a local folder or an fsspec URL
(:mod:`tradewatch.storage`). Files live under ``<root>/raw/YYYY/MM/DD/<kind>/`` by fetch
date (UTC) as ``<key>.gz`` with a ``<key>.json`` sidecar holding the HTTP metadata. Both are
written all at once (temp file and rename, or one PUT), so a crash never leaves half a
file; the body is written last, so a body that exists always has its metadata.

An archive opened with a ``scope`` (a run's data interval, or the run itself; see
:mod:`tradewatch.history`) also links every entry it writes under
``<root>/raw-index/<scope>/<kind>/<key>.json``, after the body. That index is how a
re-run or backfill of the same interval finds the feed snapshots and pages to replay, and
how a killed run resumes without fetching again what it already has.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from upath import UPath

from tradewatch.storage import storage_path, write_atomic

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

    def __init__(self, root: str | os.PathLike[str], scope: str | None = None) -> None:
        self.base = storage_path(root)
        self.scope = scope

    def write(
        self, kind: str, key: str, body: bytes, meta: dict[str, Any], fetched_at: datetime
    ) -> str:
        """Store ``body`` and ``meta``; return the body's path relative to the root."""
        path = f"{self._day(fetched_at)}/{kind}/{key}.gz"
        meta = {**meta, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
        if self.scope is not None:
            meta["scope"] = self.scope  # the index below can be rebuilt from the sidecars
        body_path = self.base / path
        write_atomic(body_path.with_suffix(".json"), json.dumps(meta, sort_keys=True).encode())
        write_atomic(body_path, gzip.compress(body, mtime=0))
        if self.scope is not None:
            link = {"path": path, "url": meta.get("url"), "source": meta.get("source")}
            link["fetched_at"] = fetched_at.isoformat()
            write_atomic(
                self._index(kind) / f"{key}.json", json.dumps(link, sort_keys=True).encode()
            )
        return path

    def listed(self, kind: str, day: date) -> list[str]:
        """Paths (relative to the root) of the bodies of ``kind`` fetched on ``day``."""
        folder = self.base / self._day(day) / kind
        return sorted(f"{self._day(day)}/{kind}/{body.name}" for body in folder.glob("*.gz"))

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
        return path if (self.base / path).is_file() else None

    def _index(self, kind: str) -> UPath:
        return self.base / "raw-index" / str(self.scope) / kind

    @staticmethod
    def _day(day: date) -> str:
        return day.strftime("raw/%Y/%m/%d")

    def read(self, relative_path: str) -> ArchivedItem:
        """Read a body written by :meth:`write`; raises ``OSError`` if it is gone."""
        body = gzip.decompress((self.base / relative_path).read_bytes())
        return ArchivedItem(body=body, meta=self.meta(relative_path))

    def meta(self, relative_path: str) -> dict[str, Any]:
        """The metadata sidecar of a body written by :meth:`write`, without the body."""
        sidecar = (self.base / relative_path).with_suffix(".json")
        return json.loads(sidecar.read_text(encoding="utf-8"))
