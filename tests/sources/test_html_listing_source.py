"""html_listing source against replica ministry press-release pages on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tradewatch.archive import RawArchive
from tradewatch.config import load_sources
from tradewatch.devserver import serve_directory
from tradewatch.fetching import HttpClient, HttpConfig
from tradewatch.models import SourceSpec
from tradewatch.sources import Discovery, Window, discover_source
from tradewatch.sources.html_listing import parse_listing

REPLICA = Path(__file__).parents[1] / "fixtures/replicas/listings"
FAST = HttpConfig(retries=0, min_host_gap=0)
DAY = Window(datetime(2023, 8, 14, tzinfo=UTC), datetime(2023, 8, 15, tzinfo=UTC))
METI = {"item_selector": "ul.news-list > li", "date_selector": "time"}
MOTIE = {
    "item_selector": "table.board-list tbody tr",
    "link_selector": "td.subject a",
    "title_selector": "td.subject",
    "date_selector": "td.date",
    "date_format": "%Y.%m.%d",
}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_directory(REPLICA) as url:
        yield url


def _discover(
    url: str, tmp_path: Path, options: dict[str, object], window: Window = DAY
) -> Discovery:
    spec = SourceSpec(name="ministry", type="html_listing", url=url, options=options)
    with HttpClient(FAST, allow_private_network=True) as client:
        return discover_source(spec, client, RawArchive(tmp_path), window)


def test_meti_style_list_resolves_links_against_base_href(base: str, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "allow_private_network: true\nsources:\n"
        f"  - name: meti-press\n    type: html_listing\n    url: {base}/english/press/\n"
        "    item_selector: ul.news-list > li\n    date_selector: time\n",
        encoding="utf-8",
    )
    spec = load_sources(sources).get("meti-press")
    with HttpClient(FAST, allow_private_network=True) as client:
        found = discover_source(spec, client, RawArchive(tmp_path), DAY)
    assert found.error is None
    assert [c.url for c in found.candidates] == [
        f"{base}/english/press/2023/0814_002.html",
        f"{base}/english/press/2023/0814_001.html",
        f"{base}/english/policy/external_economy/trade_control/index.html",
    ]
    first, second, undated = found.candidates
    assert first.title == (
        "Cabinet approves amendment to the Export Trade Control Order "
        "concerning the Republic of Korea"
    )
    assert first.published_at == datetime(2023, 8, 14, 8, 0, tzinfo=UTC)
    assert first.published_raw == "2023-08-14T17:00:00+09:00"
    assert second.published_at == datetime(2023, 8, 14, 2, 0, tzinfo=UTC)
    assert undated.published_at is None
    assert {c.source for c in found.candidates} == {"meti-press"}
    [warning] = found.warnings
    assert "without a usable link" in warning and "Public comment form" in warning
    assert RawArchive(tmp_path).read(found.snapshot_path or "").meta["source"] == "meti-press"


def test_motie_style_table_with_a_date_format(base: str, tmp_path: Path) -> None:
    found = _discover(f"{base}/en/pressreleases.html", tmp_path, MOTIE)
    assert [(c.url.removeprefix(base), c.title) for c in found.candidates] == [
        (
            "/en/pressrelease/view?seq=1542&page=1",
            "Korea, Japan agree to restore each other to fast-track export lists",
        ),
        (
            "/en/pressrelease/view?seq=1541&page=1",
            "Minister meets semiconductor materials suppliers in Pyeongtaek",
        ),
    ]
    assert found.candidates[0].published_at == datetime(2023, 8, 14, tzinfo=UTC)
    assert found.candidates[1].published_at is None
    assert any("1 item dates could not be read (e.g. '2023.08.1?')" in w for w in found.warnings)
    assert any("Press releases are also available" in w for w in found.warnings)


def test_unbounded_window_keeps_everything_listed(base: str, tmp_path: Path) -> None:
    found = _discover(f"{base}/english/press/", tmp_path, METI, window=Window())
    assert len(found.candidates) == 5


def test_selector_that_matches_nothing_and_missing_page_are_errors(
    base: str, tmp_path: Path
) -> None:
    redesigned = _discover(f"{base}/english/press/", tmp_path, {"item_selector": "div.cards"})
    assert redesigned.candidates == []
    assert redesigned.error == "item_selector 'div.cards' matched nothing"
    gone = _discover(f"{base}/english/press/old.html", tmp_path, METI)
    assert "listing page fetch failed: http_error: HTTP 404" in (gone.error or "")


def test_http_charset_wins_over_a_wrong_meta_charset() -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body><ul class="news">'
        '<li><a href="view?id=7">한일 수출관리 정책대화 결과</a></li></ul></body></html>'
    ).encode("euc-kr")
    found = parse_listing(
        page,
        "motie-ko",
        page_url="https://ministry.example/ko/news/list",
        options={"item_selector": "ul.news li"},
        encoding="euc-kr",
    )
    [candidate] = found.candidates
    assert candidate.url == "https://ministry.example/ko/news/view?id=7"
    assert candidate.title == "한일 수출관리 정책대화 결과"
