"""The language of an article: what the page or feed declares, checked against its script.

Pages and feeds declare a language (``<html lang>``, Content-Language, ``og:locale``, an
RSS ``<language>``), and some declare the wrong one: a Korean service's template left at
``en``, a Japanese page tagged ``ko`` by its CMS. The script of the text cannot lie, so it
decides where it can: Hangul is Korean, kana is Japanese, Han characters without kana are
Chinese. Latin script cannot tell English from French, so there the declaration stands,
and a page that declares nothing, or declares a language of another script, is English
when its common words are. Which code an article gets decides which analysis it gets
(``tradewatch.nlp.LANGUAGES``); any other language is stored with its code and scored
irrelevant without loading a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Language", "normalise", "resolve_language", "script_language"]

# The script of this many characters from the start decides (a page is one language).
SAMPLE_CHARS = 4000
# Fewer letters than this cannot tell a script (a caption, an empty page).
MIN_LETTERS = 20
# Languages a declaration may name that are not written in Latin script.
_NON_LATIN = frozenset(
    "ko ja zh ru uk bg sr mk be kk ky mn el he yi ar fa ur ps hi mr ne bn pa gu ta te kn ml si "
    "th lo km my ka hy am ti bo dz iu".split()
)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[A-Za-z]+")
_ENGLISH = frozenset(
    "the of and to in is that for on with as was by at it from said has have are be its "
    "an this which will were would after but not their they he she".split()
)
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
# ISO 639-2 codes feeds use now and then, for the languages the project reads or meets.
_THREE_LETTER = {"eng": "en", "kor": "ko", "jpn": "ja", "zho": "zh", "chi": "zh"}


@dataclass(frozen=True)
class Language:
    """The language an article is stored and analysed under, and what was declared."""

    code: str | None  # ISO 639-1 (``en``, ``ko``, ``ja``...), None when nothing tells
    declared: str | None  # what the page or feed said, normalised


def normalise(raw: str | None) -> str | None:
    """``en-US`` -> ``en``, ``ja_JP`` -> ``ja``, ``KOR`` -> ``ko``; None for anything else."""
    match = _CODE.match((raw or "").strip())
    if not match:
        return None
    code = match.group(1).lower()
    return _THREE_LETTER.get(code, code)


def script_language(text: str) -> str | None:
    """``ko``, ``ja`` or ``zh`` from the script, ``latin`` for Latin script, ``other`` for
    any other script, None when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    if letters < MIN_LETTERS:
        return None
    hangul, kana = len(_HANGUL.findall(sample)), len(_KANA.findall(sample))
    han, latin = len(_HAN.findall(sample)), len(_LATIN.findall(sample))
    if hangul >= 0.2 * letters:
        return "ko"
    if kana >= 0.05 * letters:
        return "ja"
    if han >= 0.3 * letters:
        return "zh"
    if latin >= 0.5 * letters:
        return "latin"
    return "other"


def resolve_language(declared: str | None, text: str) -> Language:
    """The language to store ``text`` under, given what its page or feed declared."""
    said = normalise(declared)
    script = script_language(text)
    if script is None:
        return Language(said, said)
    if script in ("ko", "ja", "zh"):
        return Language(script, said)
    if script == "latin":
        if said is not None and said not in _NON_LATIN:
            return Language(said, said)
        return Language("en" if _looks_english(text) else None, said)
    if said is not None and said not in ("en", "ko", "ja", "zh"):
        return Language(said, said)
    return Language(None, said)


def _looks_english(text: str) -> bool:
    """At least one word in eight is a common English function word."""
    words = _WORD.findall(text[:SAMPLE_CHARS].lower())
    return bool(words) and sum(w in _ENGLISH for w in words) >= len(words) / 8
