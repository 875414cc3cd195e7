"""Entities of a Korean article, in the project's labels and canonical names.

Rules over mecab-ko morphemes, no statistical NER: the gazetteer's names first (they carry
the English canonical, so 산업통상자원부 and 산업부 both count as "Ministry of Trade,
Industry and Energy"), then what Korean copy makes explicit: mecab's person (인명) and
place (지명) names, a name before a title ("가토 관방장관"), a surname before 씨 or a title
("김모씨", "안 장관"), a noun ending in an institution word (국방부, 관세청) or a
committee's short form (정보|위), the name after a legal-form mark ("(주)한빛소재"), a proper
noun in brackets after a person (오세진(닛산)) and a name before a facility or outlet
word ("메이지 신사", "니시니혼 신문"). A person the gazetteer does not know keeps the name
as written; a later mention by surname or family name resolves to the full name the
article gave first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from tradewatch.models import EntityMention
from tradewatch.nlp.gazetteer import Gazetteer, GazetteerEntry
from tradewatch.nlp.ko.lexicon import (
    ADMINISTRATIVE_ENDS,
    ADMINISTRATIVE_WORDS,
    COMMITTEE_ENDS,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    FACILITY_SUFFIXES,
    FACILITY_WORDS,
    GENERIC_ORGANISATIONS,
    INSTITUTION_SUFFIXES,
    LANDMARK_SUFFIXES,
    LOCAL_OFFICES,
    LONG_NATURAL_FEATURES,
    NATURAL_FEATURES,
    NOT_NAMES,
    NOT_ORGANISATION_ACRONYMS,
    NOT_ORGANISATIONS,
    NOT_TEAM_NAMES,
    ORGANISATION_CUES,
    ORGANISATION_NOUNS,
    OUTLET_WORDS,
    ROLE_ENDS,
    SCHOOL_WORDS,
    SURNAMES,
    TITLE_END,
    TITLE_MODIFIERS,
)
from tradewatch.nlp.ko.morphology import Token, Word, words
from tradewatch.nlp.ko.places import COUNTRIES, COUNTRIES_AND_CITIES, NOT_PLACES, REGIONS

__all__ = ["extract_entities", "organisation_name"]

logger = logging.getLogger(__name__)

_HANGUL = re.compile(r"[가-힣]")
_LATIN = re.compile(r"[A-Za-z0-9]")
_NOUN_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "SL", "SH", "SN", "XPN", "XSN", "XR"})
_PERSON, _PLACE = "인명", "지명"
_AUTHORITY = "당국"
# What follows a surname in "김씨", "김모씨", "김모(35)씨", "A씨", "이모 군".
_AGE_NOTE = r"(?:\s?\(\d{1,3}(?:·[남여])?\))?\s?"
_HONORIFIC = re.compile(
    rf"(?<![가-힣A-Za-z0-9])(?P<name>[가-힣])"
    rf"(?:\s?모?{_AGE_NOTE}씨(?![앗름족])|\s?모{_AGE_NOTE}[군양])|"
    rf"(?<![가-힣A-Za-z0-9])(?P<initial>[A-Z])(?:\s?모)?{_AGE_NOTE}[씨군양]"
)
_NAME_BEFORE_SSI = re.compile(r"(?<![가-힣])([가-힣]{2,4})\s?씨")
# Words that end a person's name inside a word (박|씨, 오바마|측).
_NAME_ENDERS = frozenset({"씨", "모씨", "모", "측", "군", "양", "옹", "여사", "일가", "부부"})
_NOT_NAME_PARTS = frozenset({"캠프", "진영", "정권", "행정부", "내각", "일가", "가문"})
# Surnames that are also everyday words before a title (양 장관 "both ministers", 전 장관
# "the former minister", 한 의원 "a lawmaker"): a person only if the article named one.
_AMBIGUOUS_SURNAMES = frozenset("양전고현한부주제구동모각")
_SPACES_AND_AGE = re.compile(r"\s|\([^)]*\)")
_NOT_TEAM_ENDS = tuple(NOT_TEAM_NAMES)
# Facility endings of buildings a proper noun mecab knows whole may end in (신라호텔).
_BUILDING_ENDS = frozenset({"호텔", "타워", "빌딩", "스타디움", "아레나"})
_UNIT_ENDS = ADMINISTRATIVE_ENDS | ADMINISTRATIVE_WORDS
# The first two letters of every listed place, for a quick check before reading a word.
_PLACE_HEADS = frozenset(name[:2] for name in COUNTRIES_AND_CITIES | REGIONS)
# Where a team's or university's word may be, for a quick check before reading one.
_TEAM_OR_SCHOOL = re.compile(r".*?(?:[스즈츠]|유나이티드|대학)")
# The particles that may end a word after a name (해양경찰서|는, 통상부|와의).
_PARTICLES = re.compile(r"(?:에서|으로|에게|까지|부터|은|는|이|가|을|를|의|에|와|과|로|도|만)+$")
_HANGUL_WORD = re.compile(r"[가-힣]+")
# Common nouns in 대 that mecab may cut before the 대 (아동학|대, 시간|대).
_NOT_SCHOOL_ENDS = ("학대", "시간대", "가격대", "금액대", "연령대", "지대", "부대", "세대", "시대")
# What may follow a listed place name in its word: a unit ending, then 행 "bound for" or
# 발 "from", then particles (not 만, which makes 이천만 "twenty million").
_AFTER_PLACE = re.compile(
    r"(?P<unit>[시성현주])?[행발]?"
    r"(?:에서|으로|에게|까지|부터|이나|은|는|이|가|을|를|의|에|와|과|로|도|나|엔|선)*"
)
_LOC_END = re.compile(r"(?:산|산맥|강|해|섬|반도|만|호수|평야|고원|열도|해협|대륙|사막|계곡|폭포)$")
# The wire dateline and byline that open Korean copy: "(서울=연합뉴스) 박수진 기자 =".
_DATELINE = re.compile(
    r"\s*\([^()=\n]{1,12}=[^()\n]{1,12}\)\s*(?:[^=\n]{1,30}?(?:기자|특파원|취재단)\s*=)?"
)
# A Latin or Chinese-character gloss in brackets right after a name: 유럽연합(EU),
# 시진핑(習近平), 광저우(廣州).
_GLOSS = re.compile(r"\((?P<gloss>[A-Za-z][A-Za-z&.' -]*[A-Za-z.]|[\u3400-\u9fff]{2,})\)")
# A person's club, company or party in brackets right after the name: 오세진(닛산),
# 기시다 후미오(자민·히로시마).
_AFFILIATION = re.compile(r"\((?P<org>[가-힣]{2,12})[)·]")
# The first words of a facility or outlet written after its name, for a quick check.
_NAMED_WORDS = tuple(FACILITY_WORDS | OUTLET_WORDS | COMPANY_WORDS)
_ACRONYM = re.compile(r"[A-Z][A-Za-z&]*[A-Z][A-Za-z]*")
# Company and outlet names by a part no common word has, however mecab cuts or reads them
# (a person's name before 코리아, 엔터|테|인|먼|트): X코리아, X엔터테인먼트, X유나이티드,
# 데일리X, X데일리, and a news site X넷 (신화넷, 중신넷) but not 인터넷.
_COMPANY_WORD = re.compile(
    r"(?<![가-힣A-Za-z0-9])(?:[가-힣A-Za-z0-9]{2,}(?:코리아|엔터테인먼트|유나이티드)|데일리[가-힣]{2,}|"
    r"[가-힣A-Za-z]+데일리|[가-힣]{2,}(?<!인터)넷)"
)
# The mark of a company or association before its name: (주) or ㈜ 주식회사, (유) 유한회사,
# (사) 사단법인, (재) 재단법인.
_LEGAL_FORM = re.compile(r"(?:[(（][주유사재株][)）]|㈜)\s?")
# Which candidate wins an overlap, then the longer: a known name, a person, an organisation
# (한국거래소 over the 한국 in it), a known place, a place.
_GAZETTEER, _PERSON_RANK, _ORG_RANK, _GAZETTEER_PLACE, _PLACE_RANK = range(5)


@dataclass(frozen=True)
class _Found:
    """A candidate mention; ``surname`` marks one to resolve to an earlier full name."""

    start: int
    end: int
    label: str
    canonical: str
    rank: int
    title: str | None = None
    surname: bool = False


def extract_entities(
    text: str, tokens: Sequence[Token], gazetteer: Gazetteer
) -> list[EntityMention]:
    """The text's entities in text order, each with its canonical name."""
    word_list = _parts(words(tokens))
    bounds = {t.start for t in tokens} | {t.end for t in tokens}
    dateline = _DATELINE.match(text)
    found = _gazetteer_names(text, bounds, gazetteer)
    found += _people(text, word_list, gazetteer)
    found += _organisations(text, word_list)
    found += _marked_organisations(text, word_list)
    found += _company_words(text, bounds)
    found += _places(text, word_list)
    found += _named_facilities_and_outlets(text, word_list)
    found += _administrative_units(text, word_list)
    found += _home_organisations(text, word_list)
    chosen: list[_Found] = []
    taken = bytearray(len(text))
    if dateline is not None:  # "(서울=연합뉴스) 박수진 기자 =": the bureau and byline
        taken[: dateline.end()] = b"\x01" * dateline.end()
    for cand in sorted(found, key=lambda f: (f.rank, f.start - f.end, f.start)):
        if not any(taken[cand.start : cand.end]):
            chosen.append(cand)
            taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
    chosen.sort(key=lambda f: f.start)
    titles = {(f.start, f.end): f.title for f in found if f.label == "PERSON" and f.title}
    chosen = [
        replace(f, title=titles.get((f.start, f.end))) if f.label == "PERSON" else f for f in chosen
    ]
    logger.debug("%d entities in %d characters", len(chosen), len(text))
    return [
        EntityMention(
            text=text[f.start : f.end],
            label=f.label,
            canonical=f.canonical,
            start_char=f.start,
            end_char=f.end,
            title=f.title,
        )
        for f in _glosses(text, _resolve_people(text, _affiliations(text, tokens, chosen)))
    ]


