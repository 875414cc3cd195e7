import re

import pytest

from tradewatch.urls import TRACKING_PARAMS, article_id, canonicalize_url, content_hash


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "HTTPS://EN.YNA.CO.KR/view/AEN20240305000100320",
            "https://en.yna.co.kr/view/AEN20240305000100320",
        ),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com?b=1", "https://example.com/?b=1"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        # tracking parameters go, whatever their case; the rest are sorted by name
        (
            "https://www.koreaherald.com/view.php?utm_source=rss&ud=20240305000612&UTM_Medium=x"
            "&fbclid=IwAR0&np=1",
            "https://www.koreaherald.com/view.php?np=1&ud=20240305000612",
        ),
        (
            "https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&ocid=4&cmpid=5&rss=1&ref=top&id=7",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?utm_source=x&utm_campaign=y", "https://example.com/a"),
        # repeated names keep their relative order; empty pairs are dropped
        ("https://example.com/a?tag=b&id=1&&tag=a", "https://example.com/a?id=1&tag=b&tag=a"),
        # a parameter that merely starts like a tracking one is kept
        (
            "https://example.com/a?referrer=x&rssfeed=1",
            "https://example.com/a?referrer=x&rssfeed=1",
        ),
        # escapes: unreserved decoded, others uppercased, raw unsafe characters encoded
        ("https://example.com/%7euser/a%2fb", "https://example.com/~user/a%2Fb"),
        ("https://example.com/news/%ec%95%88", "https://example.com/news/%EC%95%88"),
        (
            "https://example.com/news/안덕근 인터뷰",
            "https://example.com/news/%EC%95%88%EB%8D%95%EA%B7%BC%20%EC%9D%B8%ED%84%B0%EB%B7%B0",
        ),
        ("https://example.com/a?q=%e2%82%ac+x", "https://example.com/a?q=%E2%82%AC+x"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://西村.jp/a", "https://xn--brvt47e.jp/a"),
        # trailing slashes are meaningful on some sites and kept
        (
            "https://www.japantimes.co.jp/news/2024/03/05/",
            "https://www.japantimes.co.jp/news/2024/03/05/",
        ),
    ],
)
def test_canonicalize_url(raw: str, canonical: str) -> None:
    assert canonicalize_url(raw) == canonical


def test_canonicalize_is_idempotent() -> None:
    once = canonicalize_url("HTTP://Example.com:80/%7ea/b c?z=1&utm_term=q&a=%2f#x")
    assert once == "http://example.com/~a/b%20c?a=%2F&z=1"
    assert canonicalize_url(once) == once


def test_tracking_set_is_documented_lowercase() -> None:
    assert {"fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid", "rss", "ref"} <= TRACKING_PARAMS
    assert all(name == name.lower() for name in TRACKING_PARAMS)


def test_non_http_schemes_may_lack_a_host() -> None:
    assert canonicalize_url("file:///tmp/page.html") == "file:///tmp/page.html"


@pytest.mark.parametrize("raw", ["/news/1", "example.com/news", "https:///news", ""])
def test_relative_or_hostless_urls_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="not an absolute URL"):
        canonicalize_url(raw)


def test_article_id_is_short_stable_sha256() -> None:
    url = "https://en.yna.co.kr/view/AEN20240305000100320"
    assert re.fullmatch(r"[0-9a-f]{16}", article_id(url))
    assert article_id(url) == article_id(canonicalize_url(url + "?utm_source=rss#top"))
    assert article_id(url) != article_id(url + "1")


def test_article_id_known_value() -> None:
    # sha256("https://example.com/") = 0f115db0...; pinned so a refactor cannot re-key the DB
    assert article_id("https://example.com/") == "0f115db062b7c0dd"


def test_content_hash_ignores_spacing_and_case() -> None:
    a = content_hash('SEOUL -- Exports rose.\n\n"We will act," he said.')
    b = content_hash('  seoul -- exports ROSE. "We will act,"\the said.  ')
    assert a == b
    assert re.fullmatch(r"[0-9a-f]{64}", a)
    assert a != content_hash("SEOUL -- Exports fell.")


def test_content_hash_is_normalization_insensitive() -> None:
    composed = "Ahn Duk-geun (안덕근)"
    decomposed = "Ahn Duk-geun (\u110b\u1161\u11ab\ub355\uadfc)"
    assert composed != decomposed
    assert content_hash(composed) == content_hash(decomposed)


def test_content_hash_ignores_syndication_datelines_and_credits() -> None:
    body = (
        "Soulbrain Co. said Wednesday it will double its output of high-purity hydrogen "
        "fluoride by next year.\n\n"
        '"Our customers no longer need to look abroad for etching gas," a company official said.'
    )
    copy = f"August 16, 2023 (Mainichi Japan)\n\n{body}\n\n(Yonhap)\n\nJapanese version"
    assert content_hash(copy) == content_hash(body)
    assert content_hash(body) != content_hash(body.replace("double", "triple"))
