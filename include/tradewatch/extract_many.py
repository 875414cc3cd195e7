"""Extraction of a run's archived pages, on every core when there are enough of them.

Extraction is pure CPU (HTML parsing, trafilatura) and pages are independent, so a
large run spreads batches of pages over worker processes (``tradewatch.workers``);
results come back in page order, so the output does not depend on the number of
processes. Small runs stay in this process: starting workers costs more than the pages.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import islice

from tradewatch.archive import RawArchive
from tradewatch.config import worker_processes
from tradewatch.extract import ExtractionError, extract_article
from tradewatch.models import Article, Fetched
from tradewatch.workers import WorkerPool

BATCH = 16
# Below this many pages per process, a worker's start-up (imports) outweighs its share.
MIN_PAGES_PER_PROCESS = 64

Outcome = Article | str  # the article, or why it could not be extracted


def extract_processes(pages: int) -> int:
    """Processes for extracting ``pages`` pages: one per usable core (or
    ``$TRADEWATCH_PROCESSES``), if each gets enough."""
    return max(1, min(worker_processes(), pages // MIN_PAGES_PER_PROCESS))


def extract_stream(
    archive_root: str | os.PathLike[str], items: Iterable[Fetched], pool: WorkerPool | None = None
) -> Iterator[tuple[Fetched, Outcome]]:
    """Each fetched item with its article or failure reason, in order; batches go to the
    ``pool``'s workers if it has any, at most two per process in flight, so memory
    stays flat. ``archive_root`` is the raw archive's root, a path or fsspec URL."""
    work = partial(_extract_batch, archive_root)
    sent: deque[list[Fetched]] = deque()

    def batches() -> Iterator[list[Fetched]]:
        for batch in _batches(items):
            sent.append(batch)
            yield batch

    for outcomes in pool.map(work, batches()) if pool else map(work, batches()):
        yield from zip(sent.popleft(), outcomes, strict=True)


def _extract_batch(archive_root: str | os.PathLike[str], batch: list[Fetched]) -> list[Outcome]:
    archive = RawArchive(archive_root)
    return [_extract_one(archive, item) for item in batch]


def _extract_one(archive: RawArchive, item: Fetched) -> Outcome:
    try:
        body = archive.read(item.raw_path).body
        return extract_article(
            body,
            url=item.final_url,
            source=item.candidate.source,
            fetched_at=item.fetched_at,
            feed_title=item.candidate.title,
            feed_published=item.candidate.published_at,
            feed_published_raw=item.candidate.published_raw,
            encoding=item.encoding,
            raw_path=item.raw_path,
            feed_lang=item.candidate.lang,
        )
    except (ExtractionError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"


def _batches(items: Iterable[Fetched]) -> Iterator[list[Fetched]]:
    it = iter(items)
    while batch := list(islice(it, BATCH)):
        yield batch
