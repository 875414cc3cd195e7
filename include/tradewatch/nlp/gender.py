"""Grammatical gender of the people an article names, for resolving "he" and "she".

A pronoun speaker must agree with the person it is resolved to: "she said" after "Ivanka
Trump ... Donald Trump's eldest daughter" is Ivanka, not Donald. The evidence is read off
the article itself, strongest first: titles and nouns next to a mention ("Mrs.",
"spokeswoman", "his wife X"), common given names (``include/gazetteer/given_names.yaml``),
and sentences that mention only that person and refer back with he/his or she/her. Where
the evidence is missing or split, the gender stays unknown and the person agrees with
either pronoun.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

import yaml
from spacy.tokens import Doc

from tradewatch.models import EntityMention
from tradewatch.nlp.doc_text import doc_text
from tradewatch.nlp.gazetteer import GazetteerError, gazetteer_dir

__all__ = ["genders", "pronoun_gender"]

_FEMALE_WORDS = frozenset(
    {"mrs", "ms", "miss", "madam", "madame", "lady", "queen", "princess", "empress"}
    | {"duchess", "spokeswoman", "chairwoman", "congresswoman", "businesswoman"}
    | {"councilwoman", "anchorwoman", "actress", "wife", "mother", "daughter", "sister"}
    | {"widow", "grandmother", "granddaughter", "aunt", "niece", "girlfriend", "woman"}
    | {"girl", "mom", "stepmother", "heiress", "hostess", "waitress", "sportswoman"}
)
_MALE_WORDS = frozenset(
    {"mr", "sir", "lord", "king", "prince", "emperor", "duke", "spokesman", "congressman"}
    | {"businessman", "councilman", "anchorman", "husband", "father", "son", "brother"}
    | {"widower", "grandfather", "grandson", "uncle", "nephew", "boyfriend", "man", "boy"}
    | {"dad", "stepfather", "sportsman", "chairman"}
)
_MASCULINE = frozenset({"he", "him", "his", "himself"})
_FEMININE = frozenset({"she", "her", "hers", "herself"})
_WORD = re.compile(r"[A-Za-z][\w'-]*")


@lru_cache(maxsize=1)
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    """The female and male given-name lists from ``given_names.yaml`` in the gazetteer."""
    path = gazetteer_dir() / "given_names.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise GazetteerError(f"{path} must map 'female' and 'male' to lists of names")
    return (
        frozenset(str(n).casefold() for n in raw.get("female") or ()),
        frozenset(str(n).casefold() for n in raw.get("male") or ()),
    )


def pronoun_gender(word: str) -> str | None:
    """ "m" for he/him/his, "f" for she/her/hers, None otherwise."""
    low = word.casefold()
    return "m" if low in _MASCULINE else "f" if low in _FEMININE else None


def genders(
    doc: Doc, persons: Sequence[EntityMention], quoted: Sequence[tuple[int, int]] = ()
) -> dict[str, str]:
    """Canonical name -> "m" or "f" for the persons the article gives evidence about."""
    votes: dict[str, Counter[str]] = {}
    text = doc_text(doc)

    def inside(start: int, end: int) -> bool:
        return any(start < q_end and end > q_start for q_start, q_end in quoted)

    for m in persons:
        tally = votes.setdefault(m.canonical, Counter())
        before = _WORD.findall(text[max(0, m.start_char - 40) : m.start_char])[-2:]
        words = [w.casefold().rstrip(".") for w in before]
        words += [w.casefold() for w in _WORD.findall(m.title or "")]
        after = _WORD.findall(text[m.end_char : m.end_char + 30])[:3]
        if text[m.end_char : m.end_char + 2].startswith(","):
            words += [w.casefold() for w in after]
        for w in words:
            if w in _FEMALE_WORDS:
                tally["f"] += 3
            elif w in _MALE_WORDS:
                tally["m"] += 3
        given = m.canonical.split()[0].casefold() if " " in m.canonical else ""
        female, male = _given_names()
        if given in female:
            tally["f"] += 2
        elif given in male:
            tally["m"] += 2
    _pronoun_votes(doc, persons, votes, inside)
    found: dict[str, str] = {}
    for name, tally in votes.items():
        if tally["m"] != tally["f"]:
            found[name] = "m" if tally["m"] > tally["f"] else "f"
    return found


def _pronoun_votes(
    doc: Doc,
    persons: Sequence[EntityMention],
    votes: dict[str, Counter[str]],
    inside: Callable[[int, int], bool],
) -> None:
    """A sentence naming one person only, and referring back with he/his or she/her
    after that mention, votes for that person's gender."""
    by_sentence: dict[int, set[str]] = {}
    first_at: dict[tuple[int, str], int] = {}
    for m in persons:
        if inside(m.start_char, m.end_char):
            continue
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None:
            continue
        key = span.sent.start
        by_sentence.setdefault(key, set()).add(m.canonical)
        first_at.setdefault((key, m.canonical), m.end_char)
    for sent in doc.sents:
        names = by_sentence.get(sent.start)
        if not names or len(names) != 1:
            continue
        (name,) = names
        after = first_at[(sent.start, name)]
        for token in sent:
            if token.idx < after or inside(token.idx, token.idx + len(token.text)):
                continue
            gender = pronoun_gender(token.text)
            if gender:
                votes[name][gender] += 1
