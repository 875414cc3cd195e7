"""Where the direct quotes of an article are: quotation marks paired paragraph by paragraph.

Quotes are found on the text alone, before anyone is credited with them: curly and straight
marks are paired by what stands beside them, a quote left open at a paragraph end continues
only into a paragraph that opens with a mark (the wire convention), ``"A," he said, "B."``
is one quote, a transcript quoted paragraph by paragraph splits into one quote per speaker
turn, and scare quotes, quoted terms and titles are dropped. ``mask`` blanks punctuation
that ends no clause so the attribution code can find clause ends with simple patterns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from tradewatch.models import EntityMention
from tradewatch.nlp.cues import Cues

__all__ = [
    "CAPS_LABELS",
    "LETTER",
    "MARK",
    "MIN_QUOTE_WORDS",
    "SENTENCE_END",
    "WORD",
    "QuotePart",
    "RawQuote",
    "finalize",
    "find_parts",
    "mask",
    "merge_split",
    "split_transcript",
]

MIN_QUOTE_WORDS = 4


MARK = re.compile(r"[\"“”]")


_PARAGRAPH = re.compile(r"[^\n]+")


WORD = re.compile(r"[\w'’-]+")


LETTER = re.compile(r"[^\W\d_]")


SENTENCE_END = re.compile(r"[.!?](?=[\s\"”’)]|$)")


_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Cmdr|Cpl|Pvt|Rev|Hon|"
    r"Sr|Jr|Ret|Supt|Det|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Corp|Co|Inc|Ltd|No|St|"
    r"vs|etc|[A-Z])\.|\d\.\d"
)


# "(D-Nev.)", "(R-Ohio)": a short aside whose full stop ends no clause.
_PARENTHETICAL = re.compile(r"\([^()\n]{1,40}\)")


_SPLIT_MIDDLE = re.compile(r"^\s*,?\s*[^\"“”.!?;:]{1,100}?,\s*$")


CAPS_LABELS = frozenset(
    {"UPDATE", "BREAKING", "NOTE", "EDITOR'S NOTE", "CORRECTION", "WATCH", "READ", "VIDEO"}
    | {"PHOTO", "PHOTOS", "ALSO", "MORE", "RELATED", "QUESTION", "ANSWER", "TRANSCRIPT"}
)


_TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z'’.-]+(?:[ \t][A-Z][A-Z'’.-]+){0,2}):[ \t]+")


_TITLE_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "at", "by", "with", "from"}
)


_OPENERS = " \t([{—–―‒-/'‘"


_CLOSERS = " \t,.;:!?)]}—–―‒-'’"


@dataclass
class QuotePart:
    """Quoted words of one paragraph: content offsets plus the mark positions."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    paragraph: int


@dataclass
class RawQuote:
    """A quote before attribution: one part, or several for split/multi-paragraph quotes."""

    parts: list[QuotePart]
    middle: tuple[int, int] | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    label: tuple[int, int] | None = None  # "PENCE:" opening a transcript paragraph

    @property
    def first(self) -> QuotePart:
        return self.parts[0]

    @property
    def last(self) -> QuotePart:
        return self.parts[-1]

    @property
    def after(self) -> int:
        """First character after the quote's closing mark (or its paragraph end)."""
        last = self.last
        return last.close_mark + 1 if last.close_mark is not None else last.end


def find_parts(text: str) -> list[RawQuote]:
    """Pair quote marks paragraph by paragraph; an unclosed quote continues into the next
    paragraph only if that paragraph opens with a mark (the wire convention)."""
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    raws: list[RawQuote] = []
    pending: list[QuotePart] = []
    for index, (p_start, p_end) in enumerate(paragraphs):
        open_at: int | None = None
        marks = list(MARK.finditer(text, p_start, p_end))
        if pending:
            if marks and not text[p_start : marks[0].start()].strip():
                open_at = marks[0].start()
                marks = marks[1:]
            else:
                raws.append(RawQuote(parts=pending))
                pending = []
        for mark in marks:
            role = _role(text, mark.start(), p_start, p_end)
            if open_at is None:
                if role != "close":
                    open_at = mark.start()
                continue
            if role == "open" and text[open_at + 1 : mark.start()].strip():
                raws.append(
                    RawQuote(parts=[*pending, _part(text, open_at, mark.start(), None, index)])
                )
                pending, open_at = [], mark.start()
                continue
            raws.append(
                RawQuote(parts=[*pending, _part(text, open_at, mark.start(), mark.start(), index)])
            )
            pending, open_at = [], None
        if open_at is not None:
            pending.append(_part(text, open_at, p_end, None, index))
    if pending:
        raws.append(RawQuote(parts=pending))
    return raws