def _parts(word_list: list[Word]) -> list[Word]:
    """The words cut at brackets and middle dots, which drop out: a gloss (시진핑(習近平)),
    an affiliation (손흥민(토트넘)), a bracketed title ("(정호건 부장판사)") or a list
    (서울·경기도) is words of its own to the entity rules."""
    parts: list[Word] = []
    for word in word_list:
        current: list[Token] = []
        for token in word.tokens:
            if token.tag in ("SSO", "SSC") or token.surface == "·":
                if current:
                    parts.append(Word(tuple(current)))
                current = []
            else:
                current.append(token)
        if current:
            parts.append(Word(tuple(current)))
    return parts


def _stem(word: Word) -> tuple[Token, ...]:
    """The word's noun part: its morphemes before the first particle, ending, copula or
    punctuation (안덕근 of 안덕근은, 정부 of 정부가는)."""
    for i, token in enumerate(word.tokens):
        if (token.tag[0] in "JES" and token.tag not in ("SL", "SH", "SN")) or token.tag == "VCP":
            return word.tokens[:i]
    return word.tokens


def _is_noun(tokens: Sequence[Token]) -> bool:
    return bool(tokens) and all(t.tag in _NOUN_TAGS for t in tokens)


def _surface(text: str, tokens: Sequence[Token]) -> str:
    return text[tokens[0].start : tokens[-1].end] if tokens else ""


@lru_cache(maxsize=4)
def _gazetteer_pattern(gazetteer: Gazetteer) -> tuple[re.Pattern[str], dict[str, GazetteerEntry]]:
    """Every Korean name and Latin acronym, longest first, each guarded so it cannot start
    inside a word (no 한국 in 대한민국), with the entry each name stands for."""
    names = gazetteer.names_in("ko")
    alternatives = []
    for name, _entry in names:
        head = r"(?<![가-힣])" if _HANGUL.match(name[0]) else r"(?<![A-Za-z0-9])"
        tail = r"(?![A-Za-z0-9])" if _LATIN.match(name[-1]) else ""
        alternatives.append(head + re.escape(name) + tail)
    entries: dict[str, GazetteerEntry] = {}
    for name, entry in names:
        entries.setdefault(name, entry)
    return re.compile("(?=(" + "|".join(alternatives) + "))"), entries


