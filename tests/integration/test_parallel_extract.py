"""Extraction on several processes: the same articles and the same failures, in order.

Real archive files, real worker processes, the fixture site's pages (written here).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psutil

from tradewatch.archive import RawArchive
from tradewatch.extract_many import BATCH, extract_processes, extract_stream
from tradewatch.models import Article, Candidate, Fetched
from tradewatch.workers import WorkerPool

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
WHEN = datetime(2023, 8, 14, 3, 0, tzinfo=UTC)


def _archive(data: Path) -> list[Fetched]:
    """Every fixture page, six times over, plus a page that is not an article and a
    body that vanished from the archive."""
    archive = RawArchive(data)
    pages = sorted(SITE.rglob("*.html"))
    items = []
    for round_ in range(6):
        for i, page in enumerate(pages):
            url = f"http://127.0.0.1:1/{round_}/{page.relative_to(SITE)}"
            raw = archive.write("page", f"p{round_}-{i}", page.read_bytes(), {"url": url}, WHEN)
            items.append(Fetched(Candidate(url, "fixture"), url, 200, WHEN, raw))
    empty = archive.write("page", "empty", b"<html><body></body></html>", {}, WHEN)
    gone = archive.write("page", "gone", pages[0].read_bytes(), {}, WHEN)
    (data / gone).unlink()
    items.insert(
        5,
        Fetched(
            Candidate("http://127.0.0.1:1/e", "fixture"), "http://127.0.0.1:1/e", 200, WHEN, empty
        ),
    )
    items.insert(
        30,
        Fetched(
            Candidate("http://127.0.0.1:1/g", "fixture"), "http://127.0.0.1:1/g", 200, WHEN, gone
        ),
    )
    return items


def test_two_processes_extract_what_one_does(tmp_path: Path) -> None:
    items = _archive(tmp_path)
    assert len(items) > 4 * BATCH
    one = list(extract_stream(tmp_path, items))
    workers: set[int] = set()
    two = []
    with WorkerPool(2, "extract") as pool:
        for pair in extract_stream(tmp_path, items, pool):
            workers.update(p.pid for p in psutil.Process().children(recursive=True))
            two.append(pair)
    assert len(workers) == pool.stats.processes == 2
    assert [item for item, _ in two] == items
    assert two == one
    articles = [o for _, o in one if isinstance(o, Article)]
    failures = {item.final_url: o for item, o in one if isinstance(o, str)}
    assert len(articles) >= 4 * 10
    assert set(failures) >= {"http://127.0.0.1:1/e", "http://127.0.0.1:1/g"}
    assert failures["http://127.0.0.1:1/g"].startswith("FileNotFoundError")
    assert failures["http://127.0.0.1:1/e"].startswith("ExtractionError")


def test_small_runs_stay_in_process() -> None:
    assert extract_processes(0) == 1
    assert extract_processes(63) == 1
    assert extract_processes(10_000) >= 1
    assert extract_processes(10_000) <= (psutil.cpu_count() or 1)
