"""Time one ingest of a bundled site, stage by stage, and print the numbers.

Usage: ``.venv/bin/python benchmarks/bench_ingest.py [SITE_DIR]`` (default: include/samples).
Serves the site on 127.0.0.1, ingests it into a temporary DuckDB file, prints wall time per
stage, articles per second and peak RSS. Run it twice to see the cold vs warm page cache.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tradewatch import pipeline
from tradewatch.devserver import serve_directory

ROOT = Path(__file__).resolve().parents[1]


def _feeds(site: Path) -> list[tuple[str, str]]:
    found = []
    for feed in sorted(site.glob("*/feed.*")):
        kind = "atom" if feed.suffix == ".atom" else "rss"
        found.append((feed.parent.name, kind, feed.relative_to(site).as_posix()))
    return found


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "include" / "samples"
    timings: dict[str, float] = {}
    with serve_directory(site) as base, tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "allow_private_network": True,
                    "min_host_gap_seconds": 0,
                    "sources": [
                        {"name": n, "type": k, "url": f"{base}/{p}"} for n, k, p in _feeds(site)
                    ],
                }
            )
        )
        ctx = pipeline.RunContext.create(
            sources_file=sources, db_path=Path(tmp) / "b.duckdb", data_dir=Path(tmp) / "data"
        )
        started = time.perf_counter()

        def timed(name, fn, *args):
            t0 = time.perf_counter()
            out = fn(*args)
            timings[name] = time.perf_counter() - t0
            return out

        names = timed("plan", pipeline.plan, ctx)
        files = timed("discover", lambda: [pipeline.discover(ctx, n) for n in names])
        fetched = timed("fetch", pipeline.fetch, ctx, files)
        articles = timed("extract", pipeline.extract, ctx, fetched)
        analyzed = timed("analyze", pipeline.analyze, ctx, articles)
        counts = timed("load", pipeline.load, ctx, analyzed)
        total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"site: {site}")
    for name, seconds in timings.items():
        print(f"  {name:<9} {seconds:7.3f} s")
    n = counts["articles_new"] + counts["articles_updated"] + counts["articles_unchanged"]
    print(f"  total     {total:7.3f} s  ({n} articles, {n / total:.1f} articles/s)")
    print(f"  peak RSS  {peak_mb:7.1f} MB")
    print(f"  counts    {json.dumps(counts)}")


if __name__ == "__main__":
    main()
