import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import trafilatura

from tradewatch.extract import ExtractionError, decode_html, extract_article
from tradewatch.models import Article
from tradewatch.urls import article_id, canonicalize_url, content_hash

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
FETCHED_AT = datetime(2024, 3, 10, 3, 0, tzinfo=UTC)
BOILERPLATE = [
    "We will not back down",
    "Our patience is running out",
    "Most read",
    "cookie",
    "Accept all",
    "Share on",
    "Facebook",
    "Copy link",
    "Related articles",
    "You may also like",
    "All rights reserved",
    "Terms of use",
    "newsletter",
    "Opinion",
    "Subscribe",
]

# Inline pages for the encoding tests: English wire copy naming people in their own script.
KOREAN_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>Minister Ahn vows quick talks on export rules</title>
<meta name="pubdate" content="2024-03-08 09:00 KST">
</head><body>
<nav><a href="/">Home</a> <a href="/economy">Economy</a></nav>
<div class="cookie-notice"><p>We use cookies. Accept all cookies to continue.</p></div>
<article>
<h1>Minister Ahn vows quick talks on export rules</h1>
<div class="sns-share"><a href="#">Share on Facebook</a> <a href="#">Share on KakaoTalk</a></div>
<p>SEOUL, March 8 -- Trade Minister Ahn Duk-geun (안덕근) said Friday that Seoul and Tokyo
would open working-level talks on export licensing next month, citing steady progress since
the two sides restored each other's preferential trade status.</p>
<p>"Both governments understand that companies need predictable rules. We intend to move
quickly," Ahn said during a visit to a materials plant in Cheonan, South Chungcheong Province.</p>
<p>The ministry said the talks would cover about 30 items, including etching gases and
photoresists, and that a joint statement could follow by the summer.</p>
</article>
<aside class="most-read"><h3>Most read</h3>
<p>"We will not back down," minister says</p></aside>
<footer><p>Copyright Hanbando Wire. All rights reserved.</p></footer>
</body></html>"""

JAPANESE_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>Nishimura says chip subsidy plan on track | Kansai Business Report</title>
<script type="application/ld+json">
[{"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": []},
 {"@context": "https://schema.org", "@type": ["NewsArticle"],
  "headline": "Nishimura says chip subsidy plan on track",
  "datePublished": "2024-03-09T08:30:00+09:00"}]
</script>
</head><body>
<header><nav><a href="/">トップ</a> <a href="/business">Business</a></nav></header>
<main>
<div class="share-buttons"><a href="#">Share on X</a> <a href="#">LINE</a></div>
<div class="article-text">
<p>OSAKA -- Economy Minister Yasutoshi Nishimura (西村康稔) said Saturday that a subsidy plan
for a new chip plant in Kumamoto remained on schedule, despite rising construction costs.</p>
<p>"We have secured the budget, and the companies involved have kept every promise so far,"
Nishimura told reporters after meeting business leaders, including executives of department
store operator Takashimaya (髙島屋).</p>
<p>The government has earmarked about 900 billion yen for the project, according to the
ministry.</p>
</div>
</main>
<aside class="ranking"><h3>Most read</h3>
<ol><li>"We will not back down," minister says</li></ol></aside>
</body></html>"""

BODY = """<article><h1>Steel tariffs eased for autumn quarter</h1>
<p>SEOUL -- South Korea will cut tariffs on imported steel plate for three months, the finance
ministry said Monday, after shipbuilders complained of shortages.</p>
<p>"This is a temporary measure to protect delivery schedules," a ministry official said,
adding that the cut would be reviewed in December.</p>
<p>Imports from Japan account for about a third of the country's steel plate purchases.</p>
</article>"""


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def doc(head: str = "", body: str = BODY, lang: str = ' lang="en"') -> str:
    return f"<!DOCTYPE html><html{lang}><head>{head}</head><body>{body}</body></html>"


def run(html: bytes | str, url: str = "https://news.example/a/1", **kwargs: object) -> Article:
    kwargs.setdefault("fetched_at", FETCHED_AT)
    return extract_article(html, url=url, source="test", **kwargs)  # type: ignore[arg-type]


