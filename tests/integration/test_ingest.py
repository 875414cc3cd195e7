"""``tradewatch ingest`` for real: the fixture site over HTTP, spaCy, a DuckDB file.

The CLI runs as a subprocess, exactly as a user runs it; expectations come from
``tests/fixtures/site/EXPECTED.yaml``, written with the site.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from clirun import run_cli
from tradewatch.store import snapshot_path
from tradewatch.store.fetch_state import normalize_title
from tradewatch.urls import article_id, canonicalize_url

CONTENT_TABLES = ("articles", "quotes", "entity_mentions")


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in CONTENT_TABLES
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, site_url: str, make_sources) -> dict:
    """Ingest the fixture site twice into one database; keep both runs' results."""
    tmp = tmp_path_factory.mktemp("ingest")
    sources = make_sources(tmp / "sources.yaml")
    db, data = tmp / "tw.duckdb", tmp / "data"
    first = run_cli("ingest", "--sources", sources, "--db", db, "--data-dir", data)
    assert first.returncode == 0, first.stderr
    after_first = dump(db)
    snapshot = snapshot_path(db)
    snapshot_first = (snapshot.stat().st_mtime_ns, snapshot.read_bytes())
    con = duckdb.connect(str(db), read_only=True)
    log_rows_first = con.execute("SELECT count(*) FROM fetch_log").fetchone()[0]
    con.close()
    second = run_cli("ingest", "--sources", sources, "--db", db, "--data-dir", data)
    assert second.returncode == 0, second.stderr
    return {
        "db": db,
        "data": data,
        "base": site_url,
        "first": json.loads(first.stdout.strip().splitlines()[-1]),
        "second": json.loads(second.stdout.strip().splitlines()[-1]),
        "after_first": after_first,
        "snapshot_first": snapshot_first,
        "log_rows_first": log_rows_first,
    }


@pytest.fixture(scope="module")
def con(ingested: dict[str, Any]):
    connection = duckdb.connect(str(ingested["db"]), read_only=True)
    yield connection
    connection.close()


def _url(entry: dict[str, Any], base: str) -> str:
    return entry["canonical_url"].replace("__BASE__", base)


def _row(con: duckdb.DuckDBPyConnection, aid: str) -> dict[str, Any]:
    cur = con.execute("SELECT * FROM articles WHERE article_id = ?", [aid])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None, f"article {aid} not stored"
    return dict(zip(names, row, strict=True))


def test_every_article_stored_with_clean_canonical_url(con, ingested, expected) -> None:
    stored = {r[0] for r in con.execute("SELECT canonical_url FROM articles").fetchall()}
    wanted = {_url(e, ingested["base"]) for e in expected}
    assert stored == wanted
    assert not any("utm_" in u for u in stored)
    ids = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
    assert ids == {article_id(u) for u in wanted}


def test_dedup_keys_stored_for_every_article(con) -> None:
    """The keys the fetch stage looks candidates up by are the selection's own."""
    rows = con.execute(
        "SELECT url, canonical_url, title, url_key, canonical_key, title_key FROM articles"
    ).fetchall()
    assert rows
    for url, canonical, title, *keys in rows:
        folded = None if title is None else normalize_title(title)
        assert keys == [canonicalize_url(url), canonicalize_url(canonical), folded]


def test_published_times_in_utc_with_source_offset(con, ingested, expected) -> None:
    for entry in expected:
        row = _row(con, article_id(_url(entry, ingested["base"])))
        want = datetime.fromisoformat(entry["published_at_utc"].replace("Z", "+00:00"))
        assert row["published_at"].astimezone(UTC) == want, entry["path"]
        assert row["published_offset"] == entry["published_offset"], entry["path"]
        assert row["published_from"] == entry["published_from"], entry["path"]


def test_boilerplate_not_in_text(con, ingested, expected) -> None:
    for entry in expected:
        text = _row(con, article_id(_url(entry, ingested["base"])))["text"]
        assert len(text.split()) > 150, entry["path"]
        for junk in entry["must_not_appear_in_text"]:
            assert junk not in text, (entry["path"], junk)


def test_relevance_matches_gold(con, ingested, expected) -> None:
    wrong = [
        (e["path"], e["relevant"])
        for e in expected
        if _row(con, article_id(_url(e, ingested["base"])))["relevant"] != e["relevant"]
    ]
    assert wrong == []
    topics = con.execute("SELECT topics FROM articles WHERE relevant").fetchall()
    assert all(t for (t,) in topics)


