"""What every source type returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from tradewatch.models import Candidate

__all__ = ["Discovery"]


@dataclass
class Discovery:
    """Candidates found in one poll, plus why the poll failed or was partial (if it was)."""

    candidates: list[Candidate] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    snapshot_path: str | None = None