def paragraphs(article: Article) -> list[str]:
    return article.text.split("\n\n")


# --- body text -----------------------------------------------------------------------


def test_seoul_page_text_is_exactly_the_article_paragraphs() -> None:
    article = run(page("seoul_jsonld.html"))
    paras = paragraphs(article)
    assert len(paras) == 7
    assert paras[0].startswith("SEOUL, March 5 -- South Korea and Japan agreed Tuesday")
    assert paras[1].startswith("Trade Minister Ahn Duk-geun and his Japanese counterpart")
    assert paras[-1].endswith("demand for memory chips remains uneven.")
    assert all(p == p.strip() and "\n" not in p for p in paras)


def test_quote_running_across_paragraphs_keeps_the_blank_line() -> None:
    text = run(page("seoul_jsonld.html")).text
    assert (
        '"This is the moment our companies have been waiting for. Supply chains do not respect'
        " political calendars, and neither should our export rules."
        '\n\n"We now have a framework that can survive the next disagreement," Ahn told reporters'
    ) in text


@pytest.mark.parametrize("name", ["seoul_jsonld.html", "tokyo_og_only.html", "time_only.html"])
def test_boilerplate_never_reaches_the_text(name: str) -> None:
    text = run(page(name)).text
    for phrase in BOILERPLATE:
        assert phrase.lower() not in text.lower(), phrase


@pytest.mark.parametrize("name", ["tokyo_og_only.html", "time_only.html"])
def test_headline_is_not_repeated_as_first_paragraph(name: str) -> None:
    article = run(page(name))
    assert article.title
    assert paragraphs(article)[0] != article.title
    assert paragraphs(article)[0].split(" -- ")[0] in {"TOKYO", "BUSAN"}


def test_quotes_in_the_story_survive() -> None:
    text = run(page("time_only.html")).text
    assert (
        '"Japanese owners trust our delivery schedules again, and that matters more than price,"'
        ' an official at one of the yards said. "We expect more inquiries in the second half."'
    ) in text


def test_fallback_takes_largest_paragraph_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    article = run(page("seoul_jsonld.html"))
    paras = paragraphs(article)
    assert len(paras) == 7
    assert paras[0].startswith("SEOUL, March 5 --")
    for phrase in BOILERPLATE:
        assert phrase.lower() not in article.text.lower(), phrase


def test_boilerplate_class_on_the_article_wrapper_does_not_blank_it() -> None:
    body = BODY.replace("<article>", '<article class="story has-comments">')
    body += '<div class="comments"><p>"Great news," reader writes</p></div>'
    text = run(doc(body=body)).text
    assert text.startswith("SEOUL -- South Korea will cut tariffs")
    assert "reader writes" not in text


def test_mega_menu_is_dropped_even_when_it_outweighs_a_short_story() -> None:
    menu = "<nav><ul>" + "".join(f"<li>Section number {i}</li>" for i in range(200)) + "</ul></nav>"
    brief = "<article><p>SEOUL -- Exports rose 4 percent in February, data showed.</p></article>"
    text = run(doc(body=menu + brief)).text
    assert text == "SEOUL -- Exports rose 4 percent in February, data showed."


@pytest.mark.parametrize(
    "box",
    [
        '<div class="article-foot"><p>Japanese version | Related: Business</p></div>',
        '<ul class="articledetail-share"><li>Hatena</li><li>Pocket</li></ul>',
        '<div id="sns_area"><p>KakaoTalk Band</p></div>',
        '<div class="ranking-list"><p>"We will not back down," minister says</p></div>',
        '<div class="relatedNews"><p>Shipbuilders rally on orders</p></div>',
    ],
)
def test_boilerplate_boxes_inside_the_article_are_dropped(box: str) -> None:
    text = run(doc(body=BODY.replace("</article>", box + "</article>"))).text
    assert text.endswith("about a third of the country's steel plate purchases.")


def test_unkeyable_url_raises_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="not an absolute URL"):
        run(doc(), url="/a/1")


def test_xhtml_string_with_xml_declaration() -> None:
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + doc()
    assert run(xhtml).text.startswith("SEOUL -- South Korea will cut tariffs")


