"""Where run folders and the raw archive live: a local folder or any fsspec URL.

Celery workers on several machines must all reach the staging files the stages hand each
other and the raw archive, so both hang off one root (``TRADEWATCH_STORAGE_URL``, else the
local data directory) that may be a local path, ``file:///shared/tradewatch`` on a shared
mount, or ``s3://bucket/prefix`` (any URL fsspec knows, with its package installed).
:func:`storage_path` makes that root a path-like object (``upath.UPath``: ``/``, ``open``,
``glob``, ``exists``, ``mkdir``); a plain local path stays a ``pathlib.Path``.

A file someone else may read must never be seen half written. The rule depends on the
backend: on a local or ``file://`` filesystem the bytes go to a temp file in the same
folder that is then renamed over the target; an object store shows an object only once
its single PUT (or multipart upload) completes, so the finished file is uploaded directly.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from upath import UPath

__all__ = ["is_local", "open_atomic", "storage_path", "write_atomic"]

_LOCAL_PROTOCOLS = frozenset({"", "file", "local"})


def storage_path(location: str | os.PathLike[str]) -> UPath:
    """The path-like object of a local path or an fsspec URL (also what XCom carries)."""
    return UPath(location)


def is_local(path: UPath) -> bool:
    """Whether ``path`` is on a filesystem with rename (local disk or a ``file://`` mount)."""
    return path.protocol in _LOCAL_PROTOCOLS


@contextmanager
def open_atomic(path: UPath) -> Iterator[IO[bytes]]:
    """A binary handle whose bytes appear at ``path`` all at once when the block ends, or
    not at all if it raises (see the module doc for how, per backend)."""
    if is_local(path):
        target = Path(path.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return
    # Spooled locally so that a failure while writing uploads nothing.
    with tempfile.NamedTemporaryFile(prefix="tw-upload-") as spool:
        yield spool
        spool.flush()
        path.fs.put_file(spool.name, path.path)


def write_atomic(path: UPath, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once (temp file and rename, or one PUT)."""
    if is_local(path):
        with open_atomic(path) as handle:
            handle.write(data)
    else:
        path.write_bytes(data)
