"""A generated news site: many wire-length article pages on several loopback hosts.

Pages are about 900 words each, drawn from the project's own dev-set paragraphs
(``include/gold/dev.jsonl``, written here, never copied from an outlet), spread over
``hosts`` folders, each served by its own server (so each is one politeness host), and
listed in ``feeds`` RSS feeds. Used by the end-to-end runs that must take the parallel
paths of extract and analyze, and by ``benchmarks/bench_throughput.py``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import yaml

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD
from tradewatch.devserver import serve_directory
from tradewatch.nlp.relevance import score_relevance

__all__ = ["WireSite", "build_site", "page_urls", "serve_site", "write_sources"]

GOLD = Path(__file__).resolve().parents[2] / "include" / "gold" / "dev.jsonl"
WORDS_PER_PAGE = 900


@dataclass(frozen=True)
class WireSite:
    """What :func:`build_site` wrote: the folder, its shape and each page's text and path."""

    root: Path
    hosts: int
    feeds: int
    texts: list[str]
    paths: list[str]  # ``h<host>/news/<i>.html``, in page order
    relevant: list[bool]  # what the relevance filter makes of each page


def build_site(
    root: Path,
    pages: int,
    *,
    hosts: int,
    feeds: int,
    relevant_share: float,
    seed: int = 1,
) -> WireSite:
    """Write ``pages`` pages, a ``relevant_share`` of them (spread evenly) relevant under
    the default threshold and the rest off-topic: a draw of paragraphs that the filter
    judges otherwise is drawn again."""
    relevant_pool, offtopic_pool = _paragraph_pools()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    texts: list[str] = []
    paths: list[str] = []
    kinds: list[bool] = []
    items: dict[int, list[str]] = {f: [] for f in range(feeds)}
    for i in range(pages):
        wanted = int((i + 1) * relevant_share) > int(i * relevant_share)
        pool = relevant_pool if wanted else offtopic_pool
        host = (i % feeds) % hosts  # the host of the feed that lists the page
        while True:
            paragraphs: list[str] = []
            while sum(len(p.split()) for p in paragraphs) < WORDS_PER_PAGE:
                paragraphs.append(rng.choice(pool))
            title = f"{paragraphs[0].split('.')[0][:80]} (report {i})"
            score = score_relevance(title, "\n\n".join(paragraphs)).score
            if (score >= DEFAULT_RELEVANCE_THRESHOLD) == wanted:
                break
        published = now - timedelta(minutes=i % 600)
        path = f"h{host}/news/{i}.html"
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(
            _page(title, paragraphs, published, f"news/{i}.html"), encoding="utf-8"
        )
        texts.append("\n\n".join(paragraphs))
        paths.append(path)
        kinds.append(wanted)
        items[i % feeds].append(_item(title, f"news/{i}.html", published))
    for f, entries in items.items():
        feed = root / f"h{f % hosts}" / f"feed{f}.xml"
        feed.parent.mkdir(parents=True, exist_ok=True)
        feed.write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Wire feed {f}</title><link>__BASE__/</link>"
            f"{''.join(entries)}</channel></rss>",
            encoding="utf-8",
        )
    return WireSite(root, hosts, feeds, texts, paths, kinds)


@contextmanager
def serve_site(site: WireSite) -> Iterator[list[str]]:
    """Serve each host folder on its own loopback server; yields their base URLs."""
    with ExitStack() as stack:
        yield [stack.enter_context(serve_directory(site.root / f"h{h}")) for h in range(site.hosts)]


def page_urls(site: WireSite, bases: list[str]) -> list[str]:
    """Each page's URL as served at ``bases``, in page order."""
    return [
        f"{bases[int(host[1:])]}/{rest}"
        for host, _, rest in (path.partition("/") for path in site.paths)
    ]


def write_sources(path: Path, site: WireSite, bases: list[str], name: str = "wire") -> Path:
    """A sources file with one RSS source per feed of ``site`` served at ``bases``,
    named ``<name>-<feed>``."""
    sources = [
        {"name": f"{name}-{f}", "type": "rss", "url": f"{bases[f % site.hosts]}/feed{f}.xml"}
        for f in range(site.feeds)
    ]
    doc = {"allow_private_network": True, "min_host_gap_seconds": 0, "sources": sources}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _paragraph_pools() -> tuple[list[str], list[str]]:
    """Paragraphs of the dev set's relevant and off-topic articles."""
    relevant: list[str] = []
    offtopic: list[str] = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        paragraphs = [p for p in article["text"].split("\n\n") if len(p.split()) > 12]
        (relevant if article["relevant"] else offtopic).extend(paragraphs)
    return relevant, offtopic


def _page(title: str, paragraphs: list[str], published: datetime, path: str) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<link rel="canonical" href="__BASE__/{path}">'
        f'<meta property="article:published_time" content="{published.isoformat()}">'
        f"</head><body><nav><a href='#'>World</a> <a href='#'>Business</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Generated fixture</footer></body></html>"
    )


def _item(title: str, path: str, published: datetime) -> str:
    return (
        f"<item><title>{escape(title)}</title><link>__BASE__/{path}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
    )
