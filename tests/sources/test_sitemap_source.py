"""Sitemap source against a replica news site served on 127.0.0.1."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tradewatch.archive import RawArchive
from tradewatch.config import load_sources
from tradewatch.devserver import serve_directory
from tradewatch.fetching import HttpClient, HttpConfig
from tradewatch.models import SourceSpec
from tradewatch.sources import Discovery, Window, discover_source
from tradewatch.sources.sitemap import parse_sitemap

REPLICA = Path(__file__).parents[1] / "fixtures/replicas/sitemaps"
FAST = HttpConfig(retries=0, min_host_gap=0)
DAY = Window(datetime(2023, 8, 14, tzinfo=UTC), datetime(2023, 8, 15, tzinfo=UTC))
IN_DAY = {
    "/view/20230814000187",
    "/view/20230814000203",
    "/view/20230814000377",
    "/view/20230815000012",
    "/economy/fluorinated-polyimide-imports",
    "/economy/about-trade-data",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The replica, plus its gzip'd sitemap written once the port (``__BASE__``) is known."""
    root = tmp_path_factory.mktemp("sitemap-site")
    shutil.copytree(REPLICA, root, dirs_exist_ok=True)
    with serve_directory(root) as base:
        template = (root / "news/sitemap-2023-08-15.xml.in").read_text("utf-8")
        (root / "news/sitemap-2023-08-15.xml.gz").write_bytes(
            gzip.compress(template.replace("__BASE__", base).encode())
        )
        yield base, root


def _discover(
    url: str, tmp_path: Path, window: Window = DAY, **options: object
) -> tuple[Discovery, HttpClient]:
    spec = SourceSpec(name="ledger", type="sitemap", url=url, options=dict(options))
    with HttpClient(FAST, allow_private_network=True) as client:
        return discover_source(spec, client, RawArchive(tmp_path), window), client


def _paths(found: Discovery, base: str) -> set[str]:
    return {c.url.removeprefix(base) for c in found.candidates}


def test_index_walk_keeps_entries_in_the_window(site: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = site
    found, client = _discover(f"{base}/sitemap_index.xml", tmp_path)
    assert found.error is None
    assert _paths(found, base) == IN_DAY
    by_path = {c.url.removeprefix(base): c for c in found.candidates}
    white_list = by_path["/view/20230814000187"]
    assert white_list.title == "Japan to put S. Korea back on trade white list from Sept. 1"
    assert white_list.published_at == datetime(2023, 8, 14, 1, 5, tzinfo=UTC)
    assert white_list.published_raw == "2023-08-14T10:05:00+09:00"
    assert white_list.source == "ledger"
    assert by_path["/view/20230814000377"].title is None
    assert by_path["/view/20230815000012"].title.startswith("Yoon to call Japan a partner")
    requested = [e.url for e in client.log if e.kind == "feed"]
    assert f"{base}/archive/sitemap-2023-07.xml" not in requested
    assert requested.index(f"{base}/news/sitemap-2023-08-15.xml.gz") < requested.index(
        f"{base}/news/sitemap-2023-08-14.xml"
    )
    assert any("http_error" in w and "missing.xml" in w for w in found.warnings)
    assert any("1 sitemap entries have no date" in w for w in found.warnings)
    assert (
        RawArchive(tmp_path)
        .read(found.snapshot_path or "")
        .meta["url"]
        .endswith("sitemap_index.xml")
    )


def test_robots_txt_sitemaps_are_the_starting_points(
    site: tuple[str, Path], tmp_path: Path
) -> None:
    base, _ = site
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "allow_private_network: true\nsources:\n"
        f"  - {{name: ledger, type: sitemap, url: '{base}/', from_robots: true}}\n",
        encoding="utf-8",
    )
    spec = load_sources(sources).get("ledger")
    with HttpClient(FAST, allow_private_network=True) as client:
        found = discover_source(spec, client, RawArchive(tmp_path), DAY)
    assert _paths(found, base) == IN_DAY | {"/opinion/20230814-editorial-trade-thaw"}


def test_robots_without_sitemap_lines_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    with serve_directory(site) as base:
        found, _ = _discover(f"{base}/", tmp_path, from_robots=True)
    assert found.candidates == [] and "announces no Sitemap: lines" in (found.error or "")


def test_limits_on_count_and_depth_are_reported(site: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = site
    found, client = _discover(f"{base}/sitemap_index.xml", tmp_path, max_sitemaps=2)
    assert _paths(found, base) == {"/view/20230815000012"}
    assert any("max_sitemaps=2; 3 sitemaps unread" in w for w in found.warnings)
    assert len([e for e in client.log if e.kind == "feed"]) == 2

    found, _ = _discover(f"{base}/sitemap_index.xml", tmp_path, max_depth=1)
    assert "/economy/fluorinated-polyimide-imports" not in _paths(found, base)
    assert any("index-more.xml is deeper than max_depth=1" in w for w in found.warnings)


def test_unbounded_window_means_the_last_48_hours(site: tuple[str, Path], tmp_path: Path) -> None:
    base, root = site
    now = datetime.now(UTC)
    entries = "".join(
        f"<url><loc>{base}/a{hours}</loc><lastmod>{(now - timedelta(hours=hours)).isoformat()}"
        "</lastmod></url>"
        for hours in (1, 30, 72)
    )
    (root / "recent.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
        encoding="utf-8",
    )
    found, _ = _discover(f"{base}/recent.xml", tmp_path, window=Window())
    assert _paths(found, base) == {"/a1", "/a30"}


def test_malformed_and_missing_sitemaps(site: tuple[str, Path], tmp_path: Path) -> None:
    base, root = site
    broken, _ = _discover(f"{base}/broken.xml", tmp_path)
    assert broken.error is None
    assert "/view/20230814000501" in _paths(broken, base)
    assert any("malformed sitemap XML" in w for w in broken.warnings)

    html, _ = _discover(f"{base}/not-a-sitemap.html", tmp_path)
    assert html.candidates == [] and "not a sitemap (an HTML page)" in (html.error or "")

    gone, _ = _discover(f"{base}/nope.xml", tmp_path)
    assert "sitemap fetch failed: http_error: HTTP 404" in (gone.error or "")

    (root / "corrupt.xml.gz").write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate")
    corrupt, _ = _discover(f"{base}/corrupt.xml.gz", tmp_path)
    assert "corrupt gzip data" in (corrupt.error or "")


def test_parser_does_not_expand_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://a.example/&x;</loc></url></urlset>"
    ).encode()
    sitemap = parse_sitemap(xml)
    assert sitemap.kind == "urlset"
    assert "TOP-SECRET" not in "".join(e.loc for e in sitemap.entries)


def test_gzip_bodies_are_parsed_like_plain_ones() -> None:
    xml = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://a.example/s1.xml</loc><lastmod>2023-08-14</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    sitemap = parse_sitemap(gzip.compress(xml))
    assert sitemap.kind == "sitemapindex"
    [entry] = sitemap.entries
    assert entry.loc == "https://a.example/s1.xml"
    assert entry.date is not None and entry.date.utc == datetime(2023, 8, 14, tzinfo=UTC)
