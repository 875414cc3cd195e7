"""The folder of briefs: ``YYYY-MM-DD.html`` per day and ``latest.html``.

Each page carries the list of days that existed when it was written, between two
comment markers; :func:`with_day_index` swaps in the current list, which is how
``latest.html`` and the Airflow plugin always link every day. Files are written to a temp
file and renamed, so a reader (the plugin, a browser) never sees half a page.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date
from pathlib import Path

from tradewatch.report.render import DAYS_END, DAYS_START, render_day_index

__all__ = [
    "LATEST",
    "brief_days",
    "brief_path",
    "refresh_latest",
    "with_day_index",
    "write_atomic",
]

LATEST = "latest.html"
_BRIEF_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.html$")
_DAYS_BLOCK = re.compile(re.escape(DAYS_START) + r".*?" + re.escape(DAYS_END), re.DOTALL)


def brief_path(folder: Path, day: date) -> Path:
    return folder / f"{day.isoformat()}.html"


def brief_days(folder: Path) -> list[date]:
    """Days that have a brief in ``folder``, newest first."""
    days = []
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    for name in names:
        match = _BRIEF_FILE.match(name)
        if match:
            try:
                days.append(date.fromisoformat(match.group(1)))
            except ValueError:
                continue
    return sorted(days, reverse=True)


def with_day_index(html: str, days: list[date], current: date | None) -> str:
    """``html`` with its list of days replaced by ``days`` (``current`` highlighted)."""
    index = render_day_index(days, current)
    return _DAYS_BLOCK.sub(lambda _: index, html, count=1)


def refresh_latest(folder: Path) -> Path | None:
    """Make ``latest.html`` the newest day's brief, listing every day; None if none."""
    days = brief_days(folder)
    if not days:
        return None
    html = brief_path(folder, days[0]).read_text(encoding="utf-8")
    target = folder / LATEST
    write_atomic(target, with_day_index(html, days, days[0]))
    return target


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temp file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