@pytest.mark.parametrize(
    "html",
    [
        doc(body="<nav><a href='/'>Home</a></nav><div class='cookie-banner'>We use cookies</div>"),
        doc(body=""),
        "",
        b"   ",
    ],
)
def test_pages_without_text_raise_extraction_error(html: str | bytes) -> None:
    with pytest.raises(ExtractionError, match=r"news\.example") as info:
        run(html)
    assert isinstance(info.value, ValueError)


# --- metadata ------------------------------------------------------------------------


def test_seoul_page_metadata() -> None:
    url = "https://en.seoulledger.example/news/2024/03/05/trade-whitelist?utm_source=rss"
    article = run(page("seoul_jsonld.html"), url=url, raw_path="raw/ab/cd.html.gz")
    assert article.title == "S. Korea, Japan agree to restore fast-track export status"
    # the NewsArticle node wins over the WebPage node and over article:published_time
    assert article.published_at == datetime(2024, 3, 5, 5, 30, tzinfo=UTC)
    assert article.published_offset == "+09:00"
    assert article.published_from == "jsonld"
    assert article.canonical_url == "https://en.seoulledger.example/news/2024/03/05/trade-whitelist"
    assert article.article_id == article_id(article.canonical_url)
    assert article.url == url
    assert article.lang == "en"
    assert article.content_hash == content_hash(article.text)
    assert (article.source, article.fetched_at, article.raw_path) == (
        "test",
        FETCHED_AT,
        "raw/ab/cd.html.gz",
    )


def test_og_only_page_metadata() -> None:
    url = "https://tokyoherald.example/news/2024/03/06/business/chip-screening/"
    article = run(page("tokyo_og_only.html"), url=url)
    assert article.title == "Japan to tighten export screening for chip materials"
    assert article.published_at == datetime(2024, 3, 6, 1, 15, tzinfo=UTC)
    assert article.published_offset == "+09:00"
    assert article.published_from == "opengraph"
    # og:url on the www. variant of the fetched host is trusted; its tracking params are not
    assert (
        article.canonical_url
        == "https://www.tokyoherald.example/news/2024/03/06/business/chip-screening/?page=1"
    )


def test_time_only_page_uses_the_article_time_not_the_clock_or_sidebar() -> None:
    url = "https://busandaily.example/industry/2024/03/07/lng?utm_medium=social&ocid=x"
    article = run(page("time_only.html"), url=url)
    assert article.published_at == datetime(2024, 3, 7, 8, 5, tzinfo=UTC)
    assert article.published_offset == "+09:00"
    assert article.published_from == "time"
    assert article.title == "Shipbuilders win LNG carrier orders worth $3 billion"
    # the canonical points at a partner site, so our own URL is the key
    assert article.canonical_url == "https://busandaily.example/industry/2024/03/07/lng"
    assert article.article_id == article_id(canonicalize_url(url))
    assert article.lang == "en"


@pytest.mark.parametrize(
    ("head", "utc", "offset", "origin"),
    [
        (
            '<meta name="pubdate" content="2024-03-08 09:00 KST">',
            datetime(2024, 3, 8, 0, 0, tzinfo=UTC),
            "+09:00",
            "meta",
        ),
        (
            '<meta name="date" content="2024-03-08T09:00:00 JST">',
            datetime(2024, 3, 8, 0, 0, tzinfo=UTC),
            "+09:00",
            "meta",
        ),
        (
            '<meta property="og:article:published_time" content="2024-03-08T00:00:00Z">',
            datetime(2024, 3, 8, 0, 0, tzinfo=UTC),
            "+00:00",
            "opengraph",
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2024-03-08"}</script>',
            datetime(2024, 3, 8, tzinfo=UTC),
            None,
            "jsonld",
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2024-03-08T09:15:00"}</script>',
            datetime(2024, 3, 8, 9, 15, tzinfo=UTC),
            None,
            "jsonld",
        ),
        (
            # unparsable and broken JSON-LD fall through to the next source
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "last Tuesday"}</script>'
            '<script type="application/ld+json">{"broken": </script>'
            '<meta property="article:published_time" content="2024-03-08T18:00:00+0900">',
            datetime(2024, 3, 8, 9, 0, tzinfo=UTC),
            "+09:00",
            "opengraph",
        ),
        (
            '<script type="application/ld+json"><!--\n{"@graph": [{"@type": "WebPage"}, '
            '{"@type": "ReportageNewsArticle", "datePublished": ["2024-03-08T07:00:00-05:00"]}]}'
            "\n--></script>",
            datetime(2024, 3, 8, 12, 0, tzinfo=UTC),
            "-05:00",
            "jsonld",
        ),
    ],
)
def test_published_time_sources(head: str, utc: datetime, offset: str | None, origin: str) -> None:
    article = run(doc(head=head))
    assert (article.published_at, article.published_offset, article.published_from) == (
        utc,
        offset,
        origin,
    )
    assert article.published_at is not None and article.published_at.tzinfo is UTC


