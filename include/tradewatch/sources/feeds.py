"""RSS and Atom feeds, parsed by feedparser from the raw bytes.

Feeds carry only summaries, so an item becomes a :class:`Candidate` whose page the fetch
stage always downloads. Dates are taken from the item's raw string (see
:mod:`tradewatch.dates`) because feedparser files ``KST``/``JST`` under UTC.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import feedparser

from tradewatch.archive import RawArchive
from tradewatch.dates import EARLIEST_YEAR, LATEST_YEAR, parse_datetime
from tradewatch.extract import decode_html
from tradewatch.fetching import HttpClient
from tradewatch.models import Candidate, SourceSpec
from tradewatch.sources.base import Discovery, Window
from tradewatch.sources.common import failure, fetch_snapshot

__all__ = ["discover_feed", "parse_feed"]

logger = logging.getLogger(__name__)

_FEED_ROOT = re.compile(r"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]", re.IGNORECASE)
_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# also escaped ones (&amp;#…): feedparser unescapes and re-parses HTML in descriptions
_CHAR_REF = re.compile(r"(?P<amp>&(?:amp;)?)#(?:[xX](?P<hex>[0-9a-fA-F]+)|(?P<dec>[0-9]+));?")
_MAX_REF_DIGITS = 8


def discover_feed(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, window: Window
) -> Discovery:
    """Fetch ``spec.url``, archive the snapshot, return its items as candidates.

    ``window`` is ignored: a feed lists what it lists now, whatever the run's interval.
    A 304 to a conditional GET means nothing new: no candidates, no error.
    """
    result, snapshot = fetch_snapshot(spec, client, archive, spec.url)
    if result.outcome == "not_modified":
        return Discovery()
    if snapshot is None:
        return Discovery(error=failure("feed", result))
    discovery = parse_feed(result.body, spec.name, content_type=result.content_type)
    discovery.snapshot_path = snapshot
    return discovery


def parse_feed(body: bytes, source: str, *, content_type: str | None = None) -> Discovery:
    """Parse feed bytes; keep whatever parsed and report the rest as warnings.

    A well-formed feed served with a non-XML media type (``text/html`` is common) is not
    reported: the items are all there, and the warning would only hide real ones.

    The bytes are decoded here by :func:`tradewatch.extract.decode_html`'s rules and handed
    to feedparser as UTF-8: feedparser decodes "EUC-KR" and "Shift_JIS" strictly, so one
    cp949 or cp932 extension character (똠, 髙 as in 髙橋) made it fall back to
    windows-1252 or ISO-8859-2 and silently turn every title into mojibake.
    """
    text = decode_html(body, _charset(content_type))
    if not _FEED_ROOT.search(text[:4096]):
        return Discovery(error="response is not an RSS/Atom document (no rss/feed root element)")
    text = _CHAR_REF.sub(_safe_char_ref, _XML_INCOMPATIBLE.sub("", text))
    utf8 = _XML_ENCODING.sub(r"\1utf-8\2", text, count=1).encode("utf-8")
    headers = {"content-type": _with_utf8(content_type)} if content_type else {}
    try:
        parsed = feedparser.parse(utf8, response_headers=headers)
    except Exception as exc:  # a third-party parser: one bad feed must not end the run
        logger.exception("feedparser failed on a %s feed", source)
        return Discovery(error=f"feed parser failed: {type(exc).__name__}: {exc}"[:300])
    discovery = Discovery()
    malformed = parsed.get("bozo") and not isinstance(
        parsed.get("bozo_exception"), feedparser.NonXMLContentType
    )
    if malformed:
        discovery.warnings.append(f"malformed feed: {_bozo_reason(parsed)}")
    feed_lang = parsed.get("feed", {}).get("language")
    for entry in parsed.entries:
        candidate = _candidate(entry, source, feed_lang)
        if candidate is None:
            title = entry.get("title") or ""
            discovery.warnings.append(f"item without a link: {title[:80]!r}")
            continue
        discovery.candidates.append(candidate)
    if not discovery.candidates and malformed:
        discovery.error = discovery.warnings[0]
    return discovery


def _safe_char_ref(match: re.Match[str]) -> str:
    """Numeric references to code points XML forbids (NUL, surrogates, > U+10FFFF) -> U+FFFD.

    feedparser's fallback parser calls ``chr()`` on them and crashes.
    """
    digits = match["hex"] or match["dec"]
    code = -1
    if len(digits) <= _MAX_REF_DIGITS:
        code = int(digits, 16) if match["hex"] else int(digits)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0x10FFFF
    if allowed and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF):
        return match.group()
    return f"{match['amp']}#xFFFD;"


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip("\"' "):
            return value.strip("\"' ")
    return None


def _with_utf8(content_type: str) -> str:
    """The media type with its charset replaced: the body handed on is UTF-8 now."""
    return f"{content_type.split(';')[0].strip()}; charset=utf-8"


def _candidate(entry: Any, source: str, feed_lang: str | None) -> Candidate | None:
    link = entry.get("link") or ""
    if not link.startswith(("http://", "https://")):
        entry_id = entry.get("id") or ""
        link = entry_id if entry_id.startswith(("http://", "https://")) else ""
    if not link:
        return None
    raw_date = entry.get("published") or entry.get("updated")
    published = parse_datetime(raw_date)
    published_at = published.utc if published else _struct_time_utc(entry)
    summary = entry.get("summary")
    return Candidate(
        url=link.strip(),
        source=source,
        title=(entry.get("title") or "").strip() or None,
        summary=_plain_text(summary) if summary else None,
        published_at=published_at,
        published_raw=raw_date,
        lang=(entry.get("title_detail") or {}).get("language") or feed_lang,
    )


def _struct_time_utc(entry: Any) -> datetime | None:
    """feedparser's own reading, for date formats :mod:`tradewatch.dates` does not know."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed or not EARLIEST_YEAR <= parsed[0] <= LATEST_YEAR:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except ValueError:
        return None


def _plain_text(html: str) -> str:
    from bs4 import BeautifulSoup  # heavy; a poll answered 304 never needs it

    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc else "unknown parse error"