def _part(text: str, open_mark: int, end: int, close_mark: int | None, paragraph: int) -> QuotePart:
    start = open_mark + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return QuotePart(
        start=start, end=end, open_mark=open_mark, close_mark=close_mark, paragraph=paragraph
    )


def _role(text: str, i: int, lo: int, hi: int) -> str:
    """ "open", "close" or "either" for the mark at ``i``, judged by its neighbours."""
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    opens = before in _OPENERS and not after.isspace()
    closes = not before.isspace() and (after in _CLOSERS or after == "\n")
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    mark = text[i]
    return "open" if mark == "“" else "close" if mark == "”" else "either"


def merge_split(text: str, raws: list[RawQuote], cues: Cues) -> list[RawQuote]:
    """Join ``"A," he said, "B."`` into one quote; the attribution is kept as ``middle``."""
    merged: list[RawQuote] = []
    for raw in raws:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.middle is None
            and prev.last.close_mark is not None
            and prev.last.paragraph == raw.first.paragraph
            and text[prev.last.start : prev.last.end].endswith(",")
        ):
            lo, hi = prev.last.close_mark + 1, raw.first.open_mark
            if _SPLIT_MIDDLE.match(text[lo:hi]) and cues.any_within(lo, hi):
                prev.middle = (prev.last.close_mark + 1, raw.first.open_mark)
                prev.parts.extend(raw.parts)
                continue
        merged.append(raw)
    return merged


def split_transcript(text: str, raws: list[RawQuote]) -> list[RawQuote]:
    """A transcript quoted paragraph by paragraph (``"WALLACE: ...`` / ``"PENCE: ...``) is
    one quote per speaker turn, each without its label; paragraphs with no label of their
    own continue the turn before them."""
    split: list[RawQuote] = []
    for raw in raws:
        labels = [_TRANSCRIPT_LABEL.match(text, part.start) for part in raw.parts]
        labels = [m if m and m.group(1).rstrip(".") not in CAPS_LABELS else None for m in labels]
        if not any(labels):
            split.append(raw)
            continue
        turns: list[RawQuote] = []
        for part, label in zip(raw.parts, labels, strict=True):
            if label is not None or not turns:
                if turns:
                    ended = turns[-1].last
                    ended.close_mark = ended.end
                turns.append(RawQuote(parts=[], label=label.span(1) if label else None))
            if label is not None:
                part.start = label.end()
            turns[-1].parts.append(part)
        split.extend(turns)
    return split


def finalize(text: str, raw: RawQuote) -> bool:
    """Set the quote text and offsets; False for scare quotes, quoted terms and quotes whose
    closing mark never comes (their extent would be a guess)."""
    if raw.last.close_mark is None:
        return False
    pieces = [text[p.start : p.end] for p in raw.parts]
    joined = " ".join(" ".join(piece.split()) for piece in pieces)
    raw.start, raw.end = raw.first.start, raw.last.end
    if joined.endswith(","):
        joined = joined[:-1].rstrip()
        raw.end = raw.start + len(text[raw.start : raw.end].rstrip()[:-1].rstrip())
    raw.text = joined
    words = WORD.findall(joined)
    if len(words) < MIN_QUOTE_WORDS:
        return False
    return not _is_title_case(joined, words)


def _is_title_case(joined: str, words: list[str]) -> bool:
    """A quoted name or title ("Friendship Across the Strait", "Japan-Korea Future
    Partnership Fund"): every content word capitalised and no sentence punctuation."""
    if len(words) > 10 or re.search(r"[.!?,;:]\s*$", joined) or re.search(r"[.!?;]\s", joined):
        return False
    content = [w for w in words if w.lower() not in _TITLE_SMALL_WORDS]
    return bool(content) and all(w[0].isupper() or w[0].isdigit() for w in content)


def mask(text: str, entities: Sequence[EntityMention], doc: Doc, scare: Sequence[RawQuote]) -> str:
    """Copy of ``text`` where punctuation that does not end a clause is blanked: commas and
    periods inside names ("Ministry of Trade, Industry and Energy", "U.S."), abbreviations,
    short parentheticals ("(D-Nev.)") and the marks around scare quotes. Offsets are unchanged."""
    chars = list(text)
    spans = [(m.start_char, m.end_char) for m in entities]
    spans += [(e.start_char, e.end_char) for e in doc.ents]
    spans += [m.span() for m in _ABBREVIATION.finditer(text)]
    spans += [m.span() for m in _PARENTHETICAL.finditer(text)]
    for start, end in spans:
        for i in range(start, end):
            if chars[i] in ",.":
                chars[i] = "_"
    for raw in scare:
        for part in raw.parts:
            for i in (part.open_mark, part.close_mark):
                if i is not None:
                    chars[i] = "_"
    return "".join(chars)
