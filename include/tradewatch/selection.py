"""Choosing which discovered items to fetch, and which failed fetches to try again.

Kept apart from the stage function so the rules can be read and tested without a network:
skip what is stored (by canonical URL), skip a headline a source already gave within the
dedup window, add the fetches earlier runs deferred, reject URLs that cannot be fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tradewatch.fetching import FetchResult
from tradewatch.models import Candidate
from tradewatch.store.fetch_state import FetchMemory, normalize_title
from tradewatch.urls import canonicalize_url

__all__ = ["TRANSIENT_OUTCOMES", "Selection", "is_transient", "select_candidates"]

# Outcomes worth another try in a later run; anything else is final ("failed").
TRANSIENT_OUTCOMES = frozenset(
    {"deferred", "timeout", "connection_error", "connection_reset", "truncated"}
)
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def is_transient(result: FetchResult) -> bool:
    """Whether a failed fetch may succeed later (network trouble, overload, rate limits)."""
    if result.outcome in TRANSIENT_OUTCOMES:
        return True
    return result.outcome == "http_error" and result.status in _TRANSIENT_STATUS


@dataclass
class Selection:
    """The candidates to fetch (with canonical URLs) and why the others were left out."""

    to_fetch: list[tuple[str, Candidate]] = field(default_factory=list)
    known: int = 0
    title_duplicates: list[tuple[Candidate, str]] = field(default_factory=list)
    invalid: list[tuple[Candidate, str]] = field(default_factory=list)


def select_candidates(
    discovered: Sequence[Candidate], memory: FetchMemory, *, force: bool = False
) -> Selection:
    """Apply the rules in the module docstring; ``force`` fetches stored items again."""
    selection = Selection()
    seen: set[str] = set()
    titles = {} if force else dict(memory.recent_titles)
    for candidate in [*discovered, *memory.pending]:
        try:
            canonical = canonicalize_url(candidate.url)
        except ValueError as exc:
            selection.invalid.append((candidate, str(exc)))
            continue
        if canonical in seen:
            continue
        seen.add(canonical)
        if not force and canonical in memory.known_urls:
            selection.known += 1
            continue
        title_key = (candidate.source, normalize_title(candidate.title))
        if candidate.title and title_key in titles:
            selection.title_duplicates.append((candidate, titles[title_key]))
            continue
        if candidate.title:
            titles[title_key] = canonical
        selection.to_fetch.append((canonical, candidate))
    return selection
