"""Time the daily brief on a large synthetic database and print the numbers.

Usage: ``.venv/bin/python benchmarks/bench_report.py [--articles N] [--quotes N]
[--mentions N] [--runs N] [--keep DIR]`` (default 100k articles, 300k quotes, 1M mentions).

Builds a DuckDB file with the project's migrations and fills it through Arrow: a year of
relevant and irrelevant articles over ten topics and eight sources, quotes by a few thousand
speakers of every kind, mentions of a few thousand entities, and a run ledger with fetch
failures and pending retries. Then it runs ``tradewatch report`` as its own process (what
the DAG task and a user run), ``--runs`` times, and prints each run's wall time, the
report's own breakdown (queries, charts, page) and the peak RSS of that process. This is a
benchmark, not a test: the target is at most 5 s per brief on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from tradewatch.store import connect

TOPICS = [
    "export_controls",
    "white_list",
    "wto_dispute",
    "semiconductor_materials",
    "boycott",
    "normalization_summit",
    "forced_labor_ruling_link",
    "economic_security",
    "currency_swap",
    "localization_supply_chain",
]
SOURCES = ["yonhap", "herald", "koreatimes", "japantimes", "mainichi", "kyodo", "nhk", "gdelt"]
KINDS = ["named", "named", "named", "pronoun", "organisation", "descriptor", "document", "unknown"]
LABELS = ["PERSON", "ORG", "GPE", "MATERIAL", "POLICY", "NORP", "LOC"]


def _articles(n: int, now: datetime, rng: np.random.Generator) -> pa.Table:
    seconds = rng.integers(0, 365 * 86400, n)
    published = [now - timedelta(seconds=int(s)) for s in seconds]
    relevant = rng.random(n) < 0.7
    topic_idx = rng.integers(0, len(TOPICS), (n, 3))
    topic_len = rng.integers(1, 4, n)
    ids = [f"a{i:015d}" for i in range(n)]
    return pa.table(
        {
            "article_id": ids,
            "url": [f"https://news.example/{i}" for i in ids],
            "canonical_url": [f"https://news.example/{i}" for i in ids],
            "source": [SOURCES[i] for i in rng.integers(0, len(SOURCES), n)],
            "title": [f"Korea-Japan trade story {i} <b>&</b>" for i in range(n)],
            "published_at": pa.array(published, pa.timestamp("us", tz="UTC")),
            "published_offset": ["+09:00"] * n,
            "published_from": ["jsonld"] * n,
            "fetched_at": pa.array(published, pa.timestamp("us", tz="UTC")),
            "lang": ["en"] * n,
            "relevant": relevant,
            "relevance": np.where(relevant, 0.8, 0.1),
            "topics": [
                sorted({TOPICS[t] for t in topic_idx[i, : topic_len[i]]}) if relevant[i] else []
                for i in range(n)
            ],
            "relevance_evidence": [["export controls"]] * n,
            "text": ["Seoul and Tokyo said trade talks would continue."] * n,
            "content_hash": [f"h{i}" for i in range(n)],
            "duplicate_of": [None] * n,
            "raw_path": [None] * n,
            "extraction_version": ["bench"] * n,
        }
    )


def _quotes(n: int, article_ids: list[str], rng: np.random.Generator) -> pa.Table:
    speakers = [f"Speaker {i:04d}" for i in range(3000)]
    who = rng.integers(0, len(speakers), n)
    kinds = [KINDS[k] for k in rng.integers(0, len(KINDS), n)]
    named = [k in ("named", "pronoun", "organisation") for k in kinds]
    return pa.table(
        {
            "quote_id": [f"q{i:015d}" for i in range(n)],
            "article_id": [article_ids[i] for i in rng.integers(0, len(article_ids), n)],
            "seq": rng.integers(0, 5, n).astype(np.int32),
            "quote": [f"We will keep talking about export controls, number {i}" for i in range(n)],
            "speaker": [speakers[w] if ok else None for w, ok in zip(who, named, strict=True)],
            "speaker_kind": kinds,
            "speaker_canonical": [
                speakers[w] if ok else None for w, ok in zip(who, named, strict=True)
            ],
            "cue": ["said"] * n,
            "start_char": np.zeros(n, np.int32),
            "end_char": np.full(n, 10, np.int32),
            "extraction_version": ["bench"] * n,
            "speaker_entity_id": [None] * n,
            "speaker_text": [speakers[w] for w in who],
            "attribution": ["cue"] * n,
        }
    )


def _mentions(n: int, article_ids: list[str], rng: np.random.Generator) -> pa.Table:
    names = [(LABELS[i % len(LABELS)], f"Entity {i:05d}") for i in range(5000)]
    which = rng.zipf(1.3, n) % len(names)
    return pa.table(
        {
            "article_id": [article_ids[i] for i in rng.integers(0, len(article_ids), n)],
            "seq": rng.integers(0, 50, n).astype(np.int32),
            "text": [names[w][1] for w in which],
            "label": [names[w][0] for w in which],
            "canonical": [names[w][1] for w in which],
            "start_char": np.zeros(n, np.int32),
            "end_char": np.full(n, 5, np.int32),
            "extraction_version": ["bench"] * n,
            "entity_id": [f"e{w:05d}" for w in which],
            "title": [None] * n,
        }
    )


# The entities of the bulk-inserted mentions, dated as loads date them.
ENTITIES_FROM_MENTIONS = (
    "INSERT INTO entities (entity_id, label, canonical, extraction_version, first_day) "
    "SELECT entity_id, any_value(label), any_value(canonical), 'bench', min(day) "
    "FROM entity_mentions GROUP BY entity_id ON CONFLICT DO NOTHING"
)


def with_day(table: str) -> str:
    """The rows registered as ``staged`` for ``table``, with the publication day a load
    stores on articles, quotes and mentions (insert the articles first)."""
    if table == "articles":
        return (
            "SELECT *, (coalesce(published_at, fetched_at) AT TIME ZONE 'UTC')::DATE AS day "
            "FROM staged"
        )
    if table in ("quotes", "entity_mentions"):
        return "SELECT s.*, a.day FROM staged s JOIN articles a USING (article_id)"
    return "SELECT * FROM staged"


def build(path: Path, articles: int, quotes: int, mentions: int) -> None:
    rng = np.random.default_rng(7)
    now = datetime.now(UTC)
    con = connect(path)
    try:
        table = _articles(articles, now, rng)
        ids, relevant = table["article_id"].to_pylist(), table["relevant"].to_pylist()
        relevant_ids = [a for a, r in zip(ids, relevant, strict=True) if r]
        for name, data in (
            ("articles", table),
            ("quotes", _quotes(quotes, relevant_ids, rng)),
            ("entity_mentions", _mentions(mentions, relevant_ids, rng)),
        ):
            con.register("staged", data)
            con.execute(f"INSERT INTO {name} BY NAME {with_day(name)}")
            con.unregister("staged")
        con.execute(ENTITIES_FROM_MENTIONS)
        for day in range(30):
            run_id = f"scheduled__{day:02d}"
            when = now - timedelta(days=day)
            counts = {"discover": {"sources_polled": 8, "sources_failed": int(day % 3 == 0)}}
            con.execute(
                "INSERT INTO pipeline_runs VALUES (?, 'scheduled', ?, ?, ?, ?, 'ok', ?, 'bench', "
                "'bench', NULL, NULL, NULL)",
                [run_id, when - timedelta(days=1), when, when, when, json.dumps(counts)],
            )
            for i, source in enumerate(SOURCES):
                failed = day % 3 == 0 and i == 0
                con.execute(
                    "INSERT INTO fetch_log VALUES (?, ?, ?, ?, 'poll', ?, ?, ?, ?, 0, 1)",
                    [
                        f"{run_id}-{i}",
                        run_id,
                        when,
                        source,
                        f"https://{source}.example/feed",
                        503 if failed else 200,
                        "failed" if failed else "ok",
                        "HTTP 503 after 3 tries" if failed else None,
                    ],
                )
    finally:
        con.close()


def run_report(db: Path, out: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and the report's own timing line of one CLI run."""
    with tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tradewatch", "report", "--db", str(db), "--out", str(out)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"report failed:\n{text}")
    timing = re.search(r"written to .* in (.*)$", text, re.MULTILINE)
    return wall, usage.ru_maxrss / 1024, timing.group(1) if timing else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--quotes", type=int, default=300_000)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_report_"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.duckdb"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    build(db, args.articles, args.quotes, args.mentions)
    print(
        f"built {db} ({args.articles:,} articles, {args.quotes:,} quotes, "
        f"{args.mentions:,} mentions; {db.stat().st_size / 2**20:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    for run in range(1, args.runs + 1):
        load = os.getloadavg()[0]
        wall, peak, timing = run_report(db, folder / "reports")
        print(
            f"  report run {run}: {wall:5.2f} s wall, peak RSS {peak:6.1f} MB  ({timing}; "
            f"load average {load:.1f} on {os.cpu_count()} cores)"
        )
    print(f"  brief: {folder / 'reports' / 'latest.html'}")


if __name__ == "__main__":
    main()
