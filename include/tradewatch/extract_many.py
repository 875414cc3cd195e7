"""Extraction of a run's archived pages, on every core when there are enough of them.

Extraction is pure CPU (HTML parsing, trafilatura) and pages are independent, so a
large run spreads batches of pages over worker processes; results come back in page
order, so the output does not depend on the number of processes. Small runs stay in
this process: starting workers costs more than the pages.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from tradewatch.archive import RawArchive
from tradewatch.extract import ExtractionError, extract_article
from tradewatch.models import Article, Fetched

BATCH = 16
# Below this many pages per process, a worker's start-up (imports) outweighs its share.
MIN_PAGES_PER_PROCESS = 64

Outcome = Article | str  # the article, or why it could not be extracted


def extract_processes(pages: int) -> int:
    """Processes for extracting ``pages`` pages: one per core, if each gets enough."""
    return max(1, min(os.cpu_count() or 1, pages // MIN_PAGES_PER_PROCESS))


def extract_stream(
    data_dir: Path, items: Iterable[Fetched], processes: int = 1
) -> Iterator[tuple[Fetched, Outcome]]:
    """Each fetched item with its article or failure reason, in order; at most two
    batches per process are in flight, so memory stays flat."""
    batches = _batches(items)
    if processes <= 1:
        for batch in batches:
            yield from zip(batch, _extract_batch(data_dir, batch), strict=True)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        pending: deque[tuple[list[Fetched], Future[list[Outcome]]]] = deque()
        try:
            for batch in batches:
                pending.append((batch, pool.submit(_extract_batch, data_dir, batch)))
                if len(pending) > 2 * processes:
                    done, future = pending.popleft()
                    yield from zip(done, future.result(), strict=True)
            while pending:
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
        finally:
            pool.shutdown(cancel_futures=True)


def _extract_batch(data_dir: Path, batch: list[Fetched]) -> list[Outcome]:
    archive = RawArchive(data_dir)
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
        )
    except (ExtractionError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"


def _batches(items: Iterable[Fetched]) -> Iterator[list[Fetched]]:
    it = iter(items)
    while batch := list(islice(it, BATCH)):
        yield batch
