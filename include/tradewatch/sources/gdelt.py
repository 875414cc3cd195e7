"""GDELT DOC 2.0 article search: one query over world news, bounded to the run's window.

GDELT answers at most ``maxrecords`` (≤ 250) articles per request and silently drops the
rest, so a time slice whose answer reaches the cap is split in halves until the answers fit
or a half would be shorter than ``min_slice_minutes``; a slice still capped there is
reported as a warning, never silently truncated. An unbounded window means the last 24
hours. The API only searches roughly the last three months, so an older window is warned
about. GDELT reports bad queries and rate limiting as plain text with HTTP 200; those become
the poll's error (or a warning when other slices answered), never a crash. The query is
limited to the source's ``languages`` (English unless listed), and each article keeps the
language GDELT gives it.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tradewatch.archive import RawArchive
from tradewatch.fetching import HttpClient
from tradewatch.models import Candidate, SourceSpec
from tradewatch.sources.base import Discovery, Window
from tradewatch.sources.common import failure, fetch_snapshot, lookback_window

__all__ = [
    "DEFAULT_MIN_INTERVAL_SECONDS",
    "DEFAULT_MIN_SLICE_MINUTES",
    "LANGUAGES",
    "MAX_RECORDS",
    "UNBOUNDED_LOOKBACK",
    "discover_gdelt",
    "parse_artlist",
]

logger = logging.getLogger(__name__)

MAX_RECORDS = 250
DEFAULT_MIN_INTERVAL_SECONDS = 5.0
DEFAULT_MIN_SLICE_MINUTES = 15.0
UNBOUNDED_LOOKBACK = timedelta(hours=24)
_COVERAGE = timedelta(days=90)
_STAMP = "%Y%m%d%H%M%S"
_SEENDATE = "%Y%m%dT%H%M%SZ"
_SOURCELANG = re.compile(r"\bsourcelang:", re.IGNORECASE)
# GDELT's source languages a source may ask for, with the codes articles are stored under.
LANGUAGES = {"english": "en", "korean": "ko", "japanese": "ja", "chinese": "zh"}
_RATE_LIMITED = re.compile(r"limit requests", re.IGNORECASE)


def discover_gdelt(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, window: Window
) -> Discovery:
    """Run ``spec.options['query']`` over the window, slicing it until no answer is capped."""
    now = datetime.now(UTC).replace(microsecond=0)
    bounded = lookback_window(window, UNBOUNDED_LOOKBACK)
    start, end = bounded.start or now - UNBOUNDED_LOOKBACK, bounded.end or now
    if start >= end:
        return Discovery(error=f"empty window: start {start:%Y-%m-%d %H:%M} is not before end")
    options = spec.options
    search = _Search(
        spec=spec,
        client=client,
        archive=archive,
        window=Window(start, end),
        languages=tuple(options.get("languages", ["english"])),
        max_records=int(options.get("max_records", MAX_RECORDS)),
        min_interval=float(options.get("min_interval_seconds", DEFAULT_MIN_INTERVAL_SECONDS)),
        min_slice=timedelta(
            minutes=float(options.get("min_slice_minutes", DEFAULT_MIN_SLICE_MINUTES))
        ),
    )
    if start < now - _COVERAGE:
        search.found.warnings.append(
            f"GDELT DOC searches about the last {_COVERAGE.days} days; "
            f"the window before {now - _COVERAGE:%Y-%m-%d} returns nothing"
        )
    search.run(start, end)
    return search.finish()


def parse_artlist(body: bytes) -> tuple[list[dict[str, Any]], str | None]:
    """Articles of one ``mode=artlist&format=json`` answer, or why there are none.

    GDELT answers ``{}`` when nothing matched, and plain text or HTML (with HTTP 200) when
    the query is rejected or requests come too fast; the reason is that text's first line.
    """
    text = body.decode("utf-8", errors="replace").strip()
    if not text.startswith("{"):
        from bs4 import BeautifulSoup  # only to read an error page

        plain = BeautifulSoup(text, "html.parser").get_text("\n", strip=True) if text else ""
        first = next((line.strip() for line in plain.splitlines() if line.strip()), "")
        return [], f"GDELT answered with text instead of JSON: {first[:200] or 'empty body'}"
    try:
        doc = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        return [], f"GDELT answered with invalid JSON: {exc}"
    articles = doc.get("articles", []) if isinstance(doc, dict) else None
    if not isinstance(articles, list):
        return [], "GDELT answer has no 'articles' list"
    return [a for a in articles if isinstance(a, dict)], None


@dataclass
class _Search:
    """State of one poll: the rate limiter, what was kept, and which slices failed."""

    spec: SourceSpec
    client: HttpClient
    archive: RawArchive
    window: Window
    languages: tuple[str, ...]
    max_records: int
    min_interval: float
    min_slice: timedelta
    found: Discovery = field(default_factory=Discovery)
    failures: list[str] = field(default_factory=list)
    answered: int = 0
    other_languages: int = 0
    _seen: set[str] = field(default_factory=set)
    _last_request: float | None = None

    def run(self, start: datetime, end: datetime) -> None:
        """Query [start, end); split it in halves while the answer is capped."""
        articles = self._query(start, end)
        if articles is None:
            return
        self._keep(articles)
        if len(articles) < self.max_records:
            return
        half = timedelta(seconds=int((end - start).total_seconds() // 2))
        if half < self.min_slice:
            self.found.warnings.append(
                f"GDELT returned its {self.max_records}-article cap for {_span(start, end)} "
                "even at the minimum slice; articles beyond the cap are missing"
            )
            return
        self.run(start, start + half)
        self.run(start + half, end)

    def finish(self) -> Discovery:
        if self.failures and not self.answered:
            self.found.error = self.failures[0]
            self.found.warnings.extend(self.failures[1:])
        else:
            self.found.warnings.extend(self.failures)
        if self.other_languages:
            self.found.warnings.append(
                f"skipped {self.other_languages} articles GDELT returned in languages other "
                f"than {', '.join(self.languages)}"
            )
        return self.found

    def _query(self, start: datetime, end: datetime) -> list[dict[str, Any]] | None:
        query = str(self.spec.options["query"])
        if not _SOURCELANG.search(query):
            asked = " OR ".join(f"sourcelang:{language}" for language in self.languages)
            query = f"{query} ({asked})" if len(self.languages) > 1 else f"{query} {asked}"
        params = {
            "query": query,
            "mode": "artlist",
            "format": "json",
            "maxrecords": self.max_records,
            "startdatetime": start.strftime(_STAMP),
            "enddatetime": end.strftime(_STAMP),
        }
        url = f"{self.spec.url}?{urlencode(params)}"
        for attempt in range(2):
            self._pace()
            result, snapshot = fetch_snapshot(self.spec, self.client, self.archive, url)
            if not result.ok:
                self.failures.append(f"{failure('GDELT', result)} ({_span(start, end)})")
                return None
            self.found.snapshot_path = self.found.snapshot_path or snapshot
            articles, problem = parse_artlist(result.body)
            if problem is None:
                self.answered += 1
                return articles
            if attempt or not _RATE_LIMITED.search(problem):
                break
            logger.info("%s: GDELT asked to slow down; retrying once", self.spec.name)
        self.failures.append(f"{problem} ({_span(start, end)})")
        return None

    def _pace(self) -> None:
        """Keep at least ``min_interval`` seconds between requests, as GDELT asks."""
        if self._last_request is not None:
            wait = self.min_interval - (time.monotonic() - self._last_request)
            if wait > 0:
                time.sleep(wait)
        self._last_request = time.monotonic()

    def _keep(self, articles: list[dict[str, Any]]) -> None:
        for item in articles:
            url = str(item.get("url") or "").strip()
            if not url.startswith(("http://", "https://")) or url in self._seen:
                continue
            language = str(item.get("language") or "english").strip().lower()
            if language not in self.languages:
                self.other_languages += 1
                continue
            seen_raw = str(item.get("seendate") or "")
            published = _seendate(seen_raw)
            if not self.window.contains(published):
                logger.debug("%s: %s seen outside the window", self.spec.name, url)
                continue
            self._seen.add(url)
            self.found.candidates.append(
                Candidate(
                    url=url,
                    source=self.spec.name,
                    title=str(item.get("title") or "").strip() or None,
                    published_at=published,
                    published_raw=seen_raw or None,
                    lang=LANGUAGES.get(language),
                )
            )


def _seendate(raw: str) -> datetime | None:
    try:
        return datetime.strptime(raw, _SEENDATE).replace(tzinfo=UTC)
    except ValueError:
        return None


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%dT%H:%M:%SZ}–{end:%Y-%m-%dT%H:%M:%SZ}"