def _gazetteer_names(text: str, bounds: set[int], gazetteer: Gazetteer) -> list[_Found]:
    """Known names, ending where a morpheme ends (so 삼성 is not found in 삼성물산)."""
    pattern, entries = _gazetteer_pattern(gazetteer)
    found = []
    for match in pattern.finditer(text):
        start, end = match.span(1)
        if end in bounds:
            entry = entries[match.group(1)]
            rank = _GAZETTEER_PLACE if entry.label in ("GPE", "LOC") else _GAZETTEER
            found.append(_Found(start, end, entry.label, entry.canonical, rank))
    return found


def _people(text: str, word_list: list[Word], gazetteer: Gazetteer) -> list[_Found]:
    """People named by mecab (인명), before a title, or by surname + 씨 / title. A lone
    syllable mecab tags 인명 counts only with a title or 씨 (alone it is rarely a name)."""
    named = {n.end: n for n in _person_names(text, word_list)}
    found: list[_Found] = []
    titled: set[int] = set()
    for i, word in enumerate(word_list):
        title = _title(text, word)
        j = None if title is None else _name_before_title(text, word_list, i, gazetteer)
        if title is None or j is None:
            continue
        holder = _holder_before(text, word_list, j, named, gazetteer)
        if holder is not None or (_appositive(word) and word_list[j].end not in named):
            # "김중겸 전 현대건설 사장", "참여연대 집행위원장인 김진욱": no name, an employer
            found += _employer(text, word_list[j], strong=holder is not None)
            if holder is None:
                continue
            j = holder
        name_word = word_list[j]
        if name_word.end in named:
            named[name_word.end] = replace(named[name_word.end], title=title)
            titled.add(name_word.end)
        elif (person := _titled_name(text, name_word, title, j == i - 1)) is not None:
            given = named.get(word_list[j - 1].end) if j > 0 and not person.surname else None
            if given is not None and _joins(
                text, (given.start, given.end), person.start, person.end
            ):
                # 스즈키 (a name to mecab) + 순이치 (not): one name before the title
                person = replace(
                    person, start=given.start, canonical=text[given.start : person.end]
                )
            found.append(person)
    found += [n for n in named.values() if len(n.canonical) > 1 or n.end in titled]
    found += _named_before_ssi(text, word_list)
    for match in _HONORIFIC.finditer(text):
        name = match.group("name") or match.group("initial")
        if name.isascii() or name in SURNAMES:
            written = _SPACES_AND_AGE.sub("", match.group(0))
            end = match.start() + 1
            found.append(_Found(match.start(), end, "PERSON", written, _PERSON_RANK, None, True))
    return found


def _name_before_title(
    text: str, word_list: list[Word], i: int, gazetteer: Gazetteer
) -> int | None:
    """The word that names the holder of title word ``i``: the first one before it that
    is no organisation, place or modifier (up to three of those in between), unless
    another title stands between (the 겸 of "부총리 겸 기획재정부 장관")."""
    j = i - 1
    while j >= 0 and j >= i - 3 and _attributive(text, word_list[j], gazetteer):
        j -= 1
    if j < 0 or (j < i - 1 and _title(text, word_list[j + 1]) is not None):
        return None
    return j


def _named_before_ssi(text: str, word_list: list[Word]) -> list[_Found]:
    """A given or foreign name mecab does not know, before 씨 as a morpheme of its own
    ("재국씨", "짜바릿 씨"): not 아저씨 or 솜씨, which are one morpheme."""
    ssi = {t.start for w in word_list for t in w.tokens if t.surface == "씨"}
    found = []
    for match in _NAME_BEFORE_SSI.finditer(text):
        name = match.group(1)
        if match.end() - 1 not in ssi or name in NOT_NAMES or _is_place_name(name):
            continue
        if name[0] in SURNAMES and name.endswith("모"):  # 김모씨: a surname
            continue
        found.append(_Found(match.start(), match.start() + len(name), "PERSON", name, _PERSON_RANK))
    return found


def _holder_before(
    text: str, word_list: list[Word], j: int, named: dict[int, _Found], gazetteer: Gazetteer
) -> int | None:
    """The name mecab tagged before word ``j`` across a modifier or an age ("김중겸 전
    현대건설 사장", "권오균(64) 트라이곤코리아 대표"): then ``j`` is where the holder
    works, not a name; right next to it, ``j`` is the rest of the name (스즈키 순이치)."""
    if word_list[j].end in named:
        return None
    k = j - 1
    while k >= 0 and k >= j - 2 and _attributive(text, word_list[k], gazetteer):
        k -= 1
    return k if 0 <= k < j - 1 and word_list[k].end in named else None


def _appositive(word: Word) -> bool:
    """A title followed by the copula's 인 ("집행위원장인"), which the name follows."""
    last = word.tokens[-1]
    return last.pos == "VCP+ETM" and last.surface == "인"


def _employer(text: str, word: Word, strong: bool) -> list[_Found]:
    """The organisation a bare word in a title's slot names, however mecab cut it
    (한|빛|소재); not a place, a word like 해당 or one common noun or adverb (유가족
    대표인, 앞서). Between a name and its title (``strong``), a dictionary compound
    counts too (경찰대)."""
    written = text[word.start : word.end]
    if _stem(word) != word.tokens or any(t.tag[0] in "VEJ" for t in word.tokens):
        return []
    only = word.tokens[0]
    proper = only.tag in ("NNP", "SL") or (strong and only.compound)
    if len(word.tokens) == 1 and not proper:
        return []
    if len(written) < 2 or _is_place_name(written) or written in NOT_NAMES:
        return []
    return [_Found(word.start, word.end, "ORG", text[word.start : word.end], _ORG_RANK)]


