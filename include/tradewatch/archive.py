"""The raw archive: every feed snapshot and article body exactly as fetched.

Keeping the bytes lets any interval be re-extracted and re-analysed with newer code
without touching the network. Files live under ``<data_dir>/raw/YYYY/MM/DD/<kind>/`` by
fetch date (UTC) as ``<key>.gz`` with a ``<key>.json`` sidecar holding the HTTP metadata.
Both are written to a temp file and renamed, so a crash never leaves half a file; the body
is renamed last, so a body that exists always has its metadata.
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

__all__ = ["ArchivedItem", "RawArchive"]


@dataclass(frozen=True)
class ArchivedItem:
    """A body read back from the archive with its metadata."""

    body: bytes
    meta: dict[str, Any]


class RawArchive:
    """Compressed, date-partitioned, write-once storage of fetched bytes."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "raw"

    def write(
        self, kind: str, key: str, body: bytes, meta: dict[str, Any], fetched_at: datetime
    ) -> str:
        """Store ``body`` and ``meta``; return the body's path relative to ``data_dir``."""
        folder = self.root / fetched_at.strftime("%Y/%m/%d") / kind
        folder.mkdir(parents=True, exist_ok=True)
        meta = {**meta, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
        _atomic_write(folder / f"{key}.json", json.dumps(meta, sort_keys=True).encode())
        _atomic_write(folder / f"{key}.gz", gzip.compress(body, mtime=0))
        return str((folder / f"{key}.gz").relative_to(self.data_dir))

    def read(self, relative_path: str) -> ArchivedItem:
        """Read a body written by :meth:`write`; raises ``OSError`` if it is gone."""
        path = self.data_dir / relative_path
        body = gzip.decompress(path.read_bytes())
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return ArchivedItem(body=body, meta=meta)


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
