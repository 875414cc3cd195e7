"""Fuzzing the parsers with random bytes and mutated real-shaped feeds and pages.

Every parser here sees untrusted bytes from the network; one crash would end a source's
poll or an article's extraction without a reason in ``fetch_log``. Seeds are the fixture
site and the bundled sample site; mutations are byte flips, truncation, inserted tags,
entities and junk bytes, and swapped encoding declarations. Derandomized so CI sees the
same examples every run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewatch.dates import EARLIEST_YEAR, LATEST_YEAR, parse_datetime
from tradewatch.extract import ExtractionError, decode_html, extract_article
from tradewatch.sources.base import Discovery
from tradewatch.sources.feeds import parse_feed
from tradewatch.urls import canonicalize_url

ROOT = Path(__file__).resolve().parents[2]
SEED_DIRS = [ROOT / "tests" / "fixtures" / "site", ROOT / "include" / "samples"]
FEEDS = sorted(p for d in SEED_DIRS for p in d.rglob("*") if p.suffix in {".xml", ".atom"})
PAGES = sorted(p for d in SEED_DIRS for p in d.rglob("*.html"))
FETCHED_AT = datetime(2024, 3, 10, 3, 0, tzinfo=UTC)

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SNIPPETS = [
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&nbsp",
    b"&#0;",
    b"&#x110000;",
    b"&#xD800;",
    b"&amp;#1114112;",
    b"&#99999999999999999999;",
    b"\x00",
    b"\x0c",
    b"\r",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x1b$B",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<![if !IE]>",
    b"<!DOCTYPE html>",
    b"</item>",
    b"<entry>",
    b"</channel>",
    b"<p>",
    b"</article>",
    b"<div>" * 500,
    b"<script type='application/ld+json'>" + b"[" * 3000 + b"</script>",
    b'<script type="application/ld+json">{"@type":"NewsArticle","datePublished":'
    b'"0001-01-01T00:00:00+09:00"}</script>',
    b'<time datetime="9999-12-31T23:59:59-14:00">',
    b'<meta property="article:published_time" content="2023\xeb\x85\x84 8\xec\x9b\x94">',
    b'<link rel="canonical" href="http://[::1">',
    b'<meta property="og:url" content="https://exa mple.com:99999/">',
    b"<pubDate>Tue, 15 Aug 2023 25:61:00 KST</pubDate>",
    b"<link>javascript:alert(1)</link>",
    "<title>안덕근 西村康稔 髙</title>".encode("cp949", errors="replace"),
    "<title>岸田文雄 髙島屋</title>".encode("cp932"),
]
DECLARATIONS = [
    b'encoding="UTF-8"',
    b'encoding="EUC-KR"',
    b'encoding="Shift_JIS"',
    b'encoding="utf-16"',
    b'encoding="iso-2022-jp"',
    b'encoding="no-such-charset"',
    b'charset="euc-kr"',
    b"charset=shift_jis",
    b"charset=base64",
]
CHARSETS = st.sampled_from([None, "utf-8", "euc-kr", "shift_jis", "cp949", "iso-8859-1", "bogus"])


@st.composite
def mutated(draw: st.DrawFn, seeds: list[Path]) -> bytes:
    """A seed file after a few random edits."""
    data = bytearray(draw(st.sampled_from(seeds)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(["flip", "truncate", "snippet", "in_text", "junk", "declaration"])
        )
        at = draw(st.integers(0, len(data)))
        if op == "in_text":  # right inside an element's text, where parsers decode it
            starts = [i for i in range(len(data)) if data[i : i + 1] == b">"][:400]
            at = draw(st.sampled_from(starts)) + 1 if starts else at
            data[at:at] = draw(st.sampled_from(SNIPPETS))
        elif op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "snippet":
            data[at:at] = draw(st.sampled_from(SNIPPETS))
        elif op == "junk":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        else:
            data = _swap_declaration(data, draw(st.sampled_from(DECLARATIONS)))
    return bytes(data)


def _swap_declaration(data: bytearray, new: bytes) -> bytearray:
    for old in (b'encoding="UTF-8"', b'encoding="utf-8"', b'charset="utf-8"', b"charset=utf-8"):
        if old in data:
            return bytearray(bytes(data).replace(old, new, 1))
    return bytearray(new) + data


def _extract_or_extraction_error(body: bytes | str, encoding: str | None = None) -> str:
    """Extract; return "" on success or the :class:`ExtractionError` message."""
    try:
        article = extract_article(
            body,
            url="https://news.example/a/1",
            source="fuzz",
            fetched_at=FETCHED_AT,
            encoding=encoding,
        )
    except ExtractionError as exc:
        return str(exc)
    assert article.text.strip()
    assert article.published_at is not None and article.published_at.tzinfo is not None
    assert article.published_from in {"jsonld", "opengraph", "meta", "time", "feed", "fetched"}
    return ""


def test_seeds_are_present() -> None:
    assert len(FEEDS) >= 5 and len(PAGES) >= 10


@FUZZ
@given(
    st.binary(max_size=2000), st.sampled_from([None, "application/xml", "text/xml; charset=euc-kr"])
)
def test_parse_feed_random_bytes(body: bytes, content_type: str | None) -> None:
    assert isinstance(parse_feed(body, "fuzz", content_type=content_type), Discovery)


@FUZZ
@given(
    mutated(FEEDS), st.sampled_from([None, "application/rss+xml", "text/xml; charset=shift_jis"])
)
def test_parse_feed_mutated_feeds(body: bytes, content_type: str | None) -> None:
    found = parse_feed(body, "fuzz", content_type=content_type)
    assert isinstance(found, Discovery)
    for candidate in found.candidates:
        assert candidate.url.startswith(("http://", "https://"))
        if candidate.published_at is not None:
            assert EARLIEST_YEAR <= candidate.published_at.year <= LATEST_YEAR


@FUZZ
@given(st.binary(max_size=3000), CHARSETS)
def test_extract_article_random_bytes(body: bytes, encoding: str | None) -> None:
    _extract_or_extraction_error(body, encoding)


@FUZZ
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=2000))
def test_extract_article_random_text_with_surrogates_and_controls(body: str) -> None:
    # control characters and lone surrogates are dropped, never a reason to lose the page
    page = f"<html><body><article><p>{body}</p></article><nav>Home</nav>{body}</body></html>"
    assert not _extract_or_extraction_error(page).startswith("cannot parse")


@FUZZ
@given(mutated(PAGES), CHARSETS)
def test_extract_article_mutated_pages(body: bytes, encoding: str | None) -> None:
    _extract_or_extraction_error(body, encoding)


@FUZZ
@given(st.binary(max_size=2000), CHARSETS)
def test_decode_html_never_raises(body: bytes, encoding: str | None) -> None:
    assert isinstance(decode_html(body, encoding), str)


DATE_SEEDS = [
    "Tue, 15 Aug 2023 09:05:00 KST",
    "2023-08-14T10:32:00+09:00",
    "2023년 8월 14일 오후 3:10",
    "2023年8月14日（月）10時32分",
    "2023.08.14 10:32",
    "Aug. 14, 2023 10:32 KST",
    "August 14, 2023 at 10:32 a.m. JST",
    "Updated : 2023-08-14 10:32",
]


@FUZZ
@given(
    st.one_of(
        st.text(max_size=80),
        st.text(alphabet=st.characters(exclude_categories=()), max_size=300),
        st.builds(
            lambda seed, cut, junk: seed[:cut] + junk + seed[cut:],
            st.sampled_from(DATE_SEEDS),
            st.integers(0, 40),
            st.text(alphabet="0123456789:+-., 년월일年月日時分KSTJampPM", max_size=6),
        ),
    )
)
def test_parse_datetime_never_raises(value: str) -> None:
    parsed = parse_datetime(value)
    if parsed is not None:
        assert parsed.utc.tzinfo is UTC
        assert EARLIEST_YEAR - 1 <= parsed.utc.year <= LATEST_YEAR + 1
        assert parsed.offset is None or len(parsed.offset) == 6


@FUZZ
@given(
    st.one_of(
        st.text(max_size=120),
        st.builds(
            lambda scheme, host, rest: f"{scheme}://{host}{rest}",
            st.sampled_from(["http", "https", "HTTP", "ftp", "file"]),
            st.text(max_size=30),
            st.text(max_size=60),
        ),
    )
)
def test_canonicalize_url_raises_only_value_error(url: str) -> None:
    try:
        result = canonicalize_url(url)
    except ValueError:
        return
    assert isinstance(result, str) and "#" not in result