def _titled_name(text: str, word: Word, title: str, adjacent: bool) -> _Found | None:
    """A person for a name word mecab did not tag before a title: a full name ("가토
    관방장관"), a surname ("안 장관") or an initial ("A 원사")."""
    written = text[word.start : word.end]
    initial = len(written) == 1 and "A" <= written <= "Z"
    if not initial and not _is_name_word(text, word, written):
        return None
    if _common_noun(word) and not (adjacent and TITLE_END.fullmatch(title)):
        return None  # "사건 담당 검사", "국가대표": a common noun is a name only as in "가토 장관"
    surname = len(written) == 1
    if surname and not initial and written not in SURNAMES:
        return None
    return _Found(word.start, word.end, "PERSON", written, _PERSON_RANK, title, surname)


def _person_names(text: str, word_list: list[Word]) -> list[_Found]:
    """Names mecab tags 인명, joined across words ("니시무라 야스토시") and with the
    untagged rest of a name in the same word (노|석환); not the places and organisations
    its dictionary also files as names (프랑스, 유엔)."""
    spans: list[tuple[int, int]] = []
    for word in word_list:
        tokens = _stem(word)
        idx = [
            k
            for k, t in enumerate(tokens)
            if t.semantic == _PERSON and t.tag == "NNP" and not _is_place_name(t.surface)
        ]
        if not idx or _is_place_name(_surface(text, tokens)):
            continue
        if organisation_name(text, tokens) is not None:
            continue
        first, last = idx[0], idx[-1]
        while (
            last + 1 < len(tokens)
            and tokens[last + 1].tag in ("NNG", "NNP")
            and tokens[last + 1].surface not in _NAME_ENDERS
            and tokens[last + 1].surface not in ADMINISTRATIVE_ENDS
            and not TITLE_END.search(tokens[last + 1].surface)
        ):
            last += 1
        while last >= first and tokens[last].surface in _NAME_ENDERS:
            last -= 1
        if last < first:
            continue
        start, end = tokens[first].start, tokens[last].end
        if text[start:end] in ORGANISATION_NOUNS:
            continue
        if spans and first == 0 and _joins(text, spans[-1], start, end):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return [_Found(s, e, "PERSON", text[s:e], _PERSON_RANK) for s, e in spans]


def _is_place_name(written: str) -> bool:
    return written in COUNTRIES_AND_CITIES or written in REGIONS


def _joins(text: str, previous: tuple[int, int], start: int, end: int) -> bool:
    """A name part right after a whole-word name part, one space between; not a word for
    a person's camp or government that mecab files as a name (오바마 캠프)."""
    if text[start:end] in _NOT_NAME_PARTS:
        return False
    return text[previous[1] : start] == " " and _is_bare_name(text[previous[0] : previous[1]])


def _is_bare_name(written: str) -> bool:
    return bool(written) and all(_HANGUL.match(c) or c == " " for c in written)


def _title(text: str, word: Word) -> str | None:
    """The title a word is (장관, 관방장관, 통상교섭본부장 of 통상교섭본부장은)."""
    tokens = _stem(word)
    if not _is_noun(tokens):
        return None
    written = _surface(text, tokens)
    return written if TITLE_END.search(written) else None


def _attributive(text: str, word: Word, gazetteer: Gazetteer) -> bool:
    """A bare word between a name and its title: organisation, country, place, number or
    modifier ("산업통상자원부", "일본", "1", "전", "겸")."""
    tokens = _stem(word)
    if any(t.tag[0] != "S" for t in word.tokens[len(tokens) :]):
        return False
    written = _surface(text, tokens)
    if written in TITLE_MODIFIERS or written in NOT_NAMES or _is_place_name(written):
        return True
    if organisation_name(text, tokens) is not None:
        return True
    if not _is_noun(tokens):
        return False
    entry = gazetteer.lookup(written)
    if entry is not None and entry.label != "PERSON":
        return True
    return (
        any(t.semantic == _PLACE for t in tokens)
        or all(t.tag in ("SL", "SN", "SH") for t in tokens)
        or (written.startswith(("주", "駐")) and len(written) > 2)
    )


def _is_name_word(text: str, word: Word, written: str) -> bool:
    """A bare 1–4 syllable Hangul word that can be a name (not 해당, 이날, 일본)."""
    if not 1 <= len(written) <= 4:
        return False
    if not all(_HANGUL.match(c) for c in written) or written in NOT_NAMES:
        return False
    if written in TITLE_MODIFIERS or TITLE_END.search(written) or _is_place_name(written):
        return False
    if organisation_name(text, word.tokens) is not None:
        return False
    if len(word.tokens) == 1 and word.tokens[0].tag == "NNG" and word.tokens[0].semantic:
        return False  # a common noun mecab knows (관할, 해당)
    last = word.tokens[-1]
    if last.last_tag.startswith(("J", "EF", "EC", "ETM")):
        return False
    if last.last_tag.startswith("MA") and len(written) > 1:
        return False  # an adverb (함께); a surname may be read as one (안 of "안 장관")
    return not any(t.semantic == _PLACE for t in word.tokens)


def _common_noun(word: Word) -> bool:
    """One morpheme mecab files as a common noun (가토, but also 사건, 최근)."""
    return len(word.tokens) == 1 and word.tokens[0].tag == "NNG"


def organisation_name(text: str, tokens: Sequence[Token]) -> str | None:
    """The organisation a word's noun part names: an organisation noun (정부, 경찰), an
    acronym (MBC, SK텔레콤), or a name ending in an institution word (국방|부, 관세청)
    unless its last morphemes are a common noun (공급|처, 노조|원) or a rate (달러|당)."""
    if not tokens or tokens[-1].tag not in _NOUN_TAGS:
        return None
    written = _surface(text, tokens)
    if written in ORGANISATION_NOUNS or (len(tokens) > 1 and tokens[-1].surface == _AUTHORITY):
        return written
    if _is_place_name(written) or all(t.semantic == _PERSON for t in tokens):
        return None
    if _ACRONYM.fullmatch(tokens[0].surface) and _is_noun(tokens):
        return None if tokens[0].surface in NOT_ORGANISATION_ACRONYMS else written
    if written not in NOT_ORGANISATIONS and _named_institution(text, tokens):
        return written
    if any(_surface(text, tokens[-k:]) in NOT_ORGANISATIONS for k in range(1, len(tokens) + 1)):
        return None
    if written.endswith(ROLE_ENDS) or _per_unit(tokens):
        return None
    if len(tokens) > 1 and tokens[-2].tag in ("NNBC", "SN"):
        return None
    if _committee(tokens) or _school_short_form(text, tokens) or _plural_name(tokens):
        return written
    last = tokens[-1]
    starts = {t.start for t in tokens[1:]}
    for suffix in INSTITUTION_SUFFIXES:
        if written.endswith(suffix) and len(written) > len(suffix):
            aligned = last.end - len(suffix) in starts or last.compound or last.tag == "NNP"
            if aligned or len(written) >= 4:
                return written
    return None