def test_feed_date_is_the_last_resort() -> None:
    kst = timezone(timedelta(hours=9))
    article = run(doc(), feed_published=datetime(2024, 3, 5, 14, 30, tzinfo=kst))
    assert article.published_at == datetime(2024, 3, 5, 5, 30, tzinfo=UTC)
    assert (article.published_offset, article.published_from) == ("+09:00", "feed")

    raw = run(
        doc(),
        feed_published=datetime(2024, 3, 5, 14, 30, tzinfo=UTC),  # feedparser read KST as UTC
        feed_published_raw="Tue, 05 Mar 2024 14:30:00 KST",
    )
    assert raw.published_at == datetime(2024, 3, 5, 5, 30, tzinfo=UTC)
    assert (raw.published_offset, raw.published_from) == ("+09:00", "feed")

    naive = run(doc(), feed_published=datetime(2024, 3, 5, 14, 30))
    assert naive.published_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert (naive.published_offset, naive.published_from) == (None, "feed")

    page_wins = run(page("time_only.html"), feed_published=datetime(2020, 1, 1, tzinfo=UTC))
    assert page_wins.published_from == "time"


def test_no_date_anywhere_falls_back_to_fetch_time() -> None:
    article = run(doc())
    assert (article.published_at, article.published_offset, article.published_from) == (
        FETCHED_AT,
        None,
        "fetched",
    )
    local_fetch = run(
        doc(), fetched_at=datetime(2024, 3, 10, 12, 0, tzinfo=timezone(timedelta(hours=9)))
    )
    assert local_fetch.published_at == datetime(2024, 3, 10, 3, 0, tzinfo=UTC)
    assert local_fetch.published_at.tzinfo is UTC


def test_placeholder_dates_fall_through_to_the_next_source() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "0001-01-01T00:00:00Z"}</script>'
        '<meta name="pubdate" content="2023년 8월 14일 오후 3:10">'
    )
    article = run(doc(head=head))
    assert article.published_at == datetime(2023, 8, 14, 6, 10, tzinfo=UTC)
    assert (article.published_offset, article.published_from) == ("+09:00", "meta")
    zero = datetime(1, 1, 1, tzinfo=UTC)
    assert run(doc(), feed_published=zero).published_from == "fetched"


@pytest.mark.parametrize(
    ("head", "body", "feed_title", "title"),
    [
        (
            "<title>Steel tariffs eased for autumn quarter - Yonhap News Agency</title>",
            BODY.replace("<h1>Steel tariffs eased for autumn quarter</h1>", ""),
            None,
            "Steel tariffs eased for autumn quarter",
        ),
        (
            "<title>Exports - rise again | The Japan Times</title>",
            BODY.replace("<h1>Steel tariffs eased for autumn quarter</h1>", ""),
            None,
            "Exports - rise again",
        ),
        (
            # an unknown suffix could be part of the headline, so it stays
            "<title>Ahn meets Nishimura - talks go on</title>",
            BODY.replace("<h1>Steel tariffs eased for autumn quarter</h1>", ""),
            None,
            "Ahn meets Nishimura - talks go on",
        ),
        (
            '<meta property="og:title" content="Ahn meets Nishimura | Seoul Ledger">'
            '<meta property="og:site_name" content="Seoul Ledger">',
            BODY,
            None,
            "Ahn meets Nishimura",
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "JSON-LD headline"}</script><title>Title tag</title>',
            BODY,
            None,
            "JSON-LD headline",
        ),
        ("<title>Title tag</title>", BODY, None, "Steel tariffs eased for autumn quarter"),
        (
            "",
            BODY.replace("<h1>Steel tariffs eased for autumn quarter</h1>", ""),
            "Feed title",
            "Feed title",
        ),
        ("", BODY.replace("<h1>Steel tariffs eased for autumn quarter</h1>", ""), None, None),
    ],
)
def test_title_priority_and_suffix_stripping(
    head: str, body: str, feed_title: str | None, title: str | None
) -> None:
    assert run(doc(head=head, body=body), feed_title=feed_title).title == title


