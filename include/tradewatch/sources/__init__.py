"""Source types: each turns one sources-file entry into candidate article URLs.

Every type implements the same call, ``discover(spec, client, archive, window) ->
Discovery``, so the pipeline never needs to know which kind of source it is polling.
"""

from __future__ import annotations

from collections.abc import Callable

from tradewatch.archive import RawArchive
from tradewatch.fetching import HttpClient
from tradewatch.models import SourceSpec
from tradewatch.sources.base import Discovery, Window
from tradewatch.sources.feeds import discover_feed
from tradewatch.sources.gdelt import discover_gdelt
from tradewatch.sources.html_listing import discover_listing
from tradewatch.sources.json_feed import discover_json_feed
from tradewatch.sources.sitemap import discover_sitemap

__all__ = ["DISCOVERERS", "Discovery", "Window", "discover_source"]

Discoverer = Callable[[SourceSpec, HttpClient, RawArchive, Window], Discovery]

DISCOVERERS: dict[str, Discoverer] = {
    "rss": discover_feed,
    "atom": discover_feed,
    "gdelt": discover_gdelt,
    "sitemap": discover_sitemap,
    "html_listing": discover_listing,
    "json_feed": discover_json_feed,
}


def discover_source(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, window: Window | None = None
) -> Discovery:
    """Poll ``spec`` with the discoverer registered for its type."""
    return DISCOVERERS[spec.type](spec, client, archive, window or Window())
