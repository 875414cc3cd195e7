"""Korean morphemes from mecab-ko, with character offsets into the analysed text.

Entity and quote rules read Korean one morpheme at a time (a name, then its particle 은/는,
then a quotative 라고) and need offsets into the article text, which mecab gives
(``span``). The tagger takes a moment to load its dictionary, so one is shared by the
process; calls are serialised because one tagger instance is not documented as safe to
share between threads.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import mecab

__all__ = ["Token", "Word", "tokenize", "words"]

logger = logging.getLogger(__name__)

_LOCK = threading.Lock()
_LINE = re.compile(r"[^\n]+")
_BREAKS = frozenset({",", ".", "?", "!", ";"})
_QUOTE_MARKS = frozenset("“”‘’\"'")
# The archaic vowel ᆞ some copy types for the middle dot (공화ᆞ앨라배마, 5ᆞ18): mecab
# glues it to the next word, so it is read as the dot it stands for (same length).
_DOT_STAND_IN = "\u119e"
_TAGGER: mecab.MeCab | None = None


@dataclass(frozen=True, slots=True)
class Token:
    """One morpheme: ``pos`` is mecab-ko's tag (``NNP``, ``JX``, fused ``XSV+EP``),
    ``semantic`` its semantic class (``인명`` person, ``지명`` place) or None."""

    surface: str
    pos: str
    semantic: str | None
    start: int
    end: int
    compound: bool = False  # a dictionary compound (관세청 = 관세+청), one morpheme here
    tag: str = field(init=False)  # the first tag of a fused one: VV of VV+EP
    last_tag: str = field(init=False)  # the last one: EP of VV+EP

    def __post_init__(self) -> None:
        object.__setattr__(self, "tag", self.pos.split("+", 1)[0])
        object.__setattr__(self, "last_tag", self.pos.rsplit("+", 1)[-1])


@dataclass(frozen=True, slots=True)
class Word:
    """An eojeol: the morphemes between two spaces (a noun with its particles, a verb)."""

    tokens: tuple[Token, ...]
    start: int = field(init=False)
    end: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", self.tokens[0].start)
        object.__setattr__(self, "end", self.tokens[-1].end)


def _tagger() -> mecab.MeCab:
    global _TAGGER
    if _TAGGER is None:
        logger.debug("loading mecab-ko")
        _TAGGER = mecab.MeCab()
    return _TAGGER


def tokenize(text: str) -> list[Token]:
    """The morphemes of ``text`` in order; offsets index ``text``. Each line goes to mecab
    on its own: the wrapper's offset bookkeeping grows with the square of the input's
    length (a whole 100 kB text parses 10 times slower than its lines one by one)."""
    tokens: list[Token] = []
    for line in _LINE.finditer(text):
        offset = line.start()
        written = line.group()
        if _DOT_STAND_IN in written:
            written = written.replace(_DOT_STAND_IN, "·")
        with _LOCK:
            parsed = _tagger().parse(written)
        tokens += [
            Token(
                m.surface,
                m.feature.pos,
                m.feature.semantic,
                m.span.start + offset,
                m.span.end + offset,
                m.feature.type == "Compound",
            )
            for m in parsed
        ]
    return tokens


def words(tokens: Sequence[Token]) -> list[Word]:
    """Group morphemes into eojeol: a new word starts wherever a gap (the whitespace mecab
    drops) separates two morphemes, after a comma or full stop written without a space
    ("초,유엔은") and around a quotation mark (그는“…), which is a word of its own."""
    grouped: list[Word] = []
    current: list[Token] = []
    for token in tokens:
        if current and (
            token.start > current[-1].end
            or current[-1].surface in _BREAKS
            or token.surface in _QUOTE_MARKS
            or current[-1].surface in _QUOTE_MARKS
        ):
            grouped.append(Word(tuple(current)))
            current = []
        current.append(token)
    if current:
        grouped.append(Word(tuple(current)))
    return grouped
