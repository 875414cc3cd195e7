"""The daily brief as a file: what it says, that it is inert and offline, and its folder."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from markupsafe import escape

from reportdb import (
    AHN,
    DAY,
    HOSTILE_ENTITY,
    HOSTILE_QUOTE,
    HOSTILE_TITLE,
    JA_QUOTE,
    JA_TITLE,
    JS_URL,
    KO_QUOTE,
    KO_TITLE,
    add_korean_and_japanese,
    build_report_db,
)
from tradewatch.report import write_brief, write_briefs_after_loads
from tradewatch.report.facts import Period, read_facts
from tradewatch.report.files import LATEST, brief_days, with_day_index
from tradewatch.store import StoreError, connect, migrate
from tradewatch.store.db import MIGRATIONS_DIR


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report_db(tmp_path_factory.mktemp("brief") / "tw.duckdb")


@pytest.fixture(scope="module")
def page(db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("reports")
    result = write_brief(db, out, day=DAY)
    assert result.path == out / f"{DAY}.html" and result.day == DAY
    return result.path.read_text(encoding="utf-8")


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.DOTALL)
    assert match, f"no section {section_id}"
    return match.group(1)


def test_the_page_has_every_part_of_the_brief(page: str) -> None:
    for section in ("headlines", "articles", "topics", "speakers", "mentions", "new-entities"):
        assert f'<section id="{section}">' in page
    assert '<section id="health">' in page
    assert f"Korea–Japan trade brief · {DAY:%A, %d %B %Y}" in page


def test_headlines_compare_with_the_previous_day_and_period(page: str) -> None:
    cards = re.findall(
        r'<div class="name">(.*?)</div>\s*<div class="value">(.*?)</div>',
        _section(page, "headlines"),
    )
    assert dict(cards) == {
        "Relevant articles": "2",  # the copy and the sports story are not counted
        "Quotes": "3",
        "Identified speakers": "2",
        "Sources with news": "2",
        "Newly seen entities": "3",  # hydrogen fluoride, Samsung Electronics, NewCo
    }
    assert "+1</span> vs the day before" in _section(page, "headlines")


def test_quotes_name_their_speaker_and_link_their_article(page: str) -> None:
    speakers = _section(page, "speakers")
    assert f"<h3>{AHN} " in speakers and "Yasutoshi Nishimura" in speakers
    assert "senior official" not in speakers  # a description is not ranked
    assert "We are looking at every option we have" in speakers  # his quote of the day before
    assert '<a href="http://wire.example/a1-day" rel="noopener noreferrer">' in speakers
    # a second-hand quote says whom the article has it from
    relayed = speakers[speakers.index("Dialogue with Seoul will continue") :]
    assert relayed[: relayed.index("</blockquote>")].count("as reported by Kyodo News ·") == 1
    assert speakers.count("as reported by") == 1


def test_korean_and_japanese_news_is_counted_marked_and_ranked_with_the_english(
    db: Path, tmp_path: Path
) -> None:
    mixed = add_korean_and_japanese(Path(shutil.copy(db, tmp_path / "mixed.duckdb")))
    page = write_brief(mixed, tmp_path / "reports", day=DAY).path.read_text(encoding="utf-8")

    languages = re.search(r'<p id="languages"[^>]*>(.*?)</p>', page, re.DOTALL)
    assert languages, "no language breakdown"
    assert languages.group(1) == (
        f"By language: English 2 on {DAY:%b %d} (3 in 30 days) · "
        f"Japanese 1 on {DAY:%b %d} (1 in 30 days) · Korean 1 on {DAY:%b %d} (1 in 30 days)"
    )
    articles = _section(page, "articles")
    assert '<span class="chip lang">KO</span> <span lang="ko">' in articles
    assert '<span class="chip lang">JA</span> <span lang="ja">' in articles
    assert str(escape(KO_TITLE)) in articles
    assert JA_TITLE in articles and articles.count('class="chip lang"') == 2

    speakers = _section(page, "speakers")
    ahn = speakers[speakers.index(f"<h3>{AHN} ") :].split('<div class="speaker">')[0]
    assert f'<blockquote lang="ko">\n      “{KO_QUOTE}”' in ahn  # under his English name
    assert "3 quotes in 3 articles" in ahn
    nishimura = speakers[speakers.index("<h3>Yasutoshi Nishimura ") :]
    assert f'<blockquote lang="ja">\n      “{JA_QUOTE}”' in nishimura
    assert '<blockquote lang="en">' in nishimura


def test_untrusted_text_stays_text(page: str) -> None:
    parsed = _parse(page)
    assert not [tag for tag, _ in parsed.tags if tag in ("script", "img", "iframe", "object")]
    assert not [a for tag, a in parsed.tags if any(k.startswith("on") for k in a)]
    text = "".join(parsed.text)
    assert HOSTILE_TITLE in text and HOSTILE_QUOTE in text and HOSTILE_ENTITY in text
    hrefs = [a.get("href") or "" for tag, a in parsed.tags if tag == "a"]
    assert not [h for h in hrefs if not re.match(r"^(https?://|\d{4}-\d{2}-\d{2}\.html$)", h)]
    assert JS_URL not in hrefs and "Tokyo says white list talks will continue" in text


def test_the_page_needs_no_network_and_no_javascript(page: str) -> None:
    parsed = _parse(page)
    assert not [a for _, a in parsed.tags if a.get("src")]
    assert not [a for tag, a in parsed.tags if tag == "link"]
    assert "@import" not in page and "url(" not in page
    csp = [
        a["content"] for tag, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]


def test_charts_are_inline_svg_with_marks(page: str) -> None:
    topics = _section(page, "topics")
    assert topics.count("<svg") == 1 and 'class="mark-rect role-mark' in topics
    for legend in ("export controls", "semiconductor materials", "white list"):
        assert f">{legend}</text>" in topics
    mentions = _section(page, "mentions")
    assert mentions.count("<svg") == 2 and mentions.count('class="mark-rect role-mark') == 2
    assert "NewCo &lt;b&gt;Chem&lt;/b&gt;</text>" in mentions  # Vega escapes it too


def test_materials_and_new_entities(page: str) -> None:
    materials = _section(page, "mentions").split('<div id="organisations">')[0]
    rows = re.findall(r"<tr><td>(.*?)</td>", materials)
    assert rows[0].startswith("photoresist") and "badge-new" not in rows[0]  # seen 40 days ago
    assert rows[1].startswith("hydrogen fluoride") and "badge-new" in rows[1]
    new = _section(page, "new-entities")
    assert "NewCo &lt;b&gt;Chem&lt;/b&gt;" in new and "photoresist" not in new


def test_health_shows_failures_with_reasons_and_pending_retries(page: str) -> None:
    health = _section(page, "health")
    assert "HTTP 503 after 3 tries" in health and "404 Not Found" in health
    assert '<td class="status-bad">partial</td>' in health
    assert "1 article fetch waiting for a later run; 1 given up." in health
    assert "read timed out after 20 s" in health and "no_history" in health


def test_an_empty_day_says_so_and_points_to_the_latest_news(db: Path, tmp_path: Path) -> None:
    result = write_brief(db, tmp_path, day=DAY - timedelta(days=10))
    html = result.path.read_text(encoding="utf-8")
    assert f"No relevant articles were published on {DAY - timedelta(days=10)}." in html
    assert f"The latest relevant news before it is from {DAY - timedelta(days=40)}." in html
    assert "<svg" not in _section(html, "topics")  # nothing in the window


def test_an_empty_database_gives_a_page(tmp_path: Path) -> None:
    connect(tmp_path / "empty.duckdb").close()
    result = write_brief(tmp_path / "empty.duckdb", tmp_path / "out")
    html = result.path.read_text(encoding="utf-8")
    assert result.day == datetime.now(UTC).date()
    assert "The database holds no relevant articles up to this day yet." in html
    assert "No run has been loaded yet." in html and "<svg" not in html


def test_an_old_database_without_the_views_is_a_clear_error(tmp_path: Path) -> None:
    old = tmp_path / "migrations"
    old.mkdir()
    for file in sorted(MIGRATIONS_DIR.glob("*.sql"))[:6]:
        shutil.copy(file, old / file.name)
    raw = duckdb.connect(str(tmp_path / "older.duckdb"))
    migrate(raw, old)
    raw.close()
    with pytest.raises(StoreError, match="before migration 014 \\(it has 006\\)"):
        write_brief(tmp_path / "older.duckdb", tmp_path / "out")
    with pytest.raises(StoreError, match="does not exist"):
        write_brief(tmp_path / "missing.duckdb", tmp_path / "out")


def test_the_default_day_is_the_latest_news_up_to_today(db: Path, tmp_path: Path) -> None:
    result = write_brief(db, tmp_path)
    assert result.day == DAY + timedelta(days=2)
    assert write_brief(db, tmp_path, not_after=DAY + timedelta(days=1)).day == DAY


def test_latest_is_the_newest_day_and_lists_every_day(db: Path, tmp_path: Path) -> None:
    write_brief(db, tmp_path, day=DAY)
    write_brief(db, tmp_path, day=DAY - timedelta(days=1))  # written later, older day
    assert brief_days(tmp_path) == [DAY, DAY - timedelta(days=1)]
    latest = (tmp_path / LATEST).read_text(encoding="utf-8")
    assert f'<meta name="tradewatch-brief-day" content="{DAY}">' in latest
    assert f'<strong aria-current="page">{DAY}</strong>' in latest
    assert f'<a href="{DAY - timedelta(days=1)}.html">' in latest
    first = (tmp_path / f"{DAY}.html").read_text(encoding="utf-8")
    assert f'href="{DAY - timedelta(days=1)}.html"' not in first  # it was not there yet
    refreshed = with_day_index(first, brief_days(tmp_path), DAY)
    assert f'href="{DAY - timedelta(days=1)}.html"' in refreshed
    assert not list(tmp_path.glob(".*.tmp"))


def test_loads_ask_for_the_brief_of_their_interval(db: Path, tmp_path: Path) -> None:
    results = write_briefs_after_loads(
        db,
        tmp_path,
        [f"{DAY + timedelta(days=1)}T00:00:00+00:00", None, f"{DAY + timedelta(days=1)}T00:00:00Z"],
    )
    assert [r.day for r in results] == [DAY, DAY + timedelta(days=2)]
    assert [r.day for r in write_briefs_after_loads(db, tmp_path, [])] == [DAY + timedelta(days=2)]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewatch", "report", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_writes_the_brief_and_fails_cleanly(db: Path, tmp_path: Path) -> None:
    done = _cli("--db", str(db), "--out", str(tmp_path), "--date", str(DAY), "--days", "7")
    assert done.returncode == 0, done.stderr
    assert f"wrote the brief for {DAY} to {tmp_path / f'{DAY}.html'}" in done.stdout
    html = " ".join((tmp_path / f"{DAY}.html").read_text(encoding="utf-8").split())
    assert f"trends over the 7 days {DAY - timedelta(days=6)} – {DAY}" in html
    missing = _cli("--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert _cli("--date", "2026-13-01").returncode == 2
    assert _cli("--days", "0").returncode == 2


def test_the_brief_ranks_speakers_as_report_daily_speakers_counts_them(db: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        period = Period(DAY, 30)
        brief = {s.name: (s.quotes, s.articles) for s in read_facts(con, period).speakers}
        view = con.execute(
            "SELECT speaker, sum(quotes), sum(articles) FROM report_daily_speakers "
            "WHERE day BETWEEN ? AND ? GROUP BY speaker",
            [period.start, period.day],
        ).fetchall()
    assert brief == {name: (q, a) for name, q, a in view}


def test_the_brief_dates_entities_as_report_entity_first_seen_does(db: Path) -> None:
    """The brief looks up the first day of the window's entities only, and finds the one
    the view over the whole archive gives, however long before the window it was."""
    with duckdb.connect(str(db), read_only=True) as con:
        facts = read_facts(con, Period(DAY, 7))
        shown = {
            (e.label, e.canonical): e.first_day
            for e in facts.materials + facts.organisations + facts.new_entities
        }
        view = dict(
            ((label, canonical), first_day)
            for label, canonical, first_day in con.execute(
                "SELECT label, canonical, first_day FROM report_entity_first_seen"
            ).fetchall()
        )
    assert shown and {key: view[key] for key in shown} == shown
    assert min(shown.values()) < DAY - timedelta(days=7)  # photoresist, 40 days before
