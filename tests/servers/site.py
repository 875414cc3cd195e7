"""The fixture news site (``tests/fixtures/site``): where it is, its feeds, a sources file.

Shared by the session fixtures in ``tests/conftest.py`` and by tests that serve their own
copy of the site (conftest modules cannot be imported by name: there are several).
"""

from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["FIXTURES", "SITE", "SITE_FEEDS", "write_sources"]

FIXTURES = Path(__file__).parents[1] / "fixtures"
SITE = FIXTURES / "site"

# Feeds of the fixture site: (source name, type, path under the site root).
SITE_FEEDS = [
    ("yonhap", "rss", "yonhap/feed.xml"),
    ("herald", "rss", "herald/feed.xml"),
    ("japantimes", "atom", "japantimes/feed.atom"),
    ("mainichi", "rss", "mainichi/feed.xml"),
]


def write_sources(
    path: Path, base_url: str, feeds=SITE_FEEDS, extra: list[dict] | None = None
) -> Path:
    """Write a sources file for the site's ``feeds`` served at ``base_url``, plus any
    ``extra`` source entries (e.g. a GDELT replica); returns ``path``."""
    sources = [
        {"name": name, "type": kind, "url": f"{base_url}/{rel}"} for name, kind, rel in feeds
    ]
    doc = {
        "allow_private_network": True,
        "min_host_gap_seconds": 0,
        "sources": sources + (extra or []),
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path
