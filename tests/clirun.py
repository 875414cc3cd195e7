"""Run the ``tradewatch`` command line as a user would: a child process, output captured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any


def run_cli(*args: str | Path, **popen: Any) -> subprocess.CompletedProcess[str]:
    """``python -m tradewatch ARGS`` with text output captured and a 300 s timeout."""
    return subprocess.run(
        [sys.executable, "-m", "tradewatch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        **popen,
    )
