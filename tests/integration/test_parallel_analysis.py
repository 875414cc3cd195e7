"""Analysis on several processes, and stages that stream: the rows must not change.

Real spaCy, real worker processes, real DuckDB files; texts are the project's
own dev-set articles, written here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest

from dbstate import content_hashes
from tradewatch import pipeline
from tradewatch.models import Article, to_dict
from tradewatch.nlp import BATCH_SIZE, analyze_stream, analyze_texts
from tradewatch.store import connect, load_batch
from tradewatch.urls import article_id
from tradewatch.workers import PoolStats

GOLD = Path(__file__).resolve().parents[2] / "include" / "gold" / "dev.jsonl"


def _gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


def _articles() -> list[Article]:
    """The dev set as articles, more than two analysis batches of them."""
    stories = _gold() + _gold()[:20]
    assert len(stories) > 2 * BATCH_SIZE
    when = datetime(2023, 8, 14, tzinfo=UTC)
    articles = []
    for i, story in enumerate(stories):
        url = f"https://wire.example/{i}-{story['id']}"
        articles.append(
            Article(
                article_id=article_id(url),
                url=url,
                canonical_url=url,
                source=story["source"],
                title=story["title"],
                text=story["text"] + f"\n\n(Filed as item {i}.)",
                fetched_at=when,
                published_at=when + timedelta(minutes=i),
                content_hash=f"hash-{i}",
            )
        )
    return articles


def test_two_processes_give_the_same_analyses_as_one() -> None:
    items = [(a.title, a.text) for a in _articles()]
    one = analyze_texts(items, full=True, processes=1)
    two = analyze_texts(items, full=True, processes=2)
    assert len(one) == len(items)
    assert sum(len(a.quotes) for a in one) > 100
    assert two == one


def test_off_topic_articles_start_no_worker(tmp_path: Path) -> None:
    """Relevance is scored here; the models (and their workers) are only for the articles
    that pass."""
    off_topic = [(g["title"], g["text"]) for g in _gold() if not g["relevant"]] * 3
    assert len(off_topic) > 2 * BATCH_SIZE
    stats = PoolStats()
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    results = list(analyze_stream(off_topic, spill=tmp_path, processes=2, stats=stats))
    assert len(results) == len(off_topic)
    assert not any(a.relevant for a in results)
    assert stats.processes == 1 and stats.start_ms == 0
    assert {p.pid for p in psutil.Process().children(recursive=True)} == before


def _write(path: Path, articles: list[Article]) -> Path:
    lines = (json.dumps(to_dict(a), ensure_ascii=False) for a in articles)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("processes", ["1", "2"])
def test_analyze_stage_output_does_not_depend_on_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    articles = _write(tmp_path / "articles.jsonl", _articles())
    outputs = {}
    for n in ("1", processes):
        monkeypatch.setenv("TRADEWATCH_NLP_PROCESSES", n)
        ctx = pipeline.RunContext.create(
            sources_file=tmp_path / "unused.yaml",
            db_path=tmp_path / "tw.duckdb",
            data_dir=tmp_path / f"data-{n}",
            relevance_threshold=0.0,
        )
        outputs[n] = Path(pipeline.analyze(ctx, str(articles))).read_bytes()
    assert outputs[processes] == outputs["1"]
    assert outputs["1"].count(b"\n") == len(_articles())


def test_batched_load_stores_what_one_batch_stores(tmp_path: Path) -> None:
    articles = _articles()
    for a, analysis in zip(
        articles,
        analyze_texts([(a.title, a.text) for a in articles], full=True),
        strict=True,
    ):
        a.analysis = analysis
    hashes = {}
    for size in (500, 7):
        con = connect(tmp_path / f"b{size}.duckdb")
        try:
            counts = load_batch(con, iter(articles), [], log_key="run", batch_size=size)
            assert counts.articles_new == len(articles)
            hashes[size] = content_hashes(con)
        finally:
            con.close()
    assert hashes[7] == hashes[500]


def test_a_copy_in_a_later_batch_links_to_its_original(tmp_path: Path) -> None:
    original, *others = _articles()[:5]
    copy = Article(
        **{
            **original.__dict__,
            "article_id": article_id("https://other.example/copy"),
            "url": "https://other.example/copy",
            "canonical_url": "https://other.example/copy",
            "published_at": original.published_at + timedelta(hours=2),
            "analysis": None,
        }
    )
    batch = [original, *others, copy]
    for a, analysis in zip(batch, analyze_texts([(a.title, a.text) for a in batch]), strict=True):
        a.analysis = analysis
    con = connect(tmp_path / "dup.duckdb")
    try:
        counts = load_batch(con, batch, [], log_key="run", batch_size=2)
        linked = con.execute(
            "SELECT duplicate_of FROM articles WHERE article_id = ?", [copy.article_id]
        ).fetchone()
    finally:
        con.close()
    assert linked == (original.article_id,)
    assert counts.duplicates == 1


def test_off_topic_articles_never_import_spacy() -> None:
    """Importing spaCy takes over a second; a stream that nothing passes must not pay it."""
    code = (
        "import sys\n"
        "from tradewatch.nlp import analyze_texts\n"
        "found = analyze_texts([('Rain ahead', 'Heavy rain is expected in Busan on Friday.')])\n"
        "assert not found[0].relevant\n"
        "print('spacy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