def test_syndicated_copy_linked_and_not_double_counted(con, ingested, expected) -> None:
    base = ingested["base"]
    copies = [e for e in expected if e["duplicate_of"]]
    assert copies
    by_path = {e["path"]: e for e in expected}
    for entry in copies:
        copy_id = article_id(_url(entry, base))
        original_id = article_id(_url(by_path[entry["duplicate_of"]], base))
        assert _row(con, copy_id)["duplicate_of"] == original_id
        assert (
            con.execute("SELECT count(*) FROM quotes WHERE article_id = ?", [copy_id]).fetchone()[0]
            == 0
        )
        assert (
            con.execute(
                "SELECT count(*) FROM quotes WHERE article_id = ?", [original_id]
            ).fetchone()[0]
            > 0
        )


def test_quotes_and_speakers_are_exactly_the_gold(con, ingested, expected) -> None:
    """Every relevant original article stores exactly its gold quotes, in order, with the
    gold speaker (canonical name, or the descriptor) and kind; the parts of a split or
    multi-paragraph quote are one quote (include/gold/README.md)."""
    for entry in expected:
        if not entry["relevant"] or entry["duplicate_of"]:
            continue
        aid = article_id(_url(entry, ingested["base"]))
        stored = con.execute(
            "SELECT quote, coalesce(speaker_canonical, speaker), speaker_kind, attribution "
            "FROM quotes WHERE article_id = ? ORDER BY seq",
            [aid],
        ).fetchall()
        gold = entry["quotes"]
        assert [q[0][: len(g["opening"])] for q, g in zip(stored, gold, strict=False)] == [
            g["opening"] for g in gold
        ][: len(stored)], entry["path"]
        assert len(stored) == len(gold), (entry["path"], [q[0][:40] for q in stored])
        for (text, speaker, kind, attribution), g in zip(stored, gold, strict=True):
            assert (speaker, kind) == (g["speaker"], g["speaker_kind"]), (entry["path"], text)
            assert attribution is not None, (entry["path"], text)
            if "continuation" in g:
                assert g["continuation"] in text, (entry["path"], g["continuation"])


def test_every_quote_is_in_its_article(con) -> None:
    rows = con.execute(
        "SELECT q.quote, q.start_char, q.end_char, a.text FROM quotes q JOIN articles a "
        "USING (article_id)"
    ).fetchall()
    assert rows
    for quote, start, end, text in rows:
        span = text[start:end]
        first_part = quote.split(" ")[0]
        assert span.startswith(first_part) or span[1:].startswith(first_part), (quote, span)
        assert quote[:20] in text


def test_scare_quotes_are_not_quotes(con, ingested, expected) -> None:
    for entry in expected:
        aid = article_id(_url(entry, ingested["base"]))
        stored = {
            r[0]
            for r in con.execute("SELECT quote FROM quotes WHERE article_id = ?", [aid]).fetchall()
        }
        for term in entry.get("not_quotes", []):
            assert term not in stored, (entry["path"], term)


def test_materials_and_people_found(con, ingested, expected) -> None:
    wanted = found = 0
    for entry in expected:
        if not entry["relevant"] or entry["duplicate_of"]:
            continue
        aid = article_id(_url(entry, ingested["base"]))
        rows = con.execute(
            "SELECT label, canonical FROM entity_mentions WHERE article_id = ?", [aid]
        ).fetchall()
        materials = {c for label, c in rows if label == "MATERIAL"}
        assert set(entry["materials"]) <= materials, entry["path"]
        persons = {c for label, c in rows if label == "PERSON"}
        wanted += len(entry["persons"])
        found += len(set(entry["persons"]) & persons)
    assert found / wanted >= 0.8


def test_fetch_log_records_polls_and_pages(con, ingested, expected) -> None:
    def outcomes(run_id: str) -> dict[tuple[str, str], int]:
        rows = con.execute(
            "SELECT kind, outcome, count(*) FROM fetch_log WHERE run_id = ? GROUP BY ALL",
            [run_id],
        ).fetchall()
        return {(kind, outcome): n for kind, outcome, n in rows}

    first = outcomes(ingested["first"]["run_id"])
    assert first[("article", "ok")] == len(expected)
    assert first[("feed", "ok")] == 4
    assert first[("poll", "ok")] == 4
    second = outcomes(ingested["second"]["run_id"])
    assert second[("feed", "not_modified")] == 4
    assert second[("poll", "ok")] == 4
    assert ("article", "ok") not in second and ("feed", "ok") not in second


