"""Fetch many URLs at once: hosts in parallel, each host's requests in order.

The fetch stage downloads hundreds of article pages from a handful of outlets. One worker
thread per host keeps every host busy without asking any of them for two pages at once;
the client's per-host throttle (:mod:`tradewatch.fetching.hosts`) does the waiting.

Usage::

    results = fetch_many(client, [FetchRequest(url, kind="article", source="yonhap")])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import cast

from tradewatch.fetching.client import HttpClient
from tradewatch.fetching.hosts import host_key
from tradewatch.fetching.results import FetchResult

__all__ = ["FetchRequest", "fetch_many"]


@dataclass(frozen=True)
class FetchRequest:
    """One GET for :func:`fetch_many`; the fields are :meth:`HttpClient.get`'s arguments."""

    url: str
    kind: str
    source: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def fetch_many(
    client: HttpClient,
    requests: Sequence[FetchRequest],
    *,
    max_workers: int = 8,
    on_result: Callable[[int, FetchResult], None] | None = None,
) -> list[FetchResult]:
    """GET every request, hosts in parallel and each host in input order; results in input order.

    One worker per host keeps the client's per-host slot from tying up threads that could
    be serving other hosts. ``on_result(index, result)`` runs in the worker as each
    response arrives (the fetch stage archives there, so a kill loses only what is in
    flight); an exception from it ends the call.
    """
    groups: dict[str, list[int]] = {}
    for index, request in enumerate(requests):
        groups.setdefault(host_key(request.url), []).append(index)
    results: list[FetchResult | None] = [None] * len(requests)

    def run(indexes: list[int]) -> None:
        for index in indexes:
            r = requests[index]
            results[index] = result = client.get(
                r.url, kind=r.kind, source=r.source, etag=r.etag, last_modified=r.last_modified
            )
            if on_result is not None:
                on_result(index, result)

    if groups:
        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(groups)))) as pool:
            for future in [pool.submit(run, indexes) for indexes in groups.values()]:
                future.result()
    return cast("list[FetchResult]", results)
