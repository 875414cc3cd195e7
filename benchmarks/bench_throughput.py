"""Throughput and memory of whole runs on a generated loopback news site, in one command.

Usage: ``.venv/bin/python benchmarks/bench_throughput.py [--pages 500 2000] [--hosts 4]
[--feeds 10] [--processes N]``.

For each site size it generates article pages of wire-copy length (about 900 words, built
from the project's own dev-set paragraphs, never from real outlets) on several loopback
hosts with RSS feeds, then runs the real CLI as a subprocess and prints:

* raw ``nlp.pipe`` docs/s on the same texts, with one process and with ``--processes``;
* full-NLP ingest (``--relevance-threshold 0``: every article through spaCy) articles/s and
  its ratio to raw ``nlp.pipe`` on all cores;
* a re-run with nothing new (wall seconds of the whole command, the median of three);
* ``tradewatch reprocess --stages analyze`` articles/s over the same archive;
* pre-filter ingest (default threshold, off-topic pages the relevance filter drops, all
  of them: pages it would keep are drawn again);
* peak RSS of every command, summed over the process and its children.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import psutil
import yaml

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD
from tradewatch.devserver import serve_directory
from tradewatch.nlp.relevance import score_relevance

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "include" / "gold" / "dev.jsonl"
WORDS_PER_PAGE = 900
NOCHANGE_RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    relevant, offtopic = _paragraph_pools()
    rows = []
    for pages in args.pages:
        with tempfile.TemporaryDirectory(prefix="tw-bench-") as tmp:
            work = Path(tmp)
            texts = _build_site(work / "site", pages, args.hosts, args.feeds, relevant, 1)
            _build_site(work / "offtopic", pages, args.hosts, args.feeds, offtopic, 2, False)
            row = {"pages": pages, **_raw_pipe(texts, args.processes)}
            with _serve(work / "site", args.hosts) as bases:
                sources = _sources(work / "sources.yaml", bases, args.feeds, args.hosts)
                full = ["--sources", sources, "--db", work / "tw.duckdb"]
                full += ["--data-dir", work / "data", "--relevance-threshold", "0"]
                row["full"] = _run(["ingest", *full], pages)
                row["nochange"] = _median_run(["ingest", *full], pages, NOCHANGE_RUNS)
            today = datetime.now(UTC).date().isoformat()
            row["reprocess"] = _run(
                [
                    "reprocess",
                    "--start",
                    today,
                    "--end",
                    today,
                    "--stages",
                    "analyze",
                    "--db",
                    work / "tw.duckdb",
                    "--data-dir",
                    work / "data",
                    "--relevance-threshold",
                    "0",
                ],
                pages,
            )
            with _serve(work / "offtopic", args.hosts) as bases:
                sources = _sources(work / "off.yaml", bases, args.feeds, args.hosts)
                row["prefilter"] = _run(
                    [
                        "ingest",
                        "--sources",
                        sources,
                        "--db",
                        work / "off.duckdb",
                        "--data-dir",
                        work / "off",
                    ],
                    pages,
                )
            rows.append(row)
            print(json.dumps(row), flush=True)
    _report(rows, args.processes)


def _paragraph_pools() -> tuple[list[str], list[str]]:
    """Paragraphs of the dev set's relevant and off-topic articles (written here)."""
    relevant: list[str] = []
    offtopic: list[str] = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        paragraphs = [p for p in article["text"].split("\n\n") if len(p.split()) > 12]
        (relevant if article["relevant"] else offtopic).extend(paragraphs)
    return relevant, offtopic


