"""Korean and Japanese text survives every charset a page or feed may arrive in.

The fixture files in ``tests/fixtures/encodings`` are raw bytes (EUC-KR, cp949, Shift_JIS,
EUC-JP, ISO-2022-JP, UTF-8 with and without BOM); they hold no ``__BASE__`` token, so the
dev server sends them byte for byte, with its ``text/html; charset=utf-8`` header: for
every legacy page the header contradicts the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tradewatch.devserver import serve_directory
from tradewatch.extract import decode_html, extract_article
from tradewatch.fetching import HttpClient, HttpConfig
from tradewatch.sources.feeds import parse_feed

ENCODINGS = Path(__file__).resolve().parents[1] / "fixtures" / "encodings"
KOREAN = ["안덕근", "윤석열", "김똠양"]  # 똠 is a cp949 extension syllable, not in KS X 1001
JAPANESE = ["西村康稔", "岸田文雄"]
FETCHED_AT = datetime(2023, 8, 15, tzinfo=UTC)

PAGES = [
    ("euckr_meta.html", KOREAN),
    ("cp949_meta.html", KOREAN),
    ("euckr_undeclared.html", KOREAN),
    ("utf8_meta.html", KOREAN),
    ("utf8_bom_stale_meta.html", KOREAN),
    ("sjis_meta.html", [*JAPANESE, "髙橋一郎"]),  # 髙 exists only in cp932
    ("sjis_undeclared.html", [*JAPANESE, "髙橋一郎"]),
    ("utf8_stale_meta.html", [*JAPANESE, "髙橋一郎"]),
    ("eucjp_meta.html", [*JAPANESE, "高橋一郎、たかはし"]),
    ("iso2022jp_meta.html", [*JAPANESE, "高橋一郎、たかはし"]),
]


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serve_directory(ENCODINGS) as base:
        yield base


def test_fixtures_are_raw_bytes_the_server_will_not_touch() -> None:
    for path in ENCODINGS.iterdir():
        assert b"__BASE__" not in path.read_bytes(), path.name
    assert (ENCODINGS / "euckr_meta.html").read_bytes().count("안덕근".encode("cp949")) == 1


@pytest.mark.parametrize(("name", "names"), PAGES)
def test_served_page_round_trips_names(served: str, name: str, names: list[str]) -> None:
    client = HttpClient(HttpConfig(retries=0, min_host_gap=0.0), allow_private_network=True)
    result = client.get(f"{served}/{name}", kind="article", source="enc")
    assert result.ok, result.reason
    assert result.encoding == "utf-8"  # the dev server's header, wrong for legacy pages
    article = extract_article(
        result.body,
        url=result.final_url,
        source="enc",
        fetched_at=result.fetched_at,
        encoding=result.encoding,
    )
    for person in names:
        assert person in article.text, (name, person)
    assert "\ufffd" not in article.text
    assert article.title and article.title.startswith(("Ahn, Yoon", "Nishimura, Kishida"))


@pytest.mark.parametrize(
    ("legacy", "label", "wrong_label", "names"),
    [
        ("cp949", "euc-kr", "shift_jis", KOREAN),
        ("cp932", "shift_jis", "euc-kr", [*JAPANESE, "髙橋一郎"]),
        ("cp949", "euc-kr", "iso-8859-1", KOREAN),
        ("cp932", "shift_jis", "euc-jp", JAPANESE),
    ],
)
def test_header_and_meta_contradict_either_way(
    legacy: str, label: str, wrong_label: str, names: list[str]
) -> None:
    text = "<p>" + " ".join(names) + " met exporters in Seoul and Tokyo.</p>"
    # the server is right and the page's tag is stale ...
    stale_meta = f'<meta charset="{wrong_label}">{text}'.encode(legacy)
    assert decode_html(stale_meta, label).endswith(text)
    # ... and the other way round
    right_meta = f'<meta charset="{label}">{text}'.encode(legacy)
    assert decode_html(right_meta, wrong_label).endswith(text)


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("cp949", "<p>안덕근 장관과 윤석열 대통령</p>"),
        ("cp932", "<p>西村康稔経済産業相と岸田文雄首相</p>"),
        ("cp932", "<p>経済産業省は１４日、輸出管理の見直しを発表した。</p>"),
        ("euc_jp", "<p>経済産業省は輸出管理の見直しを発表した。</p>"),
    ],
)
def test_undeclared_legacy_bytes_are_detected(codec: str, text: str) -> None:
    assert decode_html(text.encode(codec)) == text
    assert decode_html(text.encode(codec), "utf-8") == text  # a wrong server default too


def test_truncated_legacy_page_keeps_its_declared_charset() -> None:
    page = '<meta charset="euc-kr"><p>안덕근 윤석열 장관</p>'.encode("cp949")
    cut = page[:-8]  # mid-character: the last syllable loses its trail byte
    assert not cut.decode("cp949", errors="replace").endswith(">")
    assert decode_html(cut).startswith('<meta charset="euc-kr"><p>안덕근 윤석열')


def test_iso_2022_jp_is_not_taken_for_ascii() -> None:
    data = "<p>岸田文雄</p>".encode("iso2022_jp")
    assert data.isascii() and decode_html(data) == "<p>岸田文雄</p>"


def test_xml_declaration_counts_as_the_documents_own_charset() -> None:
    data = '<?xml version="1.0" encoding="Shift_JIS"?><p>西村康稔 髙</p>'.encode("cp932")
    assert decode_html(data, "euc-kr").endswith("<p>西村康稔 髙</p>")


def test_euc_kr_rss_with_extension_syllable() -> None:
    found = parse_feed((ENCODINGS / "euckr_feed.xml").read_bytes(), "hanbando")
    assert found.error is None and not found.warnings
    first, second = found.candidates
    assert first.title == "Ahn Duk-geun (안덕근) seeks simpler export paperwork"
    assert first.summary and "안덕근" in first.summary
    assert first.published_at == datetime(2023, 8, 14, 1, 32, tzinfo=UTC)
    assert second.title == "Lawmaker Kim Ddom-yang (김똠양) questions consultation plan"
    assert second.summary and "윤석열" in second.summary


@pytest.mark.parametrize("content_type", [None, "application/atom+xml", "text/xml; charset=utf-8"])
def test_shift_jis_atom_with_cp932_kanji(content_type: str | None) -> None:
    body = (ENCODINGS / "sjis_feed.atom").read_bytes()
    found = parse_feed(body, "kbr", content_type=content_type)
    assert found.error is None
    first, second = found.candidates
    assert first.title == "西村康稔 says Japan will review export forms"
    assert first.summary == "Prime Minister 岸田文雄 asked ministries to report by year-end."
    assert second.title == "髙橋一郎: exporters spend more time on forms"
    # a kanji date with no zone is Japanese local time
    assert second.published_at == datetime(2023, 8, 14, 3, 10, tzinfo=UTC)
    assert second.published_raw == "2023年8月14日 12時10分"
