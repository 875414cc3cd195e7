"""URL canonicalization and the stable identifiers derived from it.

The same story reaches us through feeds, share links and redirects with different
tracking parameters, host casing and escaping; ``article_id`` must not change with any of
that, or the load stage would store the same article twice.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

__all__ = [
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "article_id",
    "canonicalize_url",
    "content_hash",
]

#: Query parameters (compared case-insensitively) that only say how a reader arrived.
TRACKING_PARAMS = frozenset(
    {
        "_ga",
        "_gl",
        "cmpid",
        "dclid",
        "fbclid",
        "gbraid",
        "gclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "msclkid",
        "ocid",
        "ref",
        "ref_src",
        "ref_url",
        "rss",
        "s_cid",
        "twclid",
        "wbraid",
        "yclid",
    }
)
#: Any parameter whose lowercased name starts with one of these is tracking too.
TRACKING_PREFIXES = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = _UNRESERVED | frozenset("!$'()*+,;=:@/?")
_ESCAPE_OR_CHAR = re.compile(r"%[0-9A-Fa-f]{2}|.", re.DOTALL)


def canonicalize_url(url: str) -> str:
    """Return the one spelling of ``url`` we key articles on.

    Lowercases scheme and host (IDNA-encoding non-ASCII hosts), drops userinfo, default
    ports, the fragment and tracking parameters (:data:`TRACKING_PARAMS`,
    :data:`TRACKING_PREFIXES`); sorts the remaining parameters by name, keeping the order
    of repeated names; turns an empty path into ``/``; decodes escaped unreserved
    characters, uppercases other escapes and escapes raw unsafe characters as UTF-8.
    Trailing slashes and ``+`` are kept as-is: sites differ on whether they matter.

    Raises ``ValueError`` when ``url`` has no scheme, or is http(s) without a host; other
    schemes may lack one (``file:///page.html`` from the CLI).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if not scheme or (scheme in _DEFAULT_PORTS and not parts.hostname):
        raise ValueError(f"not an absolute URL: {url!r}")
    host = _ascii_host((parts.hostname or "").rstrip("."))
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = _normalize_escapes(parts.path, _PATH_SAFE) or "/"
    return urlunsplit((scheme, netloc, path, _canonical_query(parts.query), ""))


def article_id(canonical_url: str) -> str:
    """Short stable key of an article: first 16 hex chars of sha256 of its canonical URL.

    Pass the output of :func:`canonicalize_url`; this function does not canonicalize again.
    """
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


SUBSTANTIVE_WORDS = 8
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def content_hash(text: str) -> str:
    """sha256 hex of ``text``'s substantive paragraphs after NFC, whitespace and case folding.

    Detects the same body republished under another URL: syndication partners add their
    own datelines, credit lines and section links, which are short paragraphs, so only
    paragraphs of at least ``SUBSTANTIVE_WORDS`` words count (all text if none does).
    """
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text) if len(p.split()) >= SUBSTANTIVE_WORDS]
    basis = " ".join(paragraphs) if paragraphs else text
    normalized = " ".join(unicodedata.normalize("NFC", basis).split()).casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _canonical_query(query: str) -> str:
    kept: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        lowered = unquote_plus(name).strip().lower()
        if lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES):
            continue
        name = _normalize_escapes(name, _QUERY_SAFE)
        kept.append((name, sep + _normalize_escapes(value, _QUERY_SAFE)))
    kept.sort(key=lambda pair: pair[0])
    return "&".join(name + rest for name, rest in kept)


def _normalize_escapes(component: str, safe: frozenset[str]) -> str:
    def fix(match: re.Match[str]) -> str:
        token = match.group()
        if len(token) == 3:
            char = chr(int(token[1:], 16))
            return char if char in _UNRESERVED else token.upper()
        return token if token in safe else quote(token, safe="")

    return _ESCAPE_OR_CHAR.sub(fix, component)
