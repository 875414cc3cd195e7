"""Throughput and memory of whole runs on a generated loopback news site, in one command.

Usage: ``.venv/bin/python benchmarks/bench_throughput.py [--pages 500 2000] [--hosts 4]
[--feeds 10] [--processes N] [--languages en ko ja]``.

For each site size and language it generates article pages of wire-copy length (about 900
words, or 1,800 characters in Korean and Japanese, built from the project's own dev-set
paragraphs, never from real outlets) on several loopback hosts with RSS feeds, then runs
the real CLI as a subprocess and prints:

* the raw model's docs/s on the same texts (English: the spaCy pipeline; Japanese: ginza
  as shipped; Korean: mecab-ko's morphology, line by line), with one process and with
  ``--processes`` processes parsing a share each at the same time;
* full-NLP ingest (``--relevance-threshold 0``: every article through the language's
  analysis) articles/s and its ratio to the raw model on all cores;
* a re-run with nothing new (wall seconds of the whole command, the median of three);
* ``tradewatch reprocess --stages analyze`` articles/s over the same archive;
* pre-filter ingest (default threshold, off-topic pages the relevance filter drops, all
  of them: pages it would keep are drawn again);
* peak RSS of every command, summed over the process and its children;
* with more than one language, a mixed site (an equal share of each, every page
  relevant) ingested with full NLP: articles/s and the peak RSS of all processes together.
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
from collections.abc import Callable
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
    parser.add_argument("--languages", nargs="+", default=["en"], choices=RAW_MODELS)
    parser.add_argument("--raw-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_worker:
        _raw_worker(*args.raw_worker)
        return
    rows, mixes = [], []
    for pages in args.pages:
        for lang in args.languages:
            rows.append(_language_row(pages, lang, args))
            print(json.dumps(rows[-1]), flush=True)
        if len(args.languages) > 1:
            mixes.append(_mixed_row(pages, tuple(args.languages), args))
            print(json.dumps(mixes[-1]), flush=True)
    _report(rows, mixes, args.processes)


def _language_row(pages: int, lang: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tw-bench-") as tmp:
        work = Path(tmp)
        shape = {"hosts": args.hosts, "feeds": args.feeds, "languages": (lang,)}
        site = build_site(work / "site", pages, **shape, relevant_share=1, seed=1)
        offtopic = build_site(work / "offtopic", pages, **shape, relevant_share=0, seed=2)
        row = {"pages": pages, "lang": lang, **_raw_model(site.texts, lang, args.processes)}
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
    return row


def _mixed_row(pages: int, languages: tuple[str, ...], args: argparse.Namespace) -> dict:
    """Full-NLP ingest of a site with an equal share of each language."""
    with tempfile.TemporaryDirectory(prefix="tw-bench-") as tmp:
        work = Path(tmp)
        site = build_site(
            work / "site",
            pages,
            hosts=args.hosts,
            feeds=args.feeds,
            relevant_share=1,
            seed=3,
            languages=languages,
        )
        with serve_site(site) as bases:
            sources = write_sources(work / "sources.yaml", site, bases)
            full = ["--sources", sources, "--db", work / "tw.duckdb"]
            full += ["--data-dir", work / "data", "--relevance-threshold", "0"]
            return {
                "pages": pages,
                "mix": "+".join(languages),
                "full": _run(["ingest", *full], pages),
            }


def _run(args: list[object], pages: int) -> dict[str, float]:
    """Run ``tradewatch ARGS`` and measure wall time and peak RSS of its process tree."""
    command = [sys.executable, "-m", "tradewatch", "--quiet", *map(str, args)]
    started = time.perf_counter()
    proc = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = watch_rss(proc)
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
    """Peak RSS of a process with its children, and of the process alone with when (s)."""

    value = 0
    own = 0
    own_at = 0.0


def watch_rss(proc: psutil.Popen) -> _Peak:
    """Sample the RSS of ``proc`` and all its children every 50 ms until it exits."""
    peak = _Peak()
    started = time.perf_counter()

    def sample() -> None:
        while proc.poll() is None:
            try:
                own = proc.memory_info().rss
                children = proc.children(recursive=True)
                total = own + sum(p.memory_info().rss for p in children if p.is_running())
            except psutil.Error:
                continue
            peak.value = max(peak.value, total)
            if own > peak.own:
                peak.own, peak.own_at = own, time.perf_counter() - started
            time.sleep(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    proc.wait()
    watcher.join()
    return peak


RAW_MODELS = ("en", "ko", "ja")


def _raw_parser(lang: str) -> Callable[[list[str]], None]:
    """What ``lang``'s analysis is built on, loaded and applied as its library ships it."""
    if lang == "ko":
        import mecab

        tagger = mecab.MeCab()

        def parse_lines(texts: list[str]) -> None:
            for text in texts:
                for line in text.splitlines():
                    tagger.parse(line)

        return parse_lines
    if lang == "ja":
        import spacy

        from tradewatch.nlp.ja.model import model_name

        nlp = spacy.load(model_name())
    else:
        from tradewatch.nlp import load_model

        nlp = load_model()

    def parse_docs(texts: list[str]) -> None:
        for _ in nlp.pipe(texts, batch_size=32):
            pass

    return parse_docs