def test_second_run_changes_nothing_and_fetches_no_article(ingested, con) -> None:
    assert dump(ingested["db"]) == ingested["after_first"]
    assert ingested["first"]["articles_new"] == 15
    assert ingested["second"]["articles_new"] == 0
    assert ingested["second"]["articles_updated"] == 0
    article_fetches = con.execute(
        "SELECT count(*) FROM fetch_log WHERE kind = 'article' AND run_id = ?",
        [ingested["second"]["run_id"]],
    ).fetchone()[0]
    assert article_fetches == 0


def test_a_run_with_nothing_new_publishes_its_run(ingested, con) -> None:
    """No article changed, but the snapshot is republished, so readers see the run, its
    polls and its counts, and still search every article."""
    assert ingested["first"]["nothing_changed"] is False
    assert ingested["second"]["nothing_changed"] is True
    run_id = ingested["second"]["run_id"]
    snapshot = snapshot_path(ingested["db"])
    assert snapshot.stat().st_mtime_ns > ingested["snapshot_first"][0]
    with duckdb.connect(str(snapshot), read_only=True) as published:
        (counts,) = published.execute(
            "SELECT counts->'load'->>'nothing_changed' FROM pipeline_runs WHERE run_id = ?",
            [run_id],
        ).fetchone()
        polls = published.execute(
            "SELECT count(*) FROM fetch_log WHERE run_id = ? AND kind = 'poll'", [run_id]
        ).fetchone()[0]
        assert (
            published.execute("SELECT count(*) FROM articles").fetchone()
            == con.execute("SELECT count(*) FROM articles").fetchone()
            == published.execute("SELECT num_docs FROM fts_main_articles.stats").fetchone()
        )
    assert counts == "true"
    assert polls == 4


def test_raw_archive_holds_every_page(ingested, expected) -> None:
    pages = list((ingested["data"] / "raw").glob("*/*/*/articles/*.gz"))
    feeds = list((ingested["data"] / "raw").glob("*/*/*/feeds/*.gz"))
    assert len(pages) == len(expected)
    assert len(feeds) >= 4
    assert not list((ingested["data"] / "raw").rglob("*.tmp"))


def test_requests_went_through_the_host_lease(ingested) -> None:
    """Every request took its host's cross-process lease under ``<data_dir>/hosts/``."""
    port = urlsplit(ingested["base"]).port
    leases = list((ingested["data"] / "hosts").iterdir())
    assert [p.name for p in leases] == [f"127.0.0.1-{port}.lock"]
    assert json.loads(leases[0].read_text())["end"] is not None


def test_fts_search_over_articles(con) -> None:
    from tradewatch.store.db import fts_extension_path

    con.execute(f"LOAD '{fts_extension_path()}'")
    hits = con.execute(
        "SELECT count(*) FROM (SELECT fts_main_articles.match_bm25(article_id, 'photoresist') "
        "AS s FROM articles) WHERE s IS NOT NULL"
    ).fetchone()[0]
    assert hits >= 1


@pytest.mark.parametrize(
    ("sources_text", "message"),
    [("sources: [", "not valid YAML"), ("sources: []", "lists no sources")],
)
def test_bad_sources_file_exits_2_with_one_line(tmp_path: Path, sources_text, message) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(sources_text)
    result = run_cli(
        "ingest", "--sources", sources, "--db", tmp_path / "x.duckdb", "--data-dir", tmp_path
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_unwritable_db_path_exits_2(tmp_path: Path, make_sources) -> None:
    sources = make_sources(tmp_path / "s.yaml")
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("file")
    result = run_cli(
        "ingest",
        "--sources",
        sources,
        "--db",
        blocker / "tw.duckdb",
        "--data-dir",
        tmp_path / "data",
    )
    assert result.returncode == 2
    assert "cannot" in result.stderr and "Traceback" not in result.stderr


def test_broken_source_is_logged_and_run_succeeds(tmp_path: Path, make_sources) -> None:
    feeds = [
        ("yonhap", "rss", "yonhap/feed.xml"),
        ("gone", "rss", "nope/feed.xml"),
        ("page", "rss", "yonhap/2023/08/14/semiconductor-materials.html"),
    ]
    sources = make_sources(tmp_path / "s.yaml", feeds)
    db = tmp_path / "tw.duckdb"
    result = run_cli("ingest", "--sources", sources, "--db", db, "--data-dir", tmp_path / "d")
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    failures = dict(
        con.execute(
            "SELECT source, outcome || ': ' || reason FROM fetch_log "
            "WHERE kind = 'poll' AND outcome <> 'ok'"
        ).fetchall()
    )
    stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert "404" in failures["gone"]
    assert "not an RSS/Atom" in failures["page"]
    assert stored == 5
