"""Shared fixtures: the fixture news site served for real on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tradewatch.devserver import serve_directory

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site"

# Feeds of the fixture site: (source name, type, path under the site root).
SITE_FEEDS = [
    ("yonhap", "rss", "yonhap/feed.xml"),
    ("herald", "rss", "herald/feed.xml"),
    ("japantimes", "atom", "japantimes/feed.atom"),
    ("mainichi", "rss", "mainichi/feed.xml"),
]


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Base URL of the fixture site, served by a real HTTP server for the whole session."""
    with serve_directory(SITE) as base:
        yield base


def write_sources(path: Path, base_url: str, feeds=SITE_FEEDS) -> Path:
    """Write a sources file pointing at a served site; returns ``path``."""
    doc = {
        "allow_private_network": True,
        "min_host_gap_seconds": 0,
        "sources": [
            {"name": name, "type": kind, "url": f"{base_url}/{rel}"} for name, kind, rel in feeds
        ],
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def sources_file(tmp_path: Path, site_url: str) -> Path:
    """A sources file for the fixture site, in the test's temp dir."""
    return write_sources(tmp_path / "sources.yaml", site_url)


@pytest.fixture(scope="session")
def make_sources(site_url: str):
    """Factory: ``make_sources(path, feeds=SITE_FEEDS)`` writes a sources file for the site."""

    def make(path: Path, feeds: list[tuple[str, str, str]] = SITE_FEEDS) -> Path:
        return write_sources(path, site_url, feeds)

    return make


@pytest.fixture(scope="session")
def expected() -> list[dict]:
    """Gold expectations for every fixture article (written with the site)."""
    return yaml.safe_load((SITE / "EXPECTED.yaml").read_text(encoding="utf-8"))
