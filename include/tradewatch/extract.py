"""Turn an archived article page into an :class:`~tradewatch.models.Article`.

Analysts must be able to trust that every quote we report is in the story, so the text is
the article body only: trafilatura in precision mode on a tree already stripped of obvious
boilerplate (navigation, cookie banners, share bars, "most read"/related boxes, footers),
with a ``<p>``-cluster fallback for pages trafilatura rejects. Paragraphs are separated by
a blank line because quote detection tracks quotes that run across paragraphs.

Rules chosen here:

* Decoding: a byte-order mark wins; then ISO-2022-JP when its escape sequences are
  present (those pages are 7-bit and would pass as UTF-8); then strict UTF-8, whatever is
  declared: UTF-8 bytes often decode "cleanly" as cp949, cp932 or cp1252 mojibake, while
  legacy text with any non-ASCII byte is practically never valid UTF-8. Then the page's own
  declaration (XML declaration, else ``<meta>`` charset) and the HTTP charset, strictly;
  when both decode but disagree, the text that looks less like mojibake wins (see
  ``_implausibility``), ties going to the page's own tag over the server default. Then a
  declared charset that fails on at most ~1% of the non-ASCII bytes (a page cut mid
  character) is used with U+FFFD. With no usable declaration, cp949, cp932 and EUC-JP are
  tried and the most plausible clean decoding wins; charset-normalizer is not used because
  it misreads English pages carrying a few Korean or Japanese names (kanji in Shift_JIS
  come out as cp949 Hangul). Last resort: the declared charset (else UTF-8) with U+FFFD.
  Legacy labels decode with their WHATWG supersets (EUC-KR as cp949, Shift_JIS as cp932,
  Latin-1 as cp1252) since Korean and Japanese sites routinely use extension characters.
* Published time: JSON-LD, OpenGraph, other ``<meta>``, ``<time datetime>``, the feed;
  the first value :func:`tradewatch.dates.parse_datetime` reads wins. Offsets are kept as
  ``±HH:MM``; ``published_at`` is UTC. A value without a clock time is midnight UTC (that
  keeps its calendar date) and one without an offset is read as UTC; both get
  ``published_offset=None`` so nobody mistakes the guess for a fact.
  With no date on the page or in the feed, ``published_at`` is the fetch time and
  ``published_from="fetched"``: an analyst filtering by day still sees the story, and the
  origin column says the date is ours, not the outlet's.
* Canonical URL: ``<link rel=canonical>``, then ``og:url``, accepted only on the fetched
  host (ignoring a leading ``www.``), so a syndication partner's canonical cannot merge
  our copy into theirs.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

from tradewatch.dates import EARLIEST_YEAR, LATEST_YEAR, as_utc, format_offset, parse_datetime
from tradewatch.dedup import near_dup_key
from tradewatch.lang import normalise, resolve_language
from tradewatch.models import Article, PublishedFrom
from tradewatch.urls import article_id, canonicalize_url, content_hash

__all__ = ["ExtractionError", "decode_html", "extract_article"]

logger = logging.getLogger(__name__)


class ExtractionError(ValueError):
    """A page yielded no article text; the message says why in one line."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_ALIASES = {
    "euc_kr": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "x-euc-jp": "euc_jp",
    # a page that could declare its charset in ASCII is not UTF-16, whatever it says
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}
_META_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']\s*([A-Za-z0-9_.:-]+)""")
_ISO2022_ESCAPE = re.compile(rb"\x1b(?:\$[@B]|\(J)")
_DETECT_CODECS = ("cp949", "cp932", "euc_jp")
_KSX1001_HANGUL = frozenset(
    bytes((lead, trail)).decode("cp949")
    for lead in range(0xB0, 0xC9)
    for trail in range(0xA1, 0xFF)
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# half-width katakana, compatibility jamo, C1 controls, private use, compatibility
# ideographs, Greek, Cyrillic and box drawing: rare in real pages, common in mojibake
_ODD_CHAR = re.compile(
    "[\uff61-\uff9f\u3130-\u318f\u0080-\u009f\ue000-\uf8ff\uf900-\ufaff\u0370-\u04ff\u2500-\u257f]"
)
_LATIN = re.compile("[\u00a0-\u024f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# lxml refuses these anywhere in a tree (even mid-extraction), and browsers drop them too
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_OPENGRAPH_DATE_KEYS = ("article:published_time", "og:article:published_time")
_META_DATE_KEYS = (
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "parsely-pub-date",
    "sailthru.date",
    "dcterms.issued",
    "dcterms.created",
    "dc.date.issued",
    "dc.date",
    "date",
)
_TIME_XPATHS = (
    "//time[@datetime][@itemprop='datePublished' or @pubdate or contains(@class, 'publish')]",
    "(//article|//main)//time[@datetime][not(ancestor::aside or ancestor::nav "
    "or ancestor::footer)]",
    "//time[@datetime][not(ancestor::aside or ancestor::nav or ancestor::footer "
    "or ancestor::header)]",
)
_MAX_JSONLD_DEPTH = 20
_ARTICLE_TYPES = frozenset({"blogposting", "liveblogposting", "report"})
_JSONLD_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")

_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·)\s+")
_KNOWN_SITE_NAMES = frozenset(
    {
        "arirang news",
        "business korea",
        "businesskorea",
        "chosun ilbo",
        "dong-a ilbo",
        "hankyoreh",
        "japan news",
        "japan times",
        "japan today",
        "joongang daily",
        "kbs world",
        "ked global",
        "korea economic daily",
        "korea herald",
        "korea joongang daily",
        "korea times",
        "kyodo news",
        "kyodo news+",
        "mainichi",
        "nhk world",
        "nhk world-japan",
        "nikkei asia",
        "asahi shimbun",
        "yomiuri shimbun",
        "yonhap",
        "yonhap news agency",
    }
)

_SEMANTIC_BOILERPLATE_TAGS = frozenset({"nav", "aside", "footer"})  # dropped whatever their size
_BOILERPLATE_TAGS = _SEMANTIC_BOILERPLATE_TAGS | {"form", "noscript", "template"}
_BOILERPLATE_ROLES = frozenset({"navigation", "complementary", "contentinfo", "dialog", "banner"})
_BOILERPLATE_TOKEN = re.compile(
    r"(?:^|[-_])(?:cookies?|consent|gdpr|share|sharing|social|sns|most-?read|most-?viewed|"
    r"popular|ranking|related|recommend(?:ed|ations?)?|newsletter|breadcrumbs?|comments?|"
    r"foot(?:er)?)(?:$|[-_])",
    re.I,
)
_CONTAINER_XPATH = "//article | //main | //*[@itemprop='articleBody']"
_MAX_BOILERPLATE_SHARE = 0.4
_FALLBACK_DROP_TAGS = ["script", "style", "noscript", "template", "nav", "aside", "footer", "form"]
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def extract_article(
    html: bytes | str,
    *,
    url: str,
    source: str,
    fetched_at: datetime,
    feed_title: str | None = None,
    feed_published: datetime | None = None,
    feed_published_raw: str | None = None,
    encoding: str | None = None,
    raw_path: str | None = None,
    feed_lang: str | None = None,
) -> Article:
    """Extract body text and metadata from one fetched page.

    ``url`` is the final URL after redirects; ``encoding`` is the HTTP charset, if any.
    The language is the page's declared one (else the feed's, ``feed_lang``), checked
    against the script of the text (:mod:`tradewatch.lang`).
    ``feed_published_raw`` is the feed's date string: parsed here it keeps the offset that
    the parsed ``feed_published`` may have lost, so it is tried first at the feed step.
    Raises :class:`ExtractionError` when the page has no recognisable article text.
    """
    try:
        fetched_canonical = canonicalize_url(url)
    except ValueError as exc:
        raise ExtractionError(f"cannot key article: {exc}") from None
    text_html = html if isinstance(html, str) else decode_html(html, encoding)
    text_html = _XML_INCOMPATIBLE.sub("", _XML_DECLARATION.sub("", text_html, count=1))
    try:
        tree = lxml.html.document_fromstring(text_html, parser=_PARSER)
    except (ParserError, ValueError) as exc:
        raise ExtractionError(f"cannot parse HTML of {url}: {exc}") from None

    meta = _meta_values(tree)
    jsonld = _jsonld_nodes(tree)
    h1 = _first_h1(tree)
    title = _title(tree, meta, jsonld, h1, feed_title)
    published_at, published_offset, published_from = _published(
        tree, meta, jsonld, feed_published, feed_published_raw, fetched_at
    )
    canonical = _canonical_url(tree, meta, url) or fetched_canonical
    declared = _lang(tree, meta) or feed_lang

    _drop_boilerplate(tree)
    paragraphs = _trafilatura_paragraphs(tree, url) or _fallback_paragraphs(tree)
    if paragraphs and _fold(paragraphs[0]) in {_fold(title or ""), _fold(h1 or "")}:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise ExtractionError(f"no article text in {url}: trafilatura and <p> fallback empty")
    text = unicodedata.normalize("NFC", "\n\n".join(paragraphs))
    language = resolve_language(declared, f"{title or ''}\n{text}")

    return Article(
        article_id=article_id(canonical),
        url=url,
        canonical_url=canonical,
        source=source,
        title=title,
        text=text,
        fetched_at=fetched_at,
        published_at=published_at,
        published_offset=published_offset,
        published_from=published_from,
        lang=language.code,
        lang_declared=language.declared,
        content_hash=content_hash(text),
        near_dup_key=near_dup_key(text),
        raw_path=raw_path,
    )


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode page or feed bytes by the rules in the module docstring; never raises."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    own = _own_declaration(data)
    declared = list(dict.fromkeys(c for c in (_codec(own), _codec(encoding)) if c))
    first = ["iso2022_jp"] if _ISO2022_ESCAPE.search(data) else []
    for codec in [*first, "utf-8"]:
        text = _strict(data, codec)
        if text is not None:
            return text
    clean = [(codec, text) for codec in declared if (text := _strict(data, codec)) is not None]
    if clean:  # declarations that disagree: the more plausible text wins, then the page's own
        return min(clean, key=lambda pair: _implausibility(pair[1]))[1]
    nearly = _nearly_clean(data, ["utf-8", *declared])
    if nearly is not None:
        return nearly
    detected = [
        (codec, text) for codec in _DETECT_CODECS if (text := _strict(data, codec)) is not None
    ]
    if detected:
        codec, text = min(detected, key=lambda pair: _implausibility(pair[1]))
        logger.info("no declared charset decodes this page; detected %s", codec)
        return text
    fallback = declared[0] if declared else "utf-8"
    logger.warning("no charset decodes cleanly (declared %s); decoding as %s", declared, fallback)
    return data.decode(fallback, errors="replace")


def _own_declaration(data: bytes) -> str | None:
    """The charset the document names itself: XML declaration, else ``<meta>``."""
    head = data[:_META_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _nearly_clean(data: bytes, codecs_: list[str]) -> str | None:
    """A text with at most ~1% undecodable bytes (a cut-off page, a stray byte), or None.

    Cheaper than a guess and right far more often: the declared charset with one bad
    byte beats a detector that finds some other charset decoding the whole page "cleanly".
    """
    allowed = max(1, (len(data) - len(data.translate(None, _HIGH_BYTES))) // 100)
    best: tuple[int, str] | None = None
    for codec in codecs_:
        text = data.decode(codec, errors="replace")
        errors = text.count("\ufffd")
        if errors <= allowed and (best is None or errors < best[0]):
            best = (errors, text)
    if best is not None:
        logger.warning("page has %d undecodable byte(s); replaced with U+FFFD", best[0])
    return best[1] if best else None


def _implausibility(text: str) -> float:
    """Share of non-ASCII characters that are typical of decoding with the wrong charset.

    Mis-decoded Korean and Japanese bytes turn into half-width katakana (EUC-KR or EUC-JP
    read as Shift_JIS), Hangul outside the 2,350 syllables of KS X 1001 and compatibility
    jamo (Shift_JIS or EUC-JP kana read as cp949), C1 controls, private-use characters,
    and runs of accented Latin letters (anything read as cp1252). Real pages have few.
    """
    odd = total = 0
    for run in _NON_ASCII_RUN.findall(text):
        total += len(run)
        odd += sum(
            1
            for i, ch in enumerate(run)
            if _ODD_CHAR.match(ch)
            or ("\uac00" <= ch <= "\ud7a3" and ch not in _KSX1001_HANGUL)
            or (i and _LATIN.match(ch))
        )
    return odd / total if total else 0.0


def _codec(label: str | None) -> str | None:
    """Python codec for a charset label, mapped to its WHATWG superset; None if unusable."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
        "a".encode(name)  # rejects non-text codecs such as base64 or rot13
    except (LookupError, UnicodeError):
        name = _CHARSET_ALIASES.get(label.strip().lower())
        if name is None:
            logger.debug("unknown charset label %r", label)
        return name
    return _CHARSET_ALIASES.get(name, name)


def _meta_values(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """First ``content`` per lowercased ``property``/``name``/``itemprop``/``http-equiv``."""
    values: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = (el.get("content") or "").strip()
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        if content and key:
            values.setdefault(key.strip().lower(), content)
    return values


def _jsonld_nodes(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects in document order, article-typed ones first."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        try:
            data = json.loads(_JSONLD_WRAPPER.sub("", script.text), strict=False)
        except (ValueError, RecursionError) as exc:  # nesting beyond the json module's limit
            logger.debug("skipping unparsable JSON-LD: %s", type(exc).__name__)
            continue
        nodes.extend(_walk_json(data))
    return sorted(nodes, key=lambda node: not _is_article(node))


def _walk_json(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in ``data``; real JSON-LD graphs are a few levels deep, junk may not be."""
    if depth > _MAX_JSONLD_DEPTH:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _walk_json(value, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _walk_json(item, depth + 1)


def _is_article(node: dict[str, Any]) -> bool:
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(
        isinstance(t, str) and (t.lower().endswith("article") or t.lower() in _ARTICLE_TYPES)
        for t in names
    )


def _jsonld_string(nodes: list[dict[str, Any]], key: str) -> Iterator[str]:
    for node in nodes:
        value = node.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                yield item.strip()


def _first_h1(tree: lxml.html.HtmlElement) -> str | None:
    for xpath in ("(//article|//main)//h1", "//h1"):
        for el in tree.xpath(xpath):
            text = _clean(el.text_content())
            if text:
                return text
    return None


def _title(
    tree: lxml.html.HtmlElement,
    meta: dict[str, str],
    jsonld: list[dict[str, Any]],
    h1: str | None,
    feed_title: str | None,
) -> str | None:
    site_names = {_site_key(meta[k]) for k in ("og:site_name", "application-name") if k in meta}
    title_el = tree.find(".//title")
    candidates = (
        _strip_site_suffix(_clean(meta.get("og:title", "")), site_names),
        _clean(next(_jsonld_string(jsonld, "headline"), "")),
        h1,
        _strip_site_suffix(
            _clean(title_el.text_content() if title_el is not None else ""), site_names
        ),
        _clean(feed_title or ""),
    )
    return next((c for c in candidates if c), None)


def _strip_site_suffix(title: str, site_names: set[str]) -> str:
    """Drop a trailing " | Site" only when "Site" is this site's or a known outlet's name."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    head, suffix = title[: separators[-1].start()], _site_key(title[separators[-1].end() :])
    if head and (suffix in site_names or suffix in _KNOWN_SITE_NAMES):
        return head
    return title


def _site_key(name: str) -> str:
    return _clean(name).casefold().removeprefix("the ")


def _published(
    tree: lxml.html.HtmlElement,
    meta: dict[str, str],
    jsonld: list[dict[str, Any]],
    feed_published: datetime | None,
    feed_published_raw: str | None,
    fetched_at: datetime,
) -> tuple[datetime, str | None, PublishedFrom]:
    sources: list[tuple[PublishedFrom, Iterable[str | None]]] = [
        ("jsonld", _jsonld_string(jsonld, "datePublished")),
        ("opengraph", (meta.get(k) for k in _OPENGRAPH_DATE_KEYS)),
        ("meta", (meta.get(k) for k in _META_DATE_KEYS)),
        ("time", (el.get("datetime") for xp in _TIME_XPATHS for el in tree.xpath(xp))),
        ("feed", [feed_published_raw]),
    ]
    for origin, values in sources:
        for value in values:
            parsed = parse_datetime(value)
            if parsed:
                return parsed.utc, parsed.offset, origin
            if value:
                logger.debug("unparsable %s date %r", origin, value)
    if feed_published is not None and EARLIEST_YEAR <= feed_published.year <= LATEST_YEAR:
        offset = feed_published.utcoffset()
        if offset is None:
            return feed_published.replace(tzinfo=UTC), None, "feed"
        return feed_published.astimezone(UTC), format_offset(offset), "feed"
    return as_utc(fetched_at), None, "fetched"


def _canonical_url(tree: lxml.html.HtmlElement, meta: dict[str, str], url: str) -> str | None:
    """The page's own canonical (link rel, then og:url) if it is on the fetched host."""
    hrefs = [
        el.get("href")
        for el in tree.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href")
    ]
    if "og:url" in meta:
        hrefs.append(meta["og:url"])
    fetched_host = _bare_host(url)
    for href in hrefs:
        candidate = urljoin(url, href.strip())
        if _bare_host(candidate) != fetched_host:
            logger.debug("ignoring canonical %s: not on %s", candidate, fetched_host)
            continue
        try:
            return canonicalize_url(candidate)
        except ValueError:
            logger.debug("ignoring unusable canonical %r", candidate)
    return None


def _bare_host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _lang(tree: lxml.html.HtmlElement, meta: dict[str, str]) -> str | None:
    """``<html lang>``, else Content-Language / og:locale meta, as declared."""
    for raw in (tree.get("lang"), meta.get("content-language"), meta.get("og:locale")):
        if normalise(raw):
            return raw
    return None


def _drop_boilerplate(tree: lxml.html.HtmlElement) -> None:
    """Remove nav, banners, share bars and link boxes before extraction.

    Never removes the main article container (the ``<article>``/``<main>``/articleBody with
    the most text) or an ancestor of it, nor a class-matched element holding a large share
    of the page's text, so a stray class such as ``has-comments`` on a wrapper or an
    ASP.NET page-wide ``<form>`` cannot blank a story. nav/aside/footer go at any size.
    """
    body = tree.find("body")
    if body is None:
        return
    containers = tree.xpath(_CONTAINER_XPATH)
    main = max(containers, key=lambda el: len(el.text_content()), default=None)
    protected = {main, *main.iterancestors()} if main is not None else set()
    page_chars = len(body.text_content()) or 1
    doomed = [el for el in body.iterdescendants() if _looks_like_boilerplate(el)]
    for el in doomed:
        if el in protected:
            continue
        big = len(el.text_content()) > _MAX_BOILERPLATE_SHARE * page_chars
        if big and el.tag not in _SEMANTIC_BOILERPLATE_TAGS:
            continue
        el.drop_tree()


def _looks_like_boilerplate(el: lxml.html.HtmlElement) -> bool:
    if not isinstance(el.tag, str):
        return False
    if el.tag in _BOILERPLATE_TAGS or el.get("role") in _BOILERPLATE_ROLES:
        return True
    tokens = [*(el.get("class") or "").split(), el.get("id") or ""]
    return any(_BOILERPLATE_TOKEN.search(token) for token in tokens if token)


def _trafilatura_paragraphs(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    import trafilatura  # heavy; a run that extracts nothing (all feeds 304) never needs it

    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
    )
    if document is None or not document.text:
        logger.info("trafilatura found no text in %s", url)
        return []
    return _paragraphs(document.text.split("\n"))


def _fallback_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """Texts of the ``<p>`` siblings holding the most text inside ``<article>``/main."""
    from bs4 import BeautifulSoup  # heavy, and most pages never fall back

    soup = BeautifulSoup(lxml.html.tostring(tree, encoding="unicode"), "lxml")
    for el in soup.find_all(_FALLBACK_DROP_TAGS):
        el.decompose()
    roots = soup.find_all(["article", "main"]) + soup.find_all(attrs={"role": "main"})
    if not roots:
        roots = [soup.body or soup]
    clusters: dict[int, dict[int, str]] = {}  # parent -> {paragraph: text}; roots may nest
    for root in roots:
        for p in root.find_all("p"):
            clusters.setdefault(id(p.parent), {})[id(p)] = p.get_text(" ")
    best = max(clusters.values(), key=lambda texts: sum(map(len, texts.values())), default={})
    return _paragraphs(list(best.values()))


def _paragraphs(lines: list[str]) -> list[str]:
    cleaned = (_clean(line) for line in lines)
    return [line for line in cleaned if line]


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _fold(text: str) -> str:
    return _clean(text).casefold()
