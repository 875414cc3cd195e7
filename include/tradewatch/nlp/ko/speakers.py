"""Who a Korean quote's subject phrase names: a person, a description, an organisation...

Korean marks the speaker with a particle (안덕근 장관은, 업계 관계자가) and builds the
phrase from bare nouns before it: name, organisation, title ("안덕근 산업통상자원부
장관"). The phrase runs back from the particle over bare nouns and stops at anything
else, so a clause that only hides a name ("익명을 요구한 정부 관계자는") leaves "정부
관계자". A genitive or appositive stays in the phrase ("라시드의 아내", "USDA의 유전학자인
레이"); what the speaker is follows from the entities and the head noun after it. A
description drops the indefinite 한 ("한 소비자" is the descriptor 소비자) but keeps it in
``speaker_text``, which is always the phrase as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tradewatch.models import EntityMention, SpeakerKind
from tradewatch.nlp.gazetteer import Gazetteer
from tradewatch.nlp.ko.entities import organisation_name
from tradewatch.nlp.ko.lexicon import (
    DESCRIPTOR_NOUNS,
    DOCUMENT_NOUNS,
    MEDIA_SUFFIXES,
    PRONOUNS,
    SINGULAR_PRONOUNS,
)
from tradewatch.nlp.ko.morphology import Token, Word

__all__ = ["Speaker", "speaker_at", "subject_end"]

# Particles that make a word the subject or topic: 은/는, 이/가, 도 ("관계자도").
_SUBJECT_PARTICLES = frozenset({"은", "는", "이", "가", "도", "께서", "께서는"})
# Bare nouns that open a sentence rather than name its speaker ("이날 안 장관은").
_NOT_SPEAKER_WORDS = frozenset(
    {"이날", "당시", "현재", "오늘", "어제", "내일", "지난해", "올해", "작년", "최근", "이번"}
    | {"지난달", "지난주", "이달", "오전", "오후", "그동안", "한편", "관련", "이와", "이에"}
    | {"또", "또한", "특히", "이어", "앞서", "그러나", "하지만", "다만", "아울러", "따라서"}
)
# Nouns that can be subjects but never speakers (것은, 수가, 때는).
_NOT_SPEAKERS = frozenset(
    {"것", "수", "때", "데", "중", "등", "바", "점", "뒤", "후", "전", "이", "이것", "그것"}
)
# Morphemes a speaker phrase cannot run back over: particles, endings, verbs, adverbs,
# commas and full stops (so it stops at the 요구한 of "익명을 요구한 정부 관계자").
_CLAUSE_TAGS = ("J", "E", "V", "XSV", "XSA", "MAG", "MAJ", "SC", "SF")
# What can stand right before a subject particle (a noun, a name, a closing bracket).
_BODY_TAGS = frozenset({"NNG", "NNP", "NR", "NP", "SL", "SH", "SN", "XSN", "SSC"})
# Last syllables of particles and endings: a word ending in one is a clause or an
# adverbial, not part of a name.
_CLAUSE_ENDING = re.compile(
    r"(?:[을를에의로와과한된인던할될고며서게지도만은는이가께면다요죠음기]|까지|부터|처럼|보다)$"
)
# Syllables that spell a lone consonant of a foreign name (스, 트, 르: 메르켈, 트럼프).
_TRANSLITERATION = re.compile(r"[스즈트프르크드브츠쯔흐므]")
_INDEFINITE = re.compile(r"^한 (?=\S)")
_OPENING_MARKS = frozenset("‘'“\"(「『")
# A bracketed gloss after a name (파이낸셜타임스(FT), 국제유고전범재판소(ICTY)).
_GLOSS = re.compile(r"\([^()]*\)$")
_DATE = re.compile(r"^\d+(?:일|월|년|시|분|초)?$")


@dataclass(frozen=True)
class Speaker:
    """A speaker phrase: ``text`` as written (no particle), ``name`` whom it means."""

    text: str
    start: int
    end: int
    kind: SpeakerKind
    name: str | None
    canonical: str | None = None


def subject_end(text: str, word: Word, names: Sequence[EntityMention] = ()) -> int | None:
    """Where the noun of a subject word ends, before its particle (장관|은, 관계자|가);
    None when the word is no subject: an adverbial with a topic particle (회의에서는) or a
    bound noun (것은). mecab sometimes misreads a name with its particle (부시는 as the
    verb 부시다) or glues the particle to an unknown noun (조사|관은): an entity followed
    by a particle, or a noun ending in 은/는, stands for the pair."""
    tokens = list(word.tokens)
    while tokens and tokens[-1].tag[0] == "S" and tokens[-1].tag not in ("SL", "SH", "SN"):
        tokens.pop()
    if not tokens:
        return None
    last = tokens[-1]
    for name in names:
        glued = text[name.end_char : last.end] if name.start_char == word.start else ""
        if glued in _SUBJECT_PARTICLES:
            return name.end_char
    if len(tokens) >= 2 and last.tag in ("JX", "JKS") and last.surface in _SUBJECT_PARTICLES:
        body = tokens[-2]
        if body.tag not in _BODY_TAGS or body.surface in _NOT_SPEAKERS:
            return None
        return body.end
    glued = len(last.surface) > 2 or (len(tokens) > 1 and tokens[-2].tag in ("NNG", "NNP"))
    if last.tag in ("NNG", "NNP") and glued and last.surface[-1] in "은는":
        return last.end - 1
    return None


def speaker_at(
    text: str,
    word_list: Sequence[Word],
    k: int,
    end: int,
    entities: Sequence[EntityMention],
    gazetteer: Gazetteer,
    last_person: str | None,
    sentence_start: int,
) -> Speaker:
    """The speaker phrase ending at ``end`` in word ``k`` (not reaching back before
    ``sentence_start``) and what it names. 그/그녀 means ``last_person`` (the last person
    the article had speak or act); 그들/이들 nobody in particular."""
    j, core = k, None  # the phrase starts at word j; its core (after a 의 or 인) at core
    while j > 0 and word_list[j - 1].start >= sentence_start:
        link = _link(text, word_list[j - 1])
        if link is None and not _extends(text, word_list[j - 1], entities):
            break
        j -= 1
        if link is not None and core is None:
            core = j + 1
    core = j if core is None else core
    start = word_list[j].start
    while start < end and text[start] in _OPENING_MARKS:
        start += 1
    written = text[start:end]
    head = _GLOSS.sub("", text[max(start, word_list[k].start) : end])
    tokens = [t for t in word_list[k].tokens if t.end <= end]
    core_start = max(start, word_list[core].start)
    if head in PRONOUNS and j == k:
        person = last_person if head in SINGULAR_PRONOUNS else None
        return Speaker(written, start, end, "pronoun", person, person)
    inside = [m for m in entities if core_start <= m.start_char and m.end_char <= end]
    if head in DOCUMENT_NOUNS:
        return Speaker(written, start, end, "document", written)
    heads = [m for m in inside if m.label in ("ORG", "GPE") and m.end_char == end]
    known = gazetteer.lookup(heads[0].text) if heads else None
    canonical = known.canonical if known is not None else None
    if (known is not None and known.kind == "media") or MEDIA_SUFFIXES.search(head):
        return Speaker(written, start, end, "media", canonical or written, canonical)
    people = [m for m in inside if m.label == "PERSON"]
    if people:  # the name comes first: "세르게 브라메르츠 국제유고전범재판소 수석검사"
        return Speaker(written, start, end, "named", people[0].canonical, people[0].canonical)
    if heads or organisation_name(text, tokens) is not None:
        alone = bool(heads) and heads[0].start_char == core_start and canonical is not None
        return Speaker(
            written, start, end, "organisation", canonical if alone else written, canonical
        )
    if core == k and head not in DESCRIPTOR_NOUNS and _reads_as_name(head, tokens):
        name = text[core_start:end]
        return Speaker(written, start, end, "named", name, name)
    described = _INDEFINITE.sub("", written)  # 한 소비자 is "a consumer": 소비자
    return Speaker(written, start, end, "descriptor", described)


def _reads_as_name(head: str, tokens: Sequence[Token]) -> bool:
    """A one-word speaker that is a name the entity rules missed: a proper noun, a word
    mecab could not read (피|킨|스|는), or a transliteration it files as a common noun
    (메르켈, 알바레즈: the vowel-less syllables of a foreign consonant cluster)."""
    if all(t.tag == "NNP" for t in tokens) or any(t.tag not in _BODY_TAGS for t in tokens):
        return True
    return len(tokens) == 1 and bool(_TRANSLITERATION.search(head)) and len(head) > 1


def _link(text: str, word: Word) -> str | None:
    """A genitive or appositive that belongs to the phrase ("라시드의 아내", "USDA의
    유전학자인 레이"), but not 익명의, which only hides a name."""
    tokens = [t for t in word.tokens if t.tag[0] != "S" or t.tag in ("SL", "SH", "SN")]
    if len(tokens) < 2 or tokens[-2].tag not in _BODY_TAGS:
        return None
    last = tokens[-1]
    if last.tag == "JKG" and text[word.start : last.start] != "익명":
        return "의"
    if last.pos == "VCP+ETM" and last.surface == "인":
        return "인"
    return None


def _extends(text: str, word: Word, entities: Sequence[EntityMention]) -> bool:
    """A word the speaker phrase runs back over: a name, a bare noun (with a bracketed
    gloss, as in 국제유고전범재판소(ICTY)) or a determiner (한 소비자); not a date or a
    sentence adverb, nor anything with a particle, ending or verb (익명을 요구한)."""
    written = text[word.start : word.end]
    if written in _NOT_SPEAKER_WORDS or _DATE.match(written):
        return False
    if any(m.start_char <= word.start and word.end <= m.end_char for m in entities):
        return True
    if not any(t.tag.startswith(_CLAUSE_TAGS) for t in word.tokens):
        return True
    # mecab cuts an unknown foreign name into particles and verbs (하|이타오, 보|엘):
    # a word of several morphemes that ends in no particle or ending syllable is one
    return (
        len(word.tokens) > 1
        and not any(t.tag in ("MAG", "MAJ", "SC", "SF") for t in word.tokens)
        and not _CLAUSE_ENDING.search(written)
    )