def _per_unit(tokens: Sequence[Token]) -> bool:
    """A rate: 당 as a suffix right after one common noun (시간|당, 가구|당); a party's
    name has more before it (민주|통합|당)."""
    if len(tokens) != 2 or tokens[0].tag != "NNG":
        return False
    return tokens[1].tag == "XSN" and tokens[1].surface == "당"


def _committee(tokens: Sequence[Token]) -> bool:
    """A committee by its short form: 위 or 특위 as a morpheme of its own after a noun
    (정보|위, 무역구제|특위) or ending a proper noun mecab knows (산자위, 노사정위); inside
    one common noun, 위 ends 행위, 범위 or 시위."""
    last = tokens[-1]
    if last.tag == "NNP":
        return len(last.surface) > 2 and last.surface.endswith("위") and last.semantic is None
    return (
        last.tag == "NNG"
        and last.surface in COMMITTEE_ENDS
        and len(tokens) > 1
        and tokens[-2].tag in ("NNG", "NNP")
    )


def _plural_name(tokens: Sequence[Token]) -> bool:
    """One proper noun mecab knows but gives no class, a loanword plural in 스, 즈 or 츠:
    the name of a team or company (다저스, 트윈스, 홀딩스), not a person's or a place's."""
    if len(tokens) != 1:
        return False
    only = tokens[0]
    return (
        only.tag == "NNP"
        and only.semantic is None
        and len(only.surface) > 1
        and only.surface[-1] in "스즈츠"
        and not only.surface.endswith(_NOT_TEAM_ENDS)
        and not _is_place_name(only.surface)
    )


def _school_short_form(text: str, tokens: Sequence[Token]) -> bool:
    """A university or high school by its short form, 대 or 고 ending a word after a noun
    (단국|대, 단원|고): mecab tags that 대 or 고 a prefix, which no word can end with; not
    a common noun in 대 it cut so (아동학|대 is 아동 학대 "child abuse", 시간|대)."""
    last = tokens[-1]
    return (
        len(tokens) > 1
        and not _surface(text, tokens).endswith(_NOT_SCHOOL_ENDS)
        and last.tag == "XPN"
        and last.surface in ("대", "고")
        and tokens[-2].tag in ("NNG", "NNP")
        and len(tokens[-2].surface) > 1
    )


def _named_institution(text: str, tokens: Sequence[Token]) -> bool:
    """A proper noun before a company, outlet or school ending (롯데|마트, 모스크바|대학)
    or one of mecab's compound proper nouns with one (서울대, 대우건설): alone, these
    endings make common nouns (신용카드, 대학, 병원)."""
    written = _surface(text, tokens)
    last = tokens[-1]
    proper = [t for t in tokens if t.tag in ("NNP", "SL")]
    return bool(proper) and any(
        written.endswith(suffix)
        and len(written) > len(suffix) + 1
        and (proper[0].end <= last.end - len(suffix) or (last.tag == "NNP" and last.compound))
        for suffix in COMPANY_SUFFIXES
    )


def _organisations(text: str, word_list: list[Word]) -> list[_Found]:
    """Organisations in one word, an authority with its field before it ("군 당국") or a
    local office with its place ("김포 경찰서"); a common noun (정부, 당국) names none. A
    place before one stays a place of its own ("부산 동부경찰서", "홍콩 경찰") but goes
    into the organisation's name, which tells the Busan station from the other 동부경찰서."""
    found = []
    for i, word in enumerate(word_list):
        tokens = _stem(word)
        name = organisation_name(text, tokens)
        if name is None and _surface(text, tokens) in LOCAL_OFFICES:
            name = _surface(text, tokens) if _place_before(text, word_list, i) else None
        start, end = word.start, tokens[-1].end if tokens else word.end
        if name is None and (name := _written_institution(text, word, tokens)) is not None:
            end = word.start + len(name)
        if name is None and not _named_by_cue(text, word_list, i):
            continue
        if name in GENERIC_ORGANISATIONS:
            if name != _AUTHORITY or (field := _field(text, word_list, i)) is None:
                continue
            start = field
        canonical = text[start:end]
        place = _place_before(text, word_list, i) if start == word.start else None
        if place is not None:
            canonical = f"{place} {canonical}"
        found.append(_Found(start, end, "ORG", canonical, _ORG_RANK))
    return found


def _written_institution(text: str, word: Word, tokens: Sequence[Token]) -> str | None:
    """An institution name mecab cut short, reading part of it as a particle or
    conjunction (해양경찰|서|는, 교육|과|학기|술부|와): the word as written, less its
    particles, ending in an institution word after two or more syllables; not a word
    mecab reads as starting with a particle (시·도|교육청 is no name)."""
    written = _PARTICLES.sub("", text[word.start : word.end])
    if not written.endswith(INSTITUTION_SUFFIXES):
        return None
    if not tokens or len(written) <= len(_surface(text, tokens)):
        return None
    if not _HANGUL_WORD.fullmatch(written):
        return None
    for suffix in INSTITUTION_SUFFIXES:
        if written.endswith(suffix) and len(written) - len(suffix) >= 2:
            ends = (written[-k:] for k in range(len(suffix), len(written)))
            return None if any(e in NOT_ORGANISATIONS for e in ends) else written
    return None


