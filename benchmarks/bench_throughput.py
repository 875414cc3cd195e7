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
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the generated site is the tests' too

from servers.wire_site import build_site, serve_site, write_sources  # noqa: E402

NOCHANGE_RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    rows = []
    for pages in args.pages:
        with tempfile.TemporaryDirectory(prefix="tw-bench-") as tmp:
            work = Path(tmp)
            shape = {"hosts": args.hosts, "feeds": args.feeds}
            site = build_site(work / "site", pages, **shape, relevant_share=1, seed=1)
            offtopic = build_site(work / "offtopic", pages, **shape, relevant_share=0, seed=2)
            row = {"pages": pages, **_raw_pipe(site.texts, args.processes)}
            with serve_site(site) as bases:
                sources = write_sources(work / "sources.yaml", site, bases)
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
            with serve_site(offtopic) as bases:
                sources = write_sources(work / "off.yaml", offtopic, bases)
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
