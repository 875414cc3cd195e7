"""json_feed source against a replica news-list API and a JSON Feed on 127.0.0.1."""

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
from tradewatch.sources.json_feed import parse_json_feed

REPLICA = Path(__file__).parents[1] / "fixtures/replicas"
FAST = HttpConfig(retries=0, min_host_gap=0)
DAY = Window(datetime(2023, 8, 14, tzinfo=UTC), datetime(2023, 8, 15, tzinfo=UTC))
NEWS_LIST = {
    "items_path": "data",
    "url_field": "page_url",
    "title_field": "title",
    "date_field": "updated_at",
    "summary_field": "description",
}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_directory(REPLICA) as url:
        yield url


def _discover(
    url: str, tmp_path: Path, options: dict[str, object], window: Window = DAY
) -> Discovery:
    spec = SourceSpec(name="broadcaster", type="json_feed", url=url, options=options)
    with HttpClient(FAST, allow_private_network=True) as client:
        return discover_source(spec, client, RawArchive(tmp_path), window)


def test_mapped_news_list_with_epoch_dates(base: str, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    mapping = "".join(f"    {key}: {value}\n" for key, value in NEWS_LIST.items())
    sources.write_text(
        "allow_private_network: true\nsources:\n"
        f"  - name: broadcaster\n    type: json_feed\n    url: {base}/json/news-list.json\n"
        f"{mapping}    base_url: https://world.broadcaster.example/\n",
        encoding="utf-8",
    )
    spec = load_sources(sources).get("broadcaster")
    with HttpClient(FAST, allow_private_network=True) as client:
        found = discover_source(spec, client, RawArchive(tmp_path), DAY)
    assert found.error is None
    assert [c.url for c in found.candidates] == [
        "https://world.broadcaster.example/news/en/20230814_21/",
        "https://world.broadcaster.example/news/en/20230814_02/",
        "https://world.broadcaster.example/news/en/20230814_15/",
        "https://world.broadcaster.example/news/en/20230814_40/",
    ]
    first, second, third, undated = found.candidates
    assert first.title == "Japan to restore South Korea's preferential export status"
    assert first.summary and first.summary.startswith("The Japanese government says")
    assert first.published_at == datetime(2023, 8, 14, 9, 15, tzinfo=UTC)
    assert first.published_raw == "1692004500000"
    assert second.published_at == datetime(2023, 8, 14, tzinfo=UTC)
    assert third.published_at == datetime(2023, 8, 14, 9, 30, tzinfo=UTC)
    assert undated.published_at is None and undated.source == "broadcaster"
    assert any("item 4 has no usable 'page_url'" in w for w in found.warnings)
    assert any("(e.g. 'later today')" in w for w in found.warnings)
    assert RawArchive(tmp_path).read(found.snapshot_path or "").meta["source"] == "broadcaster"


def test_relative_links_default_to_the_endpoint(base: str, tmp_path: Path) -> None:
    found = _discover(f"{base}/json/news-list.json", tmp_path, NEWS_LIST, window=Window())
    assert found.candidates[0].url == f"{base}/news/en/20230814_21/"
    assert len(found.candidates) == 5


def test_json_feed_needs_no_mapping(base: str, tmp_path: Path) -> None:
    found = _discover(f"{base}/json/feed.json", tmp_path, {})
    assert [c.url for c in found.candidates] == [
        f"{base}/2023/08/14/jsr-buyout-korean-customers/",
        "https://wire.example/articles/2023/08/14/keidanren-fki-fund",
    ]
    assert found.candidates[0].published_at == datetime(2023, 8, 14, 5, 20, tzinfo=UTC)
    assert found.candidates[0].summary == (
        "Analysts expect supply contracts with Samsung and SK Hynix to continue."
    )
    assert any("item 3 has no usable 'url'" in w for w in found.warnings)


def test_malformed_json_wrong_path_and_http_errors(base: str, tmp_path: Path) -> None:
    wrong_path = _discover(f"{base}/json/news-list.json", tmp_path, {"items_path": "data.items"})
    assert wrong_path.error == "items_path 'data.items' is not a list here"
    not_json = _discover(f"{base}/sitemaps/robots.txt", tmp_path, {})
    assert (not_json.error or "").startswith("response is not valid JSON")
    gone = _discover(f"{base}/json/missing.json", tmp_path, {})
    assert "JSON endpoint fetch failed: http_error: HTTP 404" in (gone.error or "")


def test_dotted_paths_reach_into_nested_objects_and_lists() -> None:
    body = (
        b'{"result": [{"items": [{"link": {"href": "/a/1"}, "headline": "Tokyo, Seoul talk chips",'
        b' "meta": {"ts": 1692004500}}, {"link": "not-an-object"}]}]}'
    )
    found = parse_json_feed(
        body,
        "api",
        base_url="https://api.example/v1/",
        options={
            "items_path": "result.0.items",
            "url_field": "link.href",
            "title_field": "headline",
            "date_field": "meta.ts",
        },
    )
    [candidate] = found.candidates
    assert candidate.url == "https://api.example/a/1"
    assert candidate.title == "Tokyo, Seoul talk chips"
    assert candidate.published_at == datetime(2023, 8, 14, 9, 15, tzinfo=UTC)
    assert found.warnings == ["item 1 has no usable 'link.href'"]