def _marked_organisations(text: str, word_list: list[Word]) -> list[_Found]:
    """The noun after a legal-form mark ("(주)한빛소재", "㈜한빛"): whatever mecab makes
    of it (a person's name, common nouns), a registered company or association is named."""
    found = []
    heads: dict[int, tuple[Token, ...]] = {}
    for match in _LEGAL_FORM.finditer(text):
        if not heads:
            heads = {t.start: w.tokens[k:] for w in word_list for k, t in enumerate(w.tokens)}
        tokens = _stem(Word(heads[match.end()])) if match.end() in heads else ()
        if tokens and _is_noun(tokens):
            name = _surface(text, tokens)
            found.append(_Found(tokens[0].start, tokens[-1].end, "ORG", name, _GAZETTEER))
    return found


def _company_words(text: str, bounds: set[int]) -> list[_Found]:
    """Companies and outlets by a part of their name (한빛코리아, 통상데일리), ending
    where a morpheme ends."""
    return [
        _Found(m.start(), m.end(), "ORG", m.group(), _GAZETTEER)
        for m in _COMPANY_WORD.finditer(text)
        if m.end() in bounds
    ]


def _field(text: str, word_list: list[Word], i: int) -> int | None:
    """Where the field of 당국 (word ``i``) starts: a bare common noun just before it
    ("군 당국", "사법 당국")."""
    if i == 0 or text[word_list[i - 1].end : word_list[i].start] != " ":
        return None
    before = word_list[i - 1].tokens
    if len(before) != 1 or before[0].tag != "NNG" or before[0].semantic == _PLACE:
        return None
    return before[0].start


def _place_before(text: str, word_list: list[Word], i: int) -> str | None:
    """A bare place name right before word ``i``, one space between ("홍콩 경찰")."""
    if i == 0 or text[word_list[i - 1].end : word_list[i].start] != " ":
        return None
    before = word_list[i - 1]
    written = text[before.start : before.end]
    return written if _is_place_name(written) else None


def _named_by_cue(text: str, word_list: list[Word], i: int) -> bool:
    """A bare proper noun right before a word only an organisation takes ("애플 관계자")."""
    tokens = _stem(word_list[i])
    if tokens != word_list[i].tokens or not _is_noun(tokens) or i + 1 == len(word_list):
        return False
    if not all(t.tag in ("NNP", "SL") for t in tokens) or any(t.semantic == _PLACE for t in tokens):
        return False
    return _surface(text, _stem(word_list[i + 1])) in ORGANISATION_CUES


def _places(text: str, word_list: list[Word]) -> list[_Found]:
    """Places mecab tags 지명 or the place lists know, each and joined across bare words
    ("강남구 역삼동"), from any of them: when the gazetteer takes the first ("서울 강서구
    화곡동" keeps 서울 for Seoul), the rest of the address is still one place. Not the
    country of a nationality (일본인, 한국계)."""
    spans: list[tuple[int, int]] = []
    run: tuple[int, int] | None = None
    starts: list[int] = []  # where each place of the current run starts
    for word in word_list:
        span = _place_in_word(text, word)
        if span is None:
            run = None
            continue
        start, end = span
        spans.append((start, end))
        if run is not None and start == word.start and text[run[1] : start] == " ":
            run = (run[0], end)
            spans += [(first, end) for first in starts]
            starts.append(start)
        else:
            run, starts = (start, end), [start]
        if end != word.end:
            run = None
    return [_Found(s, e, _place_label(text[s:e]), text[s:e], _PLACE_RANK) for s, e in spans]


def _place_in_word(text: str, word: Word) -> tuple[int, int] | None:
    """The place in one word: its morphemes mecab files as places, its whole noun part when
    the lists know it or it is a facility, else a listed name mecab cut wrongly."""
    tokens = _stem(word)
    if _natural_feature(tokens):
        return tokens[0].start, tokens[-1].end
    idx = [k for k, t in enumerate(tokens) if _is_place_token(t)]
    written = _surface(text, tokens)
    if _is_place_name(written) or _is_facility(text, tokens):
        idx = [0, len(tokens) - 1]
    elif written in NOT_PLACES:
        return None
    if not idx:
        return _listed_place(text, word)
    if idx[-1] + 1 < len(tokens) and tokens[idx[-1] + 1].surface in ("인", "계"):
        return None
    return tokens[idx[0]].start, tokens[idx[-1]].end


def _natural_feature(tokens: Sequence[Token]) -> bool:
    """A name and the natural feature that ends the word, which mecab files as a place
    (백두|산, 아마존|강, 로키|산맥): proper nouns before any feature, a common noun of two
    or more syllables (mecab's guess at an unknown name) before a long one."""
    if len(tokens) < 2:
        return False
    feature, name = tokens[-1], tokens[:-1]
    if feature.tag != "NNG" or feature.semantic != "장소":
        return False
    if all(t.tag == "NNP" for t in name):
        return feature.surface in NATURAL_FEATURES | LONG_NATURAL_FEATURES
    return (
        feature.surface in LONG_NATURAL_FEATURES
        and len(name) == 1
        and name[0].tag == "NNG"
        and name[0].semantic is None
        and len(name[0].surface) > 1
    )


def _listed_place(text: str, word: Word) -> tuple[int, int] | None:
    """A listed place name that starts a word mecab cut elsewhere (상하|이|시, 광저|우행),
    with a unit ending (상하이시, 랴오닝성) and nothing after it but particles or 행/발
    ("bound for", "from"): read from the word as written, not its morphemes; not when
    mecab's first morpheme runs past the name (고양이 "cat" is no 고양 + 이)."""
    written = text[word.start : word.end]
    if written[:2] not in _PLACE_HEADS:
        return None
    for size in range(len(written), 1, -1):
        if word.tokens[0].end > word.start + size:
            break
        match = _AFTER_PLACE.fullmatch(written, size)
        if match is not None and _is_place_name(written[:size]):
            return word.start, word.start + size + len(match.group("unit") or "")
    return None