def _build_site(
    root: Path,
    pages: int,
    hosts: int,
    feeds: int,
    pool: list[str],
    seed: int,
    relevant: bool | None = None,
) -> list[str]:
    """Write ``pages`` article pages spread over ``hosts`` folders and ``feeds`` RSS feeds;
    return the article texts in page order. With ``relevant`` set, a page whose draw of
    paragraphs the relevance filter judges otherwise is drawn again, so the pre-filter
    run measures the path where nothing reaches spaCy."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    texts: list[str] = []
    items: dict[int, list[str]] = {f: [] for f in range(feeds)}
    for i in range(pages):
        host = (i % feeds) % hosts  # the host of the feed that lists the page
        while True:
            paragraphs: list[str] = []
            while sum(len(p.split()) for p in paragraphs) < WORDS_PER_PAGE:
                paragraphs.append(rng.choice(pool))
            title = f"{paragraphs[0].split('.')[0][:80]} (report {i})"
            score = score_relevance(title, "\n\n".join(paragraphs)).score
            if relevant is None or (score >= DEFAULT_RELEVANCE_THRESHOLD) == relevant:
                break
        published = now - timedelta(minutes=i % 600)
        path = root / f"h{host}" / "news" / f"{i}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(title, paragraphs, published, f"news/{i}.html"), encoding="utf-8")
        texts.append("\n\n".join(paragraphs))
        items[i % feeds].append(_item(title, f"news/{i}.html", published))
    for f, entries in items.items():
        feed = root / f"h{f % hosts}" / f"feed{f}.xml"
        feed.parent.mkdir(parents=True, exist_ok=True)
        feed.write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {f}</title><link>__BASE__/</link>"
            f"{''.join(entries)}</channel></rss>",
            encoding="utf-8",
        )
    return texts


def _page(title: str, paragraphs: list[str], published: datetime, path: str) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<link rel="canonical" href="__BASE__/{path}">'
        f'<meta property="article:published_time" content="{published.isoformat()}">'
        f"</head><body><nav><a href='#'>World</a> <a href='#'>Business</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Benchmark fixture</footer></body></html>"
    )


def _item(title: str, path: str, published: datetime) -> str:
    return (
        f"<item><title>{escape(title)}</title><link>__BASE__/{path}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
    )


@contextmanager
def _serve(site: Path, hosts: int) -> Iterator[list[str]]:
    """One loopback server (so one politeness host) per host folder."""
    with ExitStack() as stack:
        yield [stack.enter_context(serve_directory(site / f"h{h}")) for h in range(hosts)]


def _sources(path: Path, bases: list[str], feeds: int, hosts: int) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "allow_private_network": True,
                "min_host_gap_seconds": 0,
                "sources": [
                    {"name": f"bench-{f}", "type": "rss", "url": f"{bases[f % hosts]}/feed{f}.xml"}
                    for f in range(feeds)
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def _run(args: list[object], pages: int) -> dict[str, float]:
    """Run ``tradewatch ARGS`` and measure wall time and peak RSS of its process tree."""
    command = [sys.executable, "-m", "tradewatch", "--quiet", *map(str, args)]
    started = time.perf_counter()
    proc = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = _watch_rss(proc)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"tradewatch {args[0]} failed ({proc.returncode}): {err[-2000:]}")
    counts = json.loads(out.strip().splitlines()[-1])
    return {
        "seconds": round(wall, 2),
        "per_s": round(pages / wall, 1),
        "peak_rss_mb": round(peak.value / 2**20, 1),
        "articles_new": counts.get("articles_new", 0),
    }


def _median_run(args: list[object], pages: int, runs: int) -> dict[str, Any]:
    """:func:`_run` ``runs`` times: a second-long command varies by a few tenths between
    runs on a shared machine, so one sample says little; the median run is kept, with
    every run's seconds beside it."""
    samples = sorted((_run(args, pages) for _ in range(runs)), key=lambda r: r["seconds"])
    return {**samples[len(samples) // 2], "runs": [r["seconds"] for r in samples]}


class _Peak:
    value = 0


def _watch_rss(proc: psutil.Popen) -> _Peak:
    """Sample the RSS of ``proc`` and all its children every 50 ms until it exits."""
    peak = _Peak()

    def sample() -> None:
        while proc.poll() is None:
            try:
                family = [proc, *proc.children(recursive=True)]
                total = sum(p.memory_info().rss for p in family if p.is_running())
            except psutil.Error:
                continue
            peak.value = max(peak.value, total)
            time.sleep(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    proc.wait()
    watcher.join()
    return peak


def _raw_pipe(texts: list[str], processes: int) -> dict[str, float]:
    """docs/s of the bare spaCy pipeline on ``texts``, with 1 and ``processes`` processes."""
    code = (
        "import sys, json, time\n"
        "from tradewatch.nlp import load_model\n"
        "texts = json.load(sys.stdin)\n"
        "nlp = load_model()\n"
        "list(nlp.pipe(texts[:8]))\n"
        "n = int(sys.argv[1])\n"
        "t = time.perf_counter()\n"
        "for _ in nlp.pipe(texts, batch_size=32, n_process=n): pass\n"
        "print(len(texts) / (time.perf_counter() - t))\n"
    )
    found = {}
    for n in sorted({1, processes}):
        out = subprocess.run(
            [sys.executable, "-c", code, str(n)],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
        )
        found[f"raw_pipe_{n}p"] = round(float(out.stdout.strip().splitlines()[-1]), 2)
    return found


def _report(rows: list[dict], processes: int) -> None:
    print()
    header = f"{'pages':>6} {'raw 1p':>7} {f'raw {processes}p':>7} {'full/s':>7} {'ratio':>6}"
    header += f" {'full MB':>8} {'nochg s':>8} {'repro/s':>8} {'repro MB':>9} {'prefilt/s':>10}"
    print(header)
    for r in rows:
        raw_all = r[f"raw_pipe_{processes}p"]
        print(
            f"{r['pages']:>6} {r['raw_pipe_1p']:>7} {raw_all:>7} {r['full']['per_s']:>7} "
            f"{r['full']['per_s'] / raw_all:>6.2f} {r['full']['peak_rss_mb']:>8} "
            f"{r['nochange']['seconds']:>8} {r['reprocess']['per_s']:>8} "
            f"{r['reprocess']['peak_rss_mb']:>9} {r['prefilter']['per_s']:>10}"
        )
    print(
        "(raw: nlp.pipe docs/s on the same texts; full: ingest with every article through "
        "spaCy; ratio: full / raw on all cores; nochg: re-run with nothing new, whole "
        f"command, median of {NOCHANGE_RUNS} runs; repro: reprocess --stages analyze; "
        "prefilt: ingest of off-topic pages with the default threshold; MB: peak RSS of the "
        "command and its children)"
    )


if __name__ == "__main__":
    main()
