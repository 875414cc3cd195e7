"""The records that flow between stages.

One data model for the whole pipeline: discover yields ``Candidate``; fetch archives the
page and yields ``Fetched``; extract yields ``Article``; analyze attaches an ``Analysis``;
load writes them. Every record round-trips through JSON (``to_dict``/``from_dict``) because
Airflow tasks hand each other staging files, never article bodies through XCom.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

__all__ = [
    "Analysis",
    "Article",
    "Candidate",
    "EntityMention",
    "FetchLogEntry",
    "Fetched",
    "PendingFetch",
    "Quote",
    "SourceSpec",
    "SpeakerKind",
    "Validators",
    "from_dict",
    "to_dict",
]

SpeakerKind = Literal[
    "named", "descriptor", "pronoun", "organisation", "document", "media", "unknown"
]
PublishedFrom = Literal["jsonld", "opengraph", "meta", "time", "feed", "fetched", "none"]


@dataclass(frozen=True)
class SourceSpec:
    """One entry of the sources file."""

    name: str
    type: str
    url: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Candidate:
    """An article URL a source offered, with whatever the feed said about it."""

    url: str
    source: str
    title: str | None = None
    summary: str | None = None
    published_at: datetime | None = None
    published_raw: str | None = None
    lang: str | None = None  # the language the feed or API declares for the item


@dataclass
class Fetched:
    """An article page that was fetched and stored in the raw archive."""

    candidate: Candidate
    final_url: str
    status: int
    fetched_at: datetime
    raw_path: str
    content_type: str | None = None
    encoding: str | None = None


@dataclass
class EntityMention:
    """A span of article text naming a person, organisation, place, material or policy."""

    text: str
    label: str
    canonical: str
    start_char: int
    end_char: int
    title: str | None = None


@dataclass
class Quote:
    """A direct quote; offsets point into ``Article.text`` at the quoted words."""

    quote: str
    speaker: str | None
    speaker_kind: SpeakerKind
    cue: str | None
    start_char: int
    end_char: int
    speaker_canonical: str | None = None
    speaker_text: str | None = None
    attribution: str | None = None
    reported_by: str | None = None


@dataclass
class Analysis:
    """What the NLP stage found in one article."""

    relevant: bool
    relevance: float
    topics: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    extraction_version: str = ""
    lang: str | None = None  # the language the analysis read the text in


@dataclass
class Article:
    """An extracted article: clean text plus metadata, keyed by its canonical URL."""

    article_id: str
    url: str
    canonical_url: str
    source: str
    title: str | None
    text: str
    fetched_at: datetime
    published_at: datetime | None = None
    published_offset: str | None = None
    published_from: PublishedFrom = "none"
    lang: str | None = None  # what the text is written in (tradewatch.lang)
    lang_declared: str | None = None  # what the page or feed said it is
    content_hash: str = ""
    raw_path: str | None = None
    duplicate_of: str | None = None
    near_dup_key: int | None = None
    analysis: Analysis | None = None


@dataclass
class FetchLogEntry:
    """One HTTP request or source poll, successful or not."""

    url: str
    kind: str
    outcome: str
    requested_at: datetime
    source: str | None = None
    status: int | None = None
    reason: str | None = None
    bytes: int = 0
    elapsed_ms: float = 0.0
    run_id: str | None = None


@dataclass
class Validators:
    """HTTP validators of a polled URL, sent back as a conditional GET next time."""

    url: str
    etag: str | None
    last_modified: str | None
    source: str | None = None


@dataclass
class PendingFetch:
    """An article fetch that failed; transient failures are retried by later runs."""

    canonical_url: str
    candidate: Candidate
    outcome: str
    reason: str | None
    attempted_at: datetime
    permanent: bool = False
    retry_after: datetime | None = None
    run_id: str | None = None


_T = TypeVar("_T")


def to_dict(obj: Any) -> Any:
    """Turn a record (or list of them) into JSON-ready data; datetimes become ISO strings."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


_DATETIME_FIELDS = {"published_at", "fetched_at", "requested_at", "attempted_at", "retry_after"}
_CHILDREN: dict[str, type] = {}


def from_dict(cls: type[_T], data: dict[str, Any]) -> _T:
    """Rebuild a record written by :func:`to_dict`."""
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        value = data[f.name]
        if value is not None and f.name in _DATETIME_FIELDS:
            value = datetime.fromisoformat(value)
        elif value is not None and f.name in _CHILDREN:
            child = _CHILDREN[f.name]
            value = (
                [from_dict(child, v) for v in value]
                if isinstance(value, list)
                else from_dict(child, value)
            )
        kwargs[f.name] = value
    return cls(**kwargs)


_CHILDREN.update(
    candidate=Candidate,
    analysis=Analysis,
    entities=EntityMention,
    quotes=Quote,
)
