"""A generated news site: many wire-length article pages on several loopback hosts.

Pages are about 900 words each (1,800 characters in Korean or Japanese), drawn from the
project's own dev-set paragraphs (``include/gold/dev*.jsonl``, written here, never
copied from an outlet), in the ``languages`` asked for, spread over
``hosts`` folders, each served by its own server (so each is one politeness host), and
listed in ``feeds`` RSS feeds. Used by the end-to-end runs that must take the parallel
paths of extract and analyze, and by ``benchmarks/bench_throughput.py``.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import yaml

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD
from tradewatch.devserver import SiteServer
from tradewatch.nlp.relevance import score_relevance

__all__ = ["WireSite", "build_site", "page_urls", "serve_hosts", "serve_site", "write_sources"]

GOLD = Path(__file__).resolve().parents[2] / "include" / "gold"
WORDS_PER_PAGE = 900
CHARS_PER_PAGE = 1800  # Korean and Japanese


@dataclass(frozen=True)
class WireSite:
    """What :func:`build_site` wrote: the folder, its shape and each page's text and path."""

    root: Path
    hosts: int
    feeds: int
    texts: list[str]
    paths: list[str]  # ``h<host>/news/<i>.html``, in page order
    relevant: list[bool]  # what the relevance filter makes of each page
    langs: list[str]


def build_site(
    root: Path,
    pages: int,
    *,
    hosts: int,
    feeds: int,
    relevant_share: float,
    seed: int = 1,
    languages: tuple[str, ...] = ("en",),
) -> WireSite:
    """Write ``pages`` pages, page ``i`` in ``languages[i % len(languages)]``, a
    ``relevant_share`` of each language's pages (spread evenly) relevant under the default
    threshold and the rest off-topic: a draw of paragraphs that the filter judges otherwise
    is drawn again."""
    pools = {lang: _paragraph_pools(lang) for lang in set(languages)}
    rng = random.Random(seed)
    now = datetime.now(UTC)
    texts: list[str] = []
    paths: list[str] = []
    kinds: list[bool] = []
    langs: list[str] = []
    items: dict[int, list[str]] = {f: [] for f in range(feeds)}
    for i in range(pages):
        lang = languages[i % len(languages)]
        k = i // len(languages)  # the page's place among its language's pages
        wanted = int((k + 1) * relevant_share) > int(k * relevant_share)
        pool = pools[lang][0 if wanted else 1]
        host = (i % feeds) % hosts  # the host of the feed that lists the page
        while True:
            paragraphs: list[str] = []
            while _size(paragraphs, lang) < (WORDS_PER_PAGE if lang == "en" else CHARS_PER_PAGE):
                paragraphs.append(rng.choice(pool))
            title = f"{re.split(r'[.。]', paragraphs[0])[0][:80]} (report {i})"
            score = score_relevance(title, "\n\n".join(paragraphs), lang).score
            if (score >= DEFAULT_RELEVANCE_THRESHOLD) == wanted:
                break
        published = now - timedelta(minutes=i % 600)
        path = f"h{host}/news/{i}.html"
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(
            _page(title, paragraphs, published, f"news/{i}.html", lang), encoding="utf-8"
        )
        texts.append("\n\n".join(paragraphs))
        paths.append(path)
        kinds.append(wanted)
        langs.append(lang)
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
    return WireSite(root, hosts, feeds, texts, paths, kinds, langs)


@contextmanager
def serve_hosts(site: WireSite) -> Iterator[list[SiteServer]]:
    """Serve each host folder on its own loopback server; yields the servers, which
    record every request they answer."""
    with ExitStack() as stack:
        servers = []
        for h in range(site.hosts):
            server = SiteServer(site.root / f"h{h}").start()
            stack.callback(server.stop)
            servers.append(server)
        yield servers


@contextmanager
def serve_site(site: WireSite) -> Iterator[list[str]]:
    """Serve each host folder on its own loopback server; yields their base URLs."""
    with serve_hosts(site) as servers:
        yield [server.base_url for server in servers]


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


def _paragraph_pools(lang: str) -> tuple[list[str], list[str]]:
    """Paragraphs of the dev set's relevant and off-topic articles in ``lang``."""
    relevant: list[str] = []
    offtopic: list[str] = []
    path = GOLD / ("dev.jsonl" if lang == "en" else f"dev_{lang}.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        paragraphs = [
            p
            for p in article["text"].split("\n\n")
            if _size([p], lang) > (12 if lang == "en" else 25)
        ]
        (relevant if article["relevant"] else offtopic).extend(paragraphs)
    return relevant, offtopic


def _size(paragraphs: list[str], lang: str) -> int:
    """Words in English, characters in Korean and Japanese."""
    if lang == "en":
        return sum(len(p.split()) for p in paragraphs)
    return sum(len(p) for p in paragraphs)


def _page(title: str, paragraphs: list[str], published: datetime, path: str, lang: str) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
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