@pytest.mark.parametrize(
    ("lang", "head", "feed_lang", "expected"),
    [
        (' lang="EN_us"', "", None, ("en", "en")),
        ("", '<meta http-equiv="Content-Language" content="en-GB">', None, ("en", "en")),
        (' lang="eng"', "", None, ("en", "en")),
        ("", "", None, ("en", None)),
        # The page's declaration comes before its feed's.
        (' lang="en"', "", "ko", ("en", "en")),
        ("", "", "en-us", ("en", "en")),
        # The (English) text overrules a declaration in another script.
        (' lang="ko-KR"', "", None, ("en", "ko")),
        ("", '<meta property="og:locale" content="ja_JP">', None, ("en", "ja")),
        # Latin script cannot tell English from French: the declaration stands.
        ("", "", "fr", ("fr", "fr")),
    ],
)
def test_lang(
    lang: str, head: str, feed_lang: str | None, expected: tuple[str, str | None]
) -> None:
    article = run(doc(head=head, lang=lang), feed_lang=feed_lang)
    assert (article.lang, article.lang_declared) == expected


def test_canonical_rules() -> None:
    relative = '<link rel="canonical" href="/a/1?utm_campaign=x#top">'
    assert run(doc(head=relative)).canonical_url == "https://news.example/a/1"
    other_host = '<link rel="canonical" href="https://aggregator.example/a/1">'
    assert run(doc(head=other_host), url="https://news.example/a/2").canonical_url == (
        "https://news.example/a/2"
    )
    # a rejected canonical falls through to og:url when that one is on our host
    both = other_host + '<meta property="og:url" content="https://www.news.example/a/1">'
    assert run(doc(head=both)).canonical_url == "https://www.news.example/a/1"


# --- decoding ------------------------------------------------------------------------


@pytest.mark.parametrize("hint", [None, "euc-kr", "EUC-KR", "ks_c_5601-1987", "iso-8859-1"])
def test_euc_kr_page_round_trips_korean_names(hint: str | None) -> None:
    data = KOREAN_PAGE.encode("euc-kr")
    article = run(data, encoding=hint)
    assert "Trade Minister Ahn Duk-geun (안덕근) said Friday" in article.text
    assert article.title == "Minister Ahn vows quick talks on export rules"
    assert article.published_at == datetime(2024, 3, 8, 0, 0, tzinfo=UTC)
    assert (article.published_offset, article.published_from) == ("+09:00", "meta")
    for phrase in BOILERPLATE:
        assert phrase.lower() not in article.text.lower(), phrase


@pytest.mark.parametrize("hint", [None, "shift_jis", "Shift-JIS", "utf-8"])
def test_shift_jis_page_round_trips_japanese_names(hint: str | None) -> None:
    # 髙 only exists in cp932, the superset real "Shift_JIS" sites use
    data = JAPANESE_PAGE.encode("cp932")
    article = run(data, encoding=hint)
    assert "Economy Minister Yasutoshi Nishimura (西村康稔) said Saturday" in article.text
    assert "Takashimaya (髙島屋)." in article.text
    assert article.title == "Nishimura says chip subsidy plan on track"
    assert article.published_at == datetime(2024, 3, 8, 23, 30, tzinfo=UTC)
    assert (article.published_offset, article.published_from) == ("+09:00", "jsonld")
    assert "We will not back down" not in article.text
    assert "トップ" not in article.text


def test_header_charset_is_used_when_the_page_declares_none() -> None:
    data = KOREAN_PAGE.replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">', ""
    )
    assert "안덕근" in run(data.encode("cp949"), encoding="cp949").text


