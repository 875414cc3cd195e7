"""What every source type receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tradewatch.models import Candidate

__all__ = ["Discovery", "Window"]


@dataclass(frozen=True)
class Window:
    """The time range a run covers; ``None`` ends mean unbounded (take what is offered).

    Sources that can look back (GDELT, sitemaps) bound their queries to it; RSS/Atom feeds
    only offer what they list now and ignore it (:mod:`tradewatch.history` decides whether
    they are polled at all for a past interval).
    """

    start: datetime | None = None
    end: datetime | None = None

    @property
    def bounded(self) -> bool:
        return self.start is not None and self.end is not None

    def contains(self, when: datetime | None) -> bool:
        """True when ``when`` falls in [start, end); undated items are kept."""
        if when is None:
            return True
        if self.start is not None and when < self.start:
            return False
        return not (self.end is not None and when >= self.end)


@dataclass
class Discovery:
    """Candidates found in one poll, plus why the poll failed or was partial (if it was)."""

    candidates: list[Candidate] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    snapshot_path: str | None = None
