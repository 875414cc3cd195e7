from datetime import UTC, datetime
from pathlib import Path

from tradewatch.archive import RawArchive
from tradewatch.devserver import serve_directory
from tradewatch.fetching import HttpClient, HttpConfig
from tradewatch.models import SourceSpec
from tradewatch.sources import discover_source
from tradewatch.sources.feeds import parse_feed

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>Seoul, Tokyo restore fast-track trade status</title>
<link>http://news.example/a?utm_source=rss</link>
<description>&lt;p&gt;South Korea &lt;b&gt;and&lt;/b&gt; Japan&lt;/p&gt;</description>
<pubDate>Tue, 15 Aug 2023 09:05:00 KST</pubDate></item>
<item><title>No date on this one</title><link>http://news.example/b</link></item>
<item><title>No link at all</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>JT</title><id>urn:x</id>
<updated>2023-08-14T12:00:00+09:00</updated>
<entry><title>Tokyo eases chip material curbs</title>
<link rel="alternate" href="http://jt.example/2023/08/14/curbs/"/>
<id>urn:uuid:1</id><published>2023-08-14T10:32:00+09:00</published>
<updated>2023-08-14T11:00:00+09:00</updated><summary>Summary</summary></entry>
</feed>"""


def test_rss_items_with_kst_dates_and_plain_summaries() -> None:
    found = parse_feed(RSS, "wire")
    assert found.error is None
    first, second = found.candidates
    assert first.url == "http://news.example/a?utm_source=rss"
    assert first.published_at == datetime(2023, 8, 15, 0, 5, tzinfo=UTC)
    assert first.published_raw == "Tue, 15 Aug 2023 09:05:00 KST"
    assert first.summary == "South Korea and Japan"
    assert second.published_at is None
    assert any("without a link" in w for w in found.warnings)


def test_atom_published_preferred_over_updated() -> None:
    [entry] = parse_feed(ATOM, "jt").candidates
    assert entry.url == "http://jt.example/2023/08/14/curbs/"
    assert entry.published_at == datetime(2023, 8, 14, 1, 32, tzinfo=UTC)
    assert entry.title == "Tokyo eases chip material curbs"


def test_html_error_page_is_not_a_feed() -> None:
    found = parse_feed(b"<!doctype html><html><body>Service unavailable</body></html>", "x")
    assert found.candidates == [] and "not an RSS/Atom" in (found.error or "")


def test_truncated_feed_keeps_what_parsed() -> None:
    cut = RSS[: RSS.index(b"<item><title>No date")]
    found = parse_feed(cut, "wire")
    assert [c.title for c in found.candidates] == ["Seoul, Tokyo restore fast-track trade status"]
    assert any("malformed" in w for w in found.warnings)


def test_discover_fetches_and_archives_snapshot(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "feed.xml").write_bytes(RSS.replace(b"http://news.example", b"__BASE__"))
    archive = RawArchive(tmp_path / "data")
    with serve_directory(site) as base:
        spec = SourceSpec(name="wire", type="rss", url=f"{base}/feed.xml")
        client = HttpClient(HttpConfig(retries=0, min_host_gap=0.0), allow_private_network=True)
        found = discover_source(spec, client, archive)
        missing = discover_source(
            SourceSpec(name="gone", type="rss", url=f"{base}/missing.xml"), client, archive
        )
    assert next(c.url for c in found.candidates) == f"{base}/a?utm_source=rss"
    assert found.snapshot_path and archive.read(found.snapshot_path).meta["source"] == "wire"
    assert missing.candidates == [] and "404" in (missing.error or "")
    assert [e.outcome for e in client.log if e.kind == "feed"] == ["ok", "http_error"]


def test_bad_character_references_do_not_crash_feedparser() -> None:
    # feedparser's fallback parser called chr() on these: ValueError / UnicodeEncodeError
    for ref in (b"&#x110000;", b"&#xD800;", b"&amp;#1114112;", b"&#0;", b"&#" + b"9" * 5000 + b";"):
        body = RSS.replace(b"&lt;b&gt;and&lt;/b&gt;", b"and " + ref)
        found = parse_feed(body, "wire")
        assert [c.title for c in found.candidates][:1] == [
            "Seoul, Tokyo restore fast-track trade status"
        ], ref


def test_control_characters_in_a_feed_are_dropped() -> None:
    body = RSS.replace(b"fast-track", b"fast-\x01track\x00")
    assert parse_feed(body, "wire").candidates[0].title == (
        "Seoul, Tokyo restore fast-track trade status"
    )


def test_placeholder_feed_dates_are_not_used() -> None:
    body = RSS.replace(b"Tue, 15 Aug 2023 09:05:00 KST", b"Mon, 01 Jan 0001 00:00:00 GMT")
    first = parse_feed(body, "wire").candidates[0]
    assert first.published_at is None
    assert first.published_raw == "Mon, 01 Jan 0001 00:00:00 GMT"


def test_utf16_feed_with_bom_is_a_feed() -> None:
    body = RSS.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    found = parse_feed(body, "wire")
    assert found.error is None and len(found.candidates) == 2


def test_http_charset_decodes_an_undeclared_feed() -> None:
    body = (
        RSS.replace(b'<?xml version="1.0" encoding="UTF-8"?>\n', b"")
        .replace(b"Wire</title>", "안덕근 Wire</title>".encode("cp949"))
        .replace(b"fast-track", "안덕근".encode("cp949"))
    )
    found = parse_feed(body, "wire", content_type="application/rss+xml; charset=EUC-KR")
    assert found.candidates[0].title == "Seoul, Tokyo restore 안덕근 trade status"


def test_feed_served_as_html_is_not_a_warning() -> None:
    found = parse_feed(RSS, "wire", content_type="text/html; charset=utf-8")
    assert len(found.candidates) == 2
    assert not any("malformed" in w for w in found.warnings)


def test_items_carry_the_language_their_feed_declares() -> None:
    rss = RSS.replace(b"<channel>", b"<channel><language>ko-KR</language>", 1)
    assert {c.lang for c in parse_feed(rss, "wire").candidates} == {"ko-KR"}
    assert {c.lang for c in parse_feed(RSS, "wire").candidates} == {None}
    atom = ATOM.replace(b"<feed ", b'<feed xml:lang="ja" ', 1)
    assert {c.lang for c in parse_feed(atom, "jt").candidates} == {"ja"}