@pytest.mark.parametrize(
    ("meta", "legacy", "text"),
    [("shift_jis", "cp932", "東京 日本"), ("euc-kr", "cp949", "西村康稔")],
)
def test_valid_utf8_beats_a_stale_legacy_meta_tag(meta: str, legacy: str, text: str) -> None:
    data = f'<meta charset="{meta}"><p>{text}</p>'.encode()
    # these UTF-8 bytes also decode "cleanly" as cp932/cp949 mojibake, so order matters
    assert data.decode(legacy) != data.decode()
    assert decode_html(data, "utf-8").endswith(f"<p>{text}</p>")


def test_decode_html_rules() -> None:
    korean = "<p>똠양 안덕근</p>"  # 똠 is a cp949 extension, outside strict EUC-KR
    assert decode_html(b'<meta charset="euc-kr">' + korean.encode("cp949")).endswith(korean)
    assert decode_html(korean.encode("utf-8"), "euc-kr") == korean  # undeclared in page
    assert decode_html(b"\xef\xbb\xbf<p>\xe8\xa5\xbf\xe6\x9d\x91</p>", "euc-kr") == "<p>西村</p>"
    assert decode_html("<p>안</p>".encode(), "no-such-charset") == "<p>안</p>"
    assert decode_html(b"<p>\xff\xfe\xfa bad</p>") == "<p>\ufffd\ufffd\ufffd bad</p>"
    assert decode_html(b"<p>plain</p>", "base64") == "<p>plain</p>"
    # a server default of Latin-1 must not turn a UTF-8 page into mojibake
    assert decode_html("<p>Café 西村</p>".encode(), "iso-8859-1") == "<p>Café 西村</p>"
    # undecodable bytes: the page's own declaration decides, with U+FFFD for the bad byte
    euc = '<meta charset="euc-kr"><p>안덕근</p>'.encode("cp949") + b"\xff"
    assert decode_html(euc, "utf-8").endswith("<p>안덕근</p>\ufffd")
    assert decode_html('<meta charset="utf-16"><p>안</p>'.encode()).endswith("<p>안</p>")


def test_text_and_title_are_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "안덕근 and Café")
    html = doc(head=f"<title>{nfd}</title>", body=BODY.replace("Monday", f"Monday ({nfd})"))
    article = run(html.replace("<h1>Steel tariffs eased for autumn quarter</h1>", ""))
    assert "Monday (안덕근 and Café)" in article.text
    assert article.title == "안덕근 and Café"
    assert unicodedata.is_normalized("NFC", article.text)


def test_euc_jp_page_with_kana_round_trips() -> None:
    html = JAPANESE_PAGE.replace("charset=Shift_JIS", "charset=EUC-JP").replace("髙", "高")
    article = run(html.encode("euc_jp"), encoding="utf-8")
    assert "Economy Minister Yasutoshi Nishimura (西村康稔) said Saturday" in article.text


# --- robustness: crash classes found by tests/fuzz --------------------------------------


def test_control_characters_in_dropped_boilerplate_do_not_crash() -> None:
    # lxml refused to re-attach a dropped nav's tail holding \x01 (ValueError)
    body = BODY + "<nav><a href='/'>Home</a></nav>tail\x01text\x00"
    article = run(doc(body=body))
    assert article.text.startswith("SEOUL -- South Korea will cut tariffs")


def test_nul_and_surrogates_do_not_lose_the_page() -> None:
    body = BODY.replace("finance\nministry", "finance\x00 \ud800ministry")
    article = run(doc(body=body))
    assert "the finance ministry said Monday" in article.text


def test_deeply_nested_json_ld_is_skipped() -> None:
    # json.loads raised RecursionError, which is not a ValueError
    deep = '<script type="application/ld+json">' + "[" * 5000 + "</script>"
    nested = '<script type="application/ld+json">' + '{"a":' * 200 + "1" + "}" * 200 + "</script>"
    article = run(doc(head=deep + nested + '<meta name="pubdate" content="2024-03-08 09:00 KST">'))
    assert (article.published_from, article.published_offset) == ("meta", "+09:00")