def _raw_worker(lang: str, path: str) -> None:
    """Load ``lang``'s raw model, say so, wait for the go, parse the texts in ``path`` and
    print the seconds the parsing took."""
    parse = _raw_parser(lang)
    texts = json.loads(Path(path).read_text(encoding="utf-8"))
    parse(texts[:4])
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    parse(texts)
    print(time.perf_counter() - started, flush=True)


def _raw_model(texts: list[str], lang: str, processes: int) -> dict[str, float]:
    """docs/s and chars/s of ``lang``'s raw model on ``texts``: with one process, and with
    ``processes`` processes each parsing its share, started together once all have loaded
    (the wall time is the slowest share's)."""
    found: dict[str, float] = {}
    chars = sum(map(len, texts))
    with tempfile.TemporaryDirectory(prefix="tw-raw-") as tmp:
        for n in sorted({1, processes}):
            workers = []
            for i in range(n):
                share = Path(tmp) / f"{n}-{i}.json"
                share.write_text(json.dumps(texts[i::n]), encoding="utf-8")
                command = [sys.executable, __file__, "--raw-worker", lang, str(share)]
                workers.append(
                    subprocess.Popen(
                        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
                    )
                )
            for worker in workers:
                assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
            wall = max(float(worker.communicate()[0].strip()) for worker in workers)
            found[f"raw_{n}p"] = round(len(texts) / wall, 2)
            found[f"raw_chars_{n}p"] = round(chars / wall)
    return found


def _report(rows: list[dict], mixes: list[dict], processes: int) -> None:
    print()
    header = f"{'pages':>6} {'lang':>4} {'raw 1p':>7} {f'raw {processes}p':>7} {'full/s':>7}"
    header += f" {'ratio':>6} {'full MB':>8} {'nochg s':>8} {'repro/s':>8} {'ratio':>6}"
    header += f" {'repro MB':>9} {'prefilt/s':>10}"
    print(header)
    for r in rows:
        raw_all = r[f"raw_{processes}p"]
        print(
            f"{r['pages']:>6} {r['lang']:>4} {r['raw_1p']:>7} {raw_all:>7} {r['full']['per_s']:>7} "
            f"{r['full']['per_s'] / raw_all:>6.2f} {r['full']['peak_rss_mb']:>8} "
            f"{r['nochange']['seconds']:>8} {r['reprocess']['per_s']:>8} "
            f"{r['reprocess']['per_s'] / raw_all:>6.2f} "
            f"{r['reprocess']['peak_rss_mb']:>9} {r['prefilter']['per_s']:>10}"
        )
    print(
        "(raw: the language's model alone, docs/s on the same texts; full: ingest with every "
        "article through the analysis; ratio: against raw on all cores; nochg: re-run with "
        f"nothing new, whole command, median of {NOCHANGE_RUNS} runs; repro: reprocess "
        "--stages analyze; prefilt: ingest of off-topic pages with the default threshold; "
        "MB: peak RSS of the command and its children)"
    )
    for m in mixes:
        print(
            f"mixed {m['mix']}, {m['pages']} pages: full ingest {m['full']['per_s']} articles/s "
            f"in {m['full']['seconds']} s, peak RSS of all processes {m['full']['peak_rss_mb']} MB"
        )


if __name__ == "__main__":
    main()
