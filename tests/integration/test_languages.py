"""Pages in several languages through ``tradewatch ingest``: each stored under the language
its text is written in, a mislabelled page caught, a language with no pipeline stored,
scored irrelevant without a model, and counted.

The site (``tests/fixtures/languages``) is served for real; the pages were written here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from clirun import run_cli
from tradewatch.devserver import serve_directory
from tradewatch.store import snapshot_path
from tradewatch.store.db import load_fts

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "languages"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("languages")
    with serve_directory(SITE) as base:
        sources = tmp / "sources.yaml"
        doc = {
            "allow_private_network": True,
            "min_host_gap_seconds": 0,
            "sources": [{"name": "mixed", "type": "rss", "url": f"{base}/feed.xml"}],
        }
        sources.write_text(yaml.safe_dump(doc), encoding="utf-8")
        db = tmp / "tw.duckdb"
        done = run_cli("ingest", "--sources", sources, "--db", db, "--data-dir", tmp / "data")
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT regexp_extract(url, '[^/]+$'), lang, lang_declared, relevant, relevance "
            "FROM articles"
        ).fetchall()
        scored = con.execute(
            "SELECT regexp_extract(url, '[^/]+$'), topics, relevance_evidence FROM articles"
        ).fetchall()
        (counts,) = con.execute("SELECT counts FROM pipeline_runs").fetchone()
    with duckdb.connect(str(snapshot_path(db)), read_only=True) as con:
        load_fts(con)
        found = {
            query: [
                row[0]
                for row in con.execute(
                    "SELECT regexp_extract(url, '[^/]+$') FROM (SELECT *, "
                    "fts_main_articles.match_bm25(article_id, tw_search_terms(?)) AS score "
                    "FROM articles) WHERE score IS NOT NULL ORDER BY score DESC",
                    [query],
                ).fetchall()
            ]
            for query in ("수출규제", "輸出管理", "white lists")
        }
    return {
        "search": found,
        "articles": {name: row for name, *row in rows},
        "scored": {name: (topics, evidence) for name, topics, evidence in scored},
        "counts": json.loads(counts),
        "log": done.stderr,
    }


def test_every_page_is_stored_under_the_language_of_its_text(ingested: dict) -> None:
    langs = {
        name: (lang, declared) for name, (lang, declared, _, _) in ingested["articles"].items()
    }
    assert langs == {
        "ko-supply-chain-talks.html": ("ko", "ko"),
        "ja-export-control-talks.html": ("ja", "ja"),
        "zh-trade-ministers.html": ("zh", "zh"),
        "ko-labelled-english.html": ("ko", "en"),
        "en-white-list.html": ("en", "en"),
    }


def test_a_page_whose_declaration_its_text_contradicts_is_logged(ingested: dict) -> None:
    assert ingested["counts"]["extract"]["lang_relabelled"] == 1
    assert "ko-labelled-english.html (declared en, text ko)" in ingested["log"]


def test_a_language_with_no_pipeline_is_stored_irrelevant_and_counted(ingested: dict) -> None:
    _, _, relevant, relevance = ingested["articles"]["zh-trade-ministers.html"]
    assert (relevant, relevance) == (False, 0.0)
    analyze = ingested["counts"]["analyze"]
    assert (analyze["lang_zh"], analyze["lang_en"], analyze["lang_ko"], analyze["lang_ja"]) == (
        1,
        1,
        2,
        1,
    )
    assert analyze["unsupported_lang"] == 1
    assert "language with no analysis (" in ingested["log"] and "zh" in ingested["log"]
    assert ingested["articles"]["en-white-list.html"][2] is True


def test_a_language_with_no_pipeline_loads_no_model() -> None:
    code = (
        "import sys\n"
        "from tradewatch.nlp import analyze_texts\n"
        f"text = {(SITE / 'zh-trade-ministers.html').read_text(encoding='utf-8')!r}\n"
        "[found] = analyze_texts([(None, text)], full=True)\n"
        "print(found.lang, found.relevant, 'spacy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["zh", "False", "False"]


def test_korean_and_japanese_articles_are_scored_with_their_evidence(ingested: dict) -> None:
    for name in (
        "ko-supply-chain-talks.html",
        "ja-export-control-talks.html",
        "ko-labelled-english.html",
    ):
        _, _, relevant, relevance = ingested["articles"][name]
        assert relevant is True and relevance >= 0.5, (name, relevance)
    topics, evidence = ingested["scored"]["ko-supply-chain-talks.html"]
    assert {"export_controls", "semiconductor_materials"} <= set(topics)
    assert any("수출규제" in line for line in evidence), evidence
    topics, evidence = ingested["scored"]["ja-export-control-talks.html"]
    assert {"export_controls", "white_list"} <= set(topics)
    assert any("ホワイト国" in line for line in evidence), evidence
    assert "boycott" in ingested["scored"]["ko-labelled-english.html"][0]


def test_the_snapshot_searches_in_korean_and_japanese(ingested: dict) -> None:
    """The README's queries, on the analysts' read-only snapshot."""
    assert set(ingested["search"]["수출규제"]) == {
        "ko-supply-chain-talks.html",
        "ko-labelled-english.html",
    }
    assert ingested["search"]["輸出管理"] == ["ja-export-control-talks.html"]
    assert ingested["search"]["white lists"] == ["en-white-list.html"]