def _named_facilities_and_outlets(text: str, word_list: list[Word]) -> list[_Found]:
    """A name and a facility, outlet or company word after it: one place ("메이지 신사",
    "트라팔가 광장") whether mecab knows the name as proper or not, or one organisation
    ("니시니혼 신문", "씨제스 엔터테인먼트"), though mecab reads many such names as people's
    names; not a common noun before 신문 "questioning" (피의자 신문)."""
    found = []
    for word, after in pairwise(word_list):
        if not text.startswith(_NAMED_WORDS, after.start) or text[word.end : after.start] != " ":
            continue
        stem = _stem(after)
        kind = _surface(text, stem)
        end = stem[-1].end if stem else after.end
        if kind in FACILITY_WORDS and _stem(word) == word.tokens:
            if _is_facility_name(text, word.tokens):
                # ranked as a person: mecab reads many such names as people's (산티아고)
                found.append(_Found(word.start, end, "LOC", text[word.start : end], _PERSON_RANK))
        elif kind in OUTLET_WORDS | COMPANY_WORDS and all(
            t.tag in ("NNP", "SL") for t in word.tokens
        ):
            found.append(_Found(word.start, end, "ORG", text[word.start : end], _PERSON_RANK))
    return found


def _home_organisations(text: str, word_list: list[Word]) -> list[_Found]:
    """A team or university by its home or owner and a word after it: a plural loanword
    name ("뉴욕 양키스", "두산 베어스", "맨체스터 유나이티드"; a newspaper named so too,
    "뉴욕 타임스") or 대학 ("보스턴 대학"). One organisation, the city part of its name,
    not a place of its own."""
    found = []
    for home, named in pairwise(word_list):
        if text[home.end : named.start] != " " or not _TEAM_OR_SCHOOL.match(
            text, named.start, named.end
        ):
            continue
        stem = _stem(named)
        if not stem or not (_is_team_name(text, stem) or _surface(text, stem) in SCHOOL_WORDS):
            continue
        home_name = text[home.start : home.end]
        if home_name in COUNTRIES:  # "미국 폭스뉴스": the country stays a place of its own
            continue
        if _is_place_name(home_name) or (_stem(home) == home.tokens and _is_owner(home.tokens)):
            end = stem[-1].end
            found.append(_Found(home.start, end, "ORG", text[home.start : end], _GAZETTEER))
    return found


def _is_owner(tokens: Sequence[Token]) -> bool:
    """Proper nouns mecab gives no class (두산, 롯데): not a first name before a surname in
    스 ("로버트 게이츠") nor a district before a hotel ("종로구 포시즌스")."""
    return all(t.tag in ("NNP", "SL") and t.semantic is None for t in tokens)


def _is_team_name(text: str, tokens: Sequence[Token]) -> bool:
    """A loanword noun of three or more syllables ending in a plural's 스, 즈 or 츠 (or
    유나이티드, "United"), which
    mecab does not know as a common word (시리즈, 서비스) and which is no place
    (로스앤젤레스)."""
    written = _surface(text, tokens)
    plural = written[-1] in "스즈츠" or written.endswith("유나이티드")
    if len(written) < 3 or not plural or written.endswith(_NOT_TEAM_ENDS):
        return False
    if _is_place_name(written):
        return False
    if not all(_HANGUL.match(c) for c in written) or not _is_noun(tokens):
        return False
    return not (len(tokens) == 1 and tokens[0].tag == "NNG" and tokens[0].semantic)


def _administrative_units(text: str, word_list: list[Word]) -> list[_Found]:
    """A proper noun with the ending of a city, province or prefecture, in one word
    (둥관|시, 휴스턴|시) or two ("오카야마 현", "캘리포니아 주"): a place, though mecab
    reads many such names as people's."""
    found = []
    for i, word in enumerate(word_list):
        if not any(t.surface in _UNIT_ENDS for t in word.tokens):
            continue
        stem = _stem(word)
        if not stem or stem[-1].surface not in _UNIT_ENDS:
            continue
        if len(stem) > 1 and stem[-1].surface in ADMINISTRATIVE_ENDS:
            start = stem[0].start if _is_proper_name(text, stem[:-1]) else None
        elif len(stem) == 1 and stem[0].surface in ADMINISTRATIVE_WORDS:
            start = _name_before_unit(text, word_list, i)
        else:
            start = None
        if start is not None:
            end = stem[-1].end
            found.append(_Found(start, end, "GPE", text[start:end], _PERSON_RANK))
    return found


def _name_before_unit(text: str, word_list: list[Word], i: int) -> int | None:
    """Where the name before a unit word (주, 현) starts: a bare proper noun one space before
    it, the unit taking a particle ("오카야마 현에서"); a bare 주 or 현 is more often a
    week, "current" or a modifier ("미국 주 정부", "최문순 현 지사")."""
    word = word_list[i]
    if i == 0 or text[word_list[i - 1].end : word.start] != " " or len(word.tokens) < 2:
        return None
    if not word.tokens[1].tag.startswith("J"):
        return None
    before = word_list[i - 1]
    if _stem(before) != before.tokens or not _is_proper_name(text, before.tokens, True):
        return None
    return before.start


def _is_proper_name(text: str, tokens: Sequence[Token], place: bool = False) -> bool:
    """Hangul proper nouns of two or more syllables (둥관, 오카야마); in one word with its
    ending, unless ``place``, none a place already (삿포로 of 삿포로시 may end an address)."""
    written = _surface(text, tokens)
    return (
        len(written) > 1
        and all(t.tag == "NNP" and (place or not _is_place_token(t)) for t in tokens)
        and all(_HANGUL.match(c) for c in written)
    )


def _is_facility_name(text: str, tokens: Sequence[Token]) -> bool:
    """Proper nouns, or common nouns of three or more syllables mecab gives no class, its
    guess at an unknown name (메이지, 라가|디아): not a common noun that makes a kind of
    facility (국제 공항, 실내 경기장)."""
    if all(t.tag in ("NNP", "SL") for t in tokens):
        return True
    return (
        all(t.tag == "NNG" and not t.semantic for t in tokens) and len(_surface(text, tokens)) > 2
    )


def _is_place_token(token: Token) -> bool:
    """A morpheme mecab files as a place, or a place name it files as a person's (프랑스|법인,
    캐나다|지사) but not as a common noun (세계|대전: 大戰); not a pair of countries
    (남북)."""
    if token.surface in NOT_PLACES:
        return False
    return token.semantic == _PLACE or (token.tag == "NNP" and _is_place_name(token.surface))


