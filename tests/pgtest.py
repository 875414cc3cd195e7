"""Scratch directories for embedded Postgres servers in tests (scripts/embedded_postgres.py)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def scratch_dir() -> Iterator[Path]:
    """A new directory right under the system temp dir, removed afterwards.

    Not pytest's tmp_path: a Unix socket path must stay under 107 bytes, and as root the
    server runs as another user, who cannot enter pytest's private (0700) base directory,
    which every new pytest session resets to 0700 again.
    """
    path = Path(tempfile.mkdtemp(prefix="tw-pg-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
