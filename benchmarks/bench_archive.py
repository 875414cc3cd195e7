"""What a daily run costs against the size of the archive it adds to.

Usage: ``.venv/bin/python benchmarks/bench_archive.py [--sizes 10000 100000 1000000]
[--pages 200] [--keep DIR]``.

For each size it builds an archive straight into the schema (bulk, through Arrow, as
``bench_report.py`` does): articles of 4–6 KB of English wire text, 200 a day up to
yesterday, so a larger archive is a longer history (paragraphs
of the project's own dev set, never an outlet's, with a few words of each article's own so
the search dictionary grows with the archive), 70 % relevant, three quotes and ten
mentions per relevant article, a fetch log, stored oldest first as daily runs store them,
then the full-text index and the read-only snapshot (and its standby), as a long-running
install would have them. A first daily ingest of other pages (yesterday's run, not timed)
brings the files into the state a daily run finds them in: the standby one load behind,
the parts of the file daily runs touch in the page cache. Then it times, as the CLI runs
them:

* a daily ingest of ``--pages`` new pages (half relevant, half off-topic) from a loopback
  site: the whole command, and the load and snapshot publish inside it (from its log);
* the same ingest again with nothing new (the no-change run);
* the same day again as a backfill (``--start``/``--end``), the pages already stored;
* the brief for that day, from the snapshot;
* and, when the archive is built, a whole snapshot copy (what every publish cost before
  publishes caught up the standby copy);

each with the peak RSS of the command and its children, and the file sizes. The issue's
targets (daily ingest and re-run day at 1M within 1.25x of 10k, no-change run at 1M
within 1.5 s, brief within 5 s, peak RSS flat within 15 %) are checked by reading the
table, not by this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the generated site is the tests' too

from bench_report import ENTITIES_FROM_MENTIONS, with_day  # noqa: E402
from bench_throughput import watch_rss  # noqa: E402

from servers.wire_site import build_site, serve_site, write_sources  # noqa: E402
from tradewatch.store import (  # noqa: E402
    build_search_indexes,
    connect,
    publish_snapshot,
    snapshot_path,
)
from tradewatch.store.fetch_state import normalize_title  # noqa: E402

CHUNK = 50_000
# Articles a day in the archives: a daily run's pages, so that a larger archive is a
# longer history (50 days at 10,000 articles, 13.7 years at a million), as it is for the
# pipeline's users, and a day's brief reads the same number of rows at every size.
PER_DAY = 200
SOURCES = ["yonhap", "herald", "koreatimes", "japantimes", "mainichi", "kyodo", "nhk", "gdelt"]
TOPICS = ["export_controls", "white_list", "wto_dispute", "semiconductor_materials", "boycott"]
LABELS = ["PERSON", "ORG", "GPE", "MATERIAL", "POLICY"]
SYLLABLES = ["ka", "mi", "to", "ra", "shi", "no", "ha", "yu", "ki", "se", "do", "jun", "min"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the files")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        folder = (args.keep / str(size)) if args.keep else Path(tempfile.mkdtemp(prefix="tw-arch-"))
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            row = {"articles": size, **build_archive(folder / "tw.duckdb", size)}
            row.update(daily_runs(folder, args.pages))
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        rows.append(row)
        print(json.dumps(row), flush=True)
    report(rows)


def build_archive(db: Path, size: int) -> dict[str, float]:
    """Fill ``db`` with ``size`` articles and their rows, index them and publish."""
    paragraphs = _paragraphs()
    rng = np.random.default_rng(size)
    now = datetime.now(UTC)
    started = time.perf_counter()
    con = connect(db)
    try:
        for first in range(0, size, CHUNK):
            n = min(CHUNK, size - first)
            articles = _articles(first, n, size, now, paragraphs, rng)
            relevant = [
                a
                for a, r in zip(
                    articles["article_id"].to_pylist(),
                    articles["relevant"].to_pylist(),
                    strict=True,
                )
                if r
            ]
            for table, data in (
                ("articles", articles),
                ("quotes", _quotes(first, relevant, rng)),
                ("entity_mentions", _mentions(relevant, rng)),
                ("fetch_log", _log(articles)),
            ):
                con.register("staged", data)
                con.execute(f"INSERT INTO {table} BY NAME {with_day(table)}")
                con.unregister("staged")
        con.execute(ENTITIES_FROM_MENTIONS)
        con.execute("CHECKPOINT")
        filled = time.perf_counter()
        build_search_indexes(con)
        con.execute("CHECKPOINT")
        indexed = time.perf_counter()
        publish_snapshot(con)
        published = time.perf_counter()
        publish_snapshot(con)  # a second copy: the standby a long-running install has
        standby = time.perf_counter()
    finally:
        con.close()
    return {
        "fill_s": round(filled - started, 1),
        "fts_build_s": round(indexed - filled, 1),
        "publish_full_s": round(published - indexed, 1),
        "publish_bytes_s": round(standby - published, 1),
        "db_mb": round(db.stat().st_size / 2**20),
        "snapshot_mb": round(snapshot_path(db).stat().st_size / 2**20),
    }


def daily_runs(folder: Path, pages: int) -> dict[str, object]:
    """The runs a day brings, timed as the CLI runs them."""
    db, data = folder / "tw.duckdb", folder / "data"
    today = datetime.now(UTC).date()
    out: dict[str, object] = {}
    yesterday = build_site(folder / "site0", pages, hosts=4, feeds=10, relevant_share=0.5, seed=4)
    with serve_site(yesterday) as bases:
        sources = write_sources(folder / "sources0.yaml", yesterday, bases, name="yesterday")
        _timed(["ingest", "--sources", sources, "--db", db, "--data-dir", data], folder / "0.log")
    site = build_site(folder / "site", pages, hosts=4, feeds=10, relevant_share=0.5, seed=5)
    with serve_site(site) as bases:
        sources = write_sources(folder / "sources.yaml", site, bases)
        common = ["--sources", sources, "--db", db, "--data-dir", data]
        out["ingest"] = _timed(["ingest", *common], folder / "ingest.log")
        out["nochange"] = _timed(["ingest", *common], folder / "nochange.log")
        day = ["--start", today, "--end", today + timedelta(days=1)]
        out["rerun_day"] = _timed(["ingest", *common, *day], folder / "rerun_day.log")
    out["brief"] = _timed(
        ["report", "--db", snapshot_path(db), "--out", folder / "reports", "--date", today],
        folder / "brief.log",
    )
    out["db_mb_after"] = round(db.stat().st_size / 2**20)
    return out


_LOADED = re.compile(
    r"loaded into .* in ([\d.]+) s \(rows and search index ([\d.]+) s, snapshot ([\d.]+) s\)"
)


def _timed(args: list[object], log: Path) -> dict[str, object]:
    """Wall seconds and peak RSS of ``tradewatch ARGS``, with the load's parts it logged
    (its whole log is written to ``log``)."""
    command = [sys.executable, "-m", "tradewatch", *map(str, args)]
    started = time.perf_counter()
    proc = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = watch_rss(proc)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    log.write_text(stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise SystemExit(f"tradewatch {args[0]} failed ({proc.returncode}): {stderr[-2000:]}")
    result: dict[str, object] = {
        "s": round(wall, 2),
        "mb": round(peak.value / 2**20),
        "own_mb": round(peak.own / 2**20),
        "own_peak_at_s": round(peak.own_at, 1),
    }
    load = _LOADED.search(stderr)
    if load:
        result.update(
            zip(("load_s", "rows_s", "publish_s"), map(float, load.groups()), strict=True)
        )
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    if last.startswith("{"):
        counts = json.loads(last)
        result["new"] = counts.get("articles_new", 0)
    return result


def _paragraphs() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for line in (ROOT / "include" / "gold" / "dev.jsonl").read_text("utf-8").splitlines()
    ]
    return [p for text in texts for p in text.split("\n\n") if len(p) > 80]


def _articles(
    first: int, n: int, size: int, now: datetime, paragraphs: list[str], rng: np.random.Generator
) -> pa.Table:
    """Articles ``first`` to ``first + n`` of ``size``, :data:`PER_DAY` a day up to
    yesterday, in the order daily runs would have stored them (oldest first), with ids
    hashed like real ones."""
    ids = [hashlib.sha256(f"bench-{first + i}".encode()).hexdigest()[:16] for i in range(n)]
    published = [
        now - timedelta(seconds=86400 * (1 + (size - first - i) / PER_DAY) + int(jitter))
        for i, jitter in enumerate(rng.integers(0, 3600, n))
    ]
    relevant = rng.random(n) < 0.7
    texts = [_text(paragraphs, rng) for _ in range(n)]
    titles = [t[: t.find(".")][:90] for t in texts]
    # canonical as written, so they are their own dedup keys (canonicalize_url would agree)
    urls = [f"https://{SOURCES[i % 8]}.example/news/{a}" for i, a in enumerate(ids)]
    ts = pa.timestamp("us", tz="UTC")
    return pa.table(
        {
            "article_id": ids,
            "url": urls,
            "canonical_url": urls,
            "source": [SOURCES[i % 8] for i in range(n)],
            "title": titles,
            "published_at": pa.array(published, ts),
            "published_offset": ["+09:00"] * n,
            "published_from": ["jsonld"] * n,
            "fetched_at": pa.array(published, ts),
            "lang": ["en"] * n,
            "relevant": relevant,
            "relevance": np.where(relevant, 0.8, 0.1),
            "topics": [[TOPICS[i % 5]] if r else [] for i, r in enumerate(relevant)],
            "relevance_evidence": [["export controls"]] * n,
            "text": texts,
            "content_hash": [f"h{first + i}" for i in range(n)],
            "duplicate_of": [None] * n,
            "raw_path": [None] * n,
            "extraction_version": ["bench"] * n,
            "near_dup_key": rng.integers(0, 2**62, n),
            "url_key": urls,
            "canonical_key": urls,
            "title_key": [normalize_title(t) for t in titles],
        }
    )


def _text(paragraphs: list[str], rng: np.random.Generator) -> str:
    """4–6 KB of paragraphs, with a made-up name of its own."""
    name = "".join(SYLLABLES[k] for k in rng.integers(0, len(SYLLABLES), 4)).title()
    target = int(rng.integers(4000, 6000))
    out: list[str] = [f"{name} said the talks would go on."]
    size = len(out[0])
    while size < target:
        out.append(paragraphs[int(rng.integers(0, len(paragraphs)))])
        size += len(out[-1]) + 2
    return "\n\n".join(out)


def _quotes(first: int, relevant: list[str], rng: np.random.Generator) -> pa.Table:
    n = len(relevant) * 3
    ids = [a for a in relevant for _ in range(3)]
    speakers = [f"Speaker {i:05d}" for i in rng.integers(0, 20_000, n)]
    return pa.table(
        {
            "quote_id": [f"q{first:09d}-{i:07d}" for i in range(n)],
            "article_id": ids,
            "seq": np.tile(np.arange(3, dtype=np.int32), len(relevant)),
            "quote": ["We will keep talking about the export controls with Tokyo"] * n,
            "speaker": speakers,
            "speaker_kind": ["named"] * n,
            "speaker_canonical": speakers,
            "cue": ["said"] * n,
            "start_char": np.zeros(n, np.int32),
            "end_char": np.full(n, 10, np.int32),
            "extraction_version": ["bench"] * n,
            "speaker_text": speakers,
            "attribution": ["cue"] * n,
        }
    )


def _mentions(relevant: list[str], rng: np.random.Generator) -> pa.Table:
    n = len(relevant) * 10
    which = rng.zipf(1.3, n) % 20_000
    return pa.table(
        {
            "article_id": [a for a in relevant for _ in range(10)],
            "seq": np.tile(np.arange(10, dtype=np.int32), len(relevant)),
            "text": [f"Entity {w:05d}" for w in which],
            "label": [LABELS[w % 5] for w in which],
            "canonical": [f"Entity {w:05d}" for w in which],
            "start_char": np.zeros(n, np.int32),
            "end_char": np.full(n, 5, np.int32),
            "extraction_version": ["bench"] * n,
            "entity_id": [f"e{w:05d}" for w in which],
            "title": [None] * n,
        }
    )


def _log(articles: pa.Table) -> pa.Table:
    n = articles.num_rows
    return pa.table(
        {
            "log_id": [f"l-{a}" for a in articles["article_id"].to_pylist()],
            "run_id": [f"scheduled__{d.date()}" for d in articles["fetched_at"].to_pylist()],
            "requested_at": articles["fetched_at"],
            "source": articles["source"],
            "kind": ["article"] * n,
            "url": articles["url"],
            "status": np.full(n, 200, np.int32),
            "outcome": ["ok"] * n,
            "reason": [None] * n,
            "bytes": np.full(n, 40_000, np.int64),
            "elapsed_ms": np.full(n, 120.0),
        }
    )


def report(rows: list[dict]) -> None:
    print()
    print(
        f"{'articles':>9} {'db MB':>7} {'fts s':>6} {'ingest s':>9} {'rows+ix s':>9} "
        f"{'publ s':>7} {'MB':>5} {'nochg s':>8} {'rerun s':>8} {'MB':>5} "
        f"{'brief s':>8} {'full publ s':>12}"
    )
    for r in rows:
        ingest, rerun = r["ingest"], r["rerun_day"]
        print(
            f"{r['articles']:>9,} {r['db_mb']:>7} {r['fts_build_s']:>6} {ingest['s']:>9} "
            f"{ingest.get('rows_s', '?'):>9} {ingest.get('publish_s', '?'):>7} {ingest['mb']:>5} "
            f"{r['nochange']['s']:>8} "
            f"{rerun['s']:>8} {rerun['mb']:>5} {r['brief']['s']:>8} {r['publish_full_s']:>12}"
        )
    print(
        "(db MB: main file after the build; fts s: full index build; ingest: the daily run "
        "of new pages, whole command, then the load's rows with their search index, and the "
        "snapshot publish, as it logged them, and its peak RSS; nochg: the same run with "
        "nothing new; "
        "rerun: that day again as a backfill, with its peak RSS; brief: tradewatch report "
        "for the day; full publ: a whole snapshot copy, when the archive was built)"
    )


if __name__ == "__main__":
    main()