def _is_facility(text: str, tokens: Sequence[Token]) -> bool:
    """A proper noun or place right before a facility ending (서울|역, 인천|국제공항);
    not one before a word the ending only ends (아시아|지역)."""
    written = _surface(text, tokens)
    if not written.endswith(FACILITY_SUFFIXES):
        return False
    for suffix in FACILITY_SUFFIXES:
        if written.endswith(suffix) and len(written) > len(suffix):
            cut = tokens[-1].end - len(suffix)
            named = any(t.start == cut for t in tokens) and any(
                t.end <= cut and (t.tag in ("NNP", "SL") or t.semantic == _PLACE) for t in tokens
            )
            return named or _is_landmark(text, tokens, suffix) or _named_facility(tokens, suffix)
    return False


def _named_facility(tokens: Sequence[Token], suffix: str) -> bool:
    """One proper noun mecab knows, not a person's name, that ends in a building's ending
    after two or more syllables (신라호텔); not a government 청사, which mecab knows whole
    as the seat of the government (정부세종청사)."""
    only = tokens[0]
    return (
        suffix in _BUILDING_ENDS
        and len(tokens) == 1
        and only.tag == "NNP"
        and only.semantic != _PERSON
        and len(only.surface) >= len(suffix) + 2
    )


def _is_landmark(text: str, tokens: Sequence[Token], suffix: str) -> bool:
    """A name of two or more syllables before a landmark ending, which no common noun
    takes (창경궁, 만리포해수욕장, 시청앞|광장): mecab often files such names as common
    nouns."""
    if suffix not in LANDMARK_SUFFIXES or not _is_noun(tokens):
        return False
    return len(_surface(text, tokens)) >= len(suffix) + 2


def _place_label(written: str) -> str:
    """GPE for countries, cities and provinces; LOC for regions, facilities, mountains,
    rivers and seas (한라산, 낙동강, but not the cities 부산 and 울산)."""
    if written in COUNTRIES_AND_CITIES:
        return "GPE"
    if written in REGIONS or written.endswith(FACILITY_SUFFIXES):
        return "LOC"
    return "LOC" if len(written) > 2 and _LOC_END.search(written) else "GPE"


def _glosses(text: str, found: list[_Found]) -> list[_Found]:
    """A name's gloss in brackets names the same entity ("유럽연합(EU)", "시진핑(習近平)"):
    both take the label and canonical of the one the gazetteer knows, else the name's."""
    result = list(found)
    by_span = {(f.start, f.end): i for i, f in enumerate(found)}
    for i, f in enumerate(found):
        match = _GLOSS.match(text, f.end)
        if match is None:
            continue
        start, end = match.span("gloss")
        j = by_span.get((start, end))
        if j is None and any(g.start < end and start < g.end for g in found):
            continue
        if j is not None and _known(found[j]) and not _known(f):
            result[i] = replace(f, label=found[j].label, canonical=found[j].canonical)
            continue
        gloss = replace(f, start=start, end=end, title=None, surname=False)
        if j is None:
            result.append(gloss)
        else:
            result[j] = gloss
    return sorted(result, key=lambda f: f.start)


def _affiliations(text: str, tokens: Sequence[Token], found: list[_Found]) -> list[_Found]:
    """A proper noun in brackets right after a person is where the person plays, works or
    sits ("오세진(닛산)"): an organisation, though mecab may read it as a name; not a
    place (hometown), a title or a common noun ("(사진)")."""
    result = list(found)
    by_span = {(f.start, f.end): i for i, f in enumerate(found)}
    for f in found:
        match = _AFFILIATION.match(text, f.end) if f.label == "PERSON" else None
        if match is None or not _proper_span(tokens, *match.span("org")):
            continue
        start, end = match.span("org")
        written = match.group("org")
        if _is_place_name(written) or TITLE_END.search(written) or written in NOT_NAMES:
            continue
        i = by_span.get((start, end))
        org = _Found(start, end, "ORG", written, _ORG_RANK)
        if i is None and not any(g.start < end and start < g.end for g in found):
            result.append(org)
        elif i is not None and found[i].label == "PERSON" and not _known(found[i]):
            result[i] = org
    return sorted(result, key=lambda f: f.start)


def _proper_span(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Whether mecab's morphemes from ``start`` to ``end`` are proper nouns, exactly."""
    inside = [t for t in tokens if start <= t.start < end]
    return (
        bool(inside)
        and inside[0].start == start
        and inside[-1].end == end
        and all(t.tag == "NNP" for t in inside)
    )


def _known(found: _Found) -> bool:
    return found.rank in (_GAZETTEER, _GAZETTEER_PLACE)


def _resolve_people(text: str, found: list[_Found]) -> list[_Found]:
    """Give a later mention by surname or family name the canonical of the full name the
    article gave first ("안 장관" → 안덕근's). A surname that is also an everyday word
    ("한 변호사" is "a lawyer") counts only for an earlier person with the same title."""
    people: list[_Person] = []
    resolved = []
    for f in found:
        if f.label != "PERSON":
            resolved.append(f)
            continue
        written = text[f.start : f.end]
        ambiguous = f.surname and written in _AMBIGUOUS_SURNAMES and f.title is not None
        earlier = _earlier(written, people, f.surname, f.title if ambiguous else None)
        if earlier is not None:
            resolved.append(replace(f, canonical=earlier.canonical))
            continue
        if ambiguous:
            continue
        if f.surname and f.title is not None:
            f = replace(f, canonical=f"{written} {f.title}")
        resolved.append(f)
        if not f.surname:
            people.append(_Person(written, f.canonical, f.title))
    return resolved


@dataclass(frozen=True)
class _Person:
    written: str
    canonical: str
    title: str | None


def _earlier(
    written: str, people: list[_Person], surname: bool, title: str | None
) -> _Person | None:
    """The latest earlier person this mention shortens: a surname of a Korean name (안 of
    안덕근) or one word of a foreign one (브라메르츠 of 세르게 브라메르츠); with ``title``,
    only a person who had that title."""
    for person in reversed(people):
        full = person.written
        if title is not None and person.title != title:
            continue
        if full == written:
            return person
        if surname:
            if " " not in full and full.startswith(written) and len(full) > 1:
                return person
        elif " " in full and written in full.split(" ") and " " not in written:
            return person
    return None
