"""Which language an article is stored and analysed under: the declaration, checked
against the script of the text."""

from __future__ import annotations

import pytest

from tradewatch.lang import normalise, resolve_language, script_language

KOREAN = "산업통상자원부는 일본의 수출규제 조치에 대해 세계무역기구에 제소하겠다고 밝혔다."
JAPANESE = "経済産業省は韓国向けの半導体材料の輸出管理を厳格化すると発表しました。"
CHINESE = "中国商务部表示，中日韩三国经贸部长会议于本周在首尔举行，三方同意加快谈判。"
ENGLISH = (
    "Japan said on Tuesday it would restore South Korea to its white list of trading partners."
)
FRENCH = "Le Japon a annoncé mardi qu'il réintégrait la Corée du Sud dans sa liste blanche."
RUSSIAN = "Япония объявила во вторник, что вернет Южную Корею в свой белый список партнеров."


@pytest.mark.parametrize(
    ("text", "script"),
    [
        (KOREAN, "ko"),
        (JAPANESE, "ja"),
        (CHINESE, "zh"),
        (ENGLISH, "latin"),
        (FRENCH, "latin"),
        (RUSSIAN, "other"),
        ("WTO 제소", None),
        # Korean copy full of Latin names and numbers is still Korean.
        (
            "SK하이닉스와 삼성전자는 2019년 7월 JSR, TOK, Stella Chemifa의 "
            "제품을 대체했다고 밝혔다.",
            "ko",
        ),
        # Japanese copy is mostly kanji; its kana give it away.
        ("日本政府は輸出管理を厳格化し、韓国を白色国家から除外した。", "ja"),
    ],
)
def test_the_script_tells_ko_ja_zh(text: str, script: str | None) -> None:
    assert script_language(text) == script


@pytest.mark.parametrize(
    ("declared", "text", "code"),
    [
        ("ko", KOREAN, "ko"),
        ("ko-KR", KOREAN, "ko"),
        ("ja_JP", JAPANESE, "ja"),
        ("zh-CN", CHINESE, "zh"),
        ("en-US", ENGLISH, "en"),
        (None, ENGLISH, "en"),
        ("fr", FRENCH, "fr"),
        ("ru", RUSSIAN, "ru"),
        # A declaration the text contradicts gives way to the script.
        ("en", KOREAN, "ko"),
        ("ko", JAPANESE, "ja"),
        ("ja", CHINESE, "zh"),
        ("ko", ENGLISH, "en"),
        # Latin script the declaration cannot place, and no English: unknown.
        ("ja", FRENCH, None),
        (None, FRENCH, None),
        ("en", RUSSIAN, None),
        # Too little text to tell: the declaration stands.
        ("ja", "OK", "ja"),
        ("KOR", KOREAN, "ko"),
    ],
)
def test_the_language_is_the_declared_one_unless_the_script_says_otherwise(
    declared: str | None, text: str, code: str | None
) -> None:
    found = resolve_language(declared, text)
    assert found.code == code
    assert found.declared == normalise(declared)


def test_declarations_are_normalised_to_two_letter_codes() -> None:
    assert [normalise(x) for x in ("en-GB", "ja_JP", "KO", "jpn", "eng", "x", "", None)] == [
        "en",
        "ja",
        "ko",
        "ja",
        "en",
        None,
        None,
        None,
    ]
