"""Progress of long stages: a bar on a terminal, a log line now and then elsewhere.

Backfills and ``tradewatch reprocess`` over a whole archive run for many minutes; whoever
started them wants to see items done, the rate and the time left. On a terminal that is a
tqdm bar; in Airflow task logs (not a terminal) a bar would be noise, so a plain line is
logged every ``LOG_EVERY_SECONDS``, and one with the stage's rate when it ends.
``set_quiet(True)`` (``--quiet``) turns both off.
"""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType

from tqdm import tqdm

__all__ = ["LOG_EVERY_SECONDS", "StageProgress", "set_quiet"]

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 15.0
_QUIET = {"on": False}


def set_quiet(quiet: bool) -> None:
    """Turn progress reporting off (or back on) for this process."""
    _QUIET["on"] = quiet


class StageProgress:
    """``with StageProgress("analyze", total) as p: p.advance(n)``."""

    def __init__(self, stage: str, total: int | None) -> None:
        self.stage, self.total, self.done = stage, total, 0
        self._started = self._logged = time.monotonic()
        quiet = _QUIET["on"] or not total
        self._bar = tqdm(
            total=total, desc=stage, unit="item", leave=False, disable=quiet or not _tty()
        )
        self._log = not quiet and not _tty()

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.close()
        if self._log and kind is None:
            elapsed = time.monotonic() - self._started
            logger.info(
                "%s: %d items in %.1f s, %.1f/s",
                self.stage,
                self.done,
                elapsed,
                self.done / max(elapsed, 1e-9),
            )

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._bar.update(n)
        now = time.monotonic()
        if self._log and now - self._logged >= LOG_EVERY_SECONDS:
            self._logged = now
            logger.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        """ "analyze: 120/500 items, 4.1/s, about 93 s left"."""
        elapsed = max((now or time.monotonic()) - self._started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.stage}: {self.done}/{self.total} items, {rate:.1f}/s"
        if self.total and rate > 0:
            text += f", about {max(self.total - self.done, 0) / rate:.0f} s left"
        return text


def _tty() -> bool:
    return sys.stderr.isatty()
