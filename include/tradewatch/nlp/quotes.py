"""Direct quotes and their speakers.

Analysts only trust a quote that is verbatim in the article and attributed to whoever really
said it, so this module prefers leaving a speaker unknown over guessing. The layout work
(which marks open and close a quote, split and multi-paragraph quotes, where the attribution
sits) is pattern-based; spaCy's parse is used only to find the extent of the speaker phrase
around a speech verb ("a senior official at the Ministry of Trade, Industry and Energy").

Conventions (callers and the gold set rely on them):

* ``quote`` is the quoted words without the marks. A trailing comma that belongs to the
  attribution (``"...retaliation," he said``) is dropped.
* ``start_char``/``end_char`` index into ``doc.text``. For a simple quote
  ``text[start:end] == quote``. For a split quote (``"A," he said, "B."``) and a quote that
  runs over several paragraphs, the span runs from the start of the first part to the end of
  the last, so it also covers the attribution or paragraph break in between; ``quote`` joins
  the parts with single spaces.
* Quotes shorter than ``MIN_QUOTE_WORDS`` words are scare quotes or quoted terms and skipped.
* ``speaker_kind``: "named" for a person, organisation or place named in the text (a named
  organisation such as "METI said" is "named", with its canonical name); "descriptor" for a
  description ("a Foreign Ministry official", "the ministry", "industry sources"); "pronoun"
  for he/she, with ``speaker`` resolved to the latest named person before the pronoun (None if
  there is none); "unknown" when no attribution was found.
* A quote with no attribution right after an attributed quote (same or next paragraph, no
  other sentence in between) inherits that quote's speaker, with ``cue`` None.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from tradewatch.models import EntityMention, Quote, SpeakerKind
from tradewatch.nlp.cues import Cue, Cues, find_cues
from tradewatch.nlp.entities import Gazetteer, load_gazetteer, resolve_person, strip_titles
from tradewatch.nlp.gender import genders, pronoun_gender
from tradewatch.nlp.speaker_kinds import (
    DOCUMENT_NOUNS,
    PERSON_NOUNS,
    kind_of_description,
    kind_of_name,
)

__all__ = ["MIN_QUOTE_WORDS", "extract_quotes"]

logger = logging.getLogger(__name__)

MIN_QUOTE_WORDS = 4
_MAX_SPEAKER_WORDS = 16
_INHERIT_MAX_PARAGRAPHS = 1
# How many sentences a chain of "he ... he ..." is followed back to the name that began it.
_PRONOUN_CHAIN = 6

_MARK = re.compile(r"[\"“”]")
_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"[\w'’-]+")
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"[.!?](?=[\s\"”’)]|$)")
_CLAUSE_END = re.compile(r"[.!?;](?=[\s\"”’)]|$)")
_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Cmdr|Cpl|Pvt|Rev|Hon|"
    r"Sr|Jr|Ret|Supt|Det|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Corp|Co|Inc|Ltd|No|St|"
    r"vs|etc|[A-Z])\.|\d\.\d"
)
# "(D-Nev.)", "(R-Ohio)": a short aside whose full stop ends no clause.
_PARENTHETICAL = re.compile(r"\([^()\n]{1,40}\)")
_SPLIT_MIDDLE = re.compile(r"^\s*,?\s*[^\"“”.!?;:]{1,100}?,\s*$")
_PRONOUN = re.compile(r"^(?:he|she)$", re.IGNORECASE)
_TRAILING_PRONOUN = re.compile(r"\b(he|she)\s*,?\s*$", re.IGNORECASE)
_DETERMINER = re.compile(
    r"\b(?:an?|the|one|another|some|two|three|several|many|other)\s", re.IGNORECASE
)
_NAME_CHAIN = re.compile(r"(?:[A-Z][\w'’-]*\.?\s+){0,3}[A-Z][\w'’-]*$")
_GROUP_SPEAKER = re.compile(
    r"(?:[A-Za-z-]+\s+){0,2}(?:officials|sources|analysts|experts|executives|diplomats|"
    r"insiders|observers|lawmakers|economists|people|critics|traders)$"
)
# "an official at (the) <ORG>": the organisation is where the speaker works, not the speaker.
_DESCRIPTOR_FRAME = re.compile(r"\b(?:at|of|from|for|with|in|to|by)\s+(?:the\s+)?$", re.IGNORECASE)
# "a retail analyst who asked not to be named": the clause hides the speaker, it does not
# describe them, so it is not part of the descriptor ("a farmer who lives near the plant" is).
_ANONYMITY = re.compile(
    r"\s+(?:who|that)\s+(?:\w+\s+){0,6}?(?:anonymity|anonymously|named|identified)\b.*$",
    re.DOTALL,
)
_APPOSITION = re.compile(r",\s+(?:(?:a|an|the|its|his|her)\s+)?(?:[\w-]+\s+){0,3}?([a-z]+)\b")
# "Not everyone agrees.": nobody in particular, so no speaker for what follows.
_INDEFINITE = frozenset(
    {"everyone", "everybody", "nobody", "anyone", "anybody", "no", "none", "all", "few"}
)
# "HEWITT:" at the start of a transcript line.
_CAPS_NAME = re.compile(r"(?:^|[-—–―‒]\s*)([A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,2})$")
_CAPS_LABELS = frozenset(
    {"UPDATE", "BREAKING", "NOTE", "EDITOR'S NOTE", "CORRECTION", "WATCH", "READ", "VIDEO"}
    | {"PHOTO", "PHOTOS", "ALSO", "MORE", "RELATED", "QUESTION", "ANSWER", "TRANSCRIPT"}
)
# Words opening a comma-separated part of a lead that is not the speaker.
_FRONTED = frozenset(
    {"in", "of", "on", "at", "for", "from", "with", "after", "before", "during", "asked"}
    | {"who", "which", "that", "whose", "where", "when", "while", "and", "but", "speaking"}
    | {"according", "as", "by", "to", "under", "about", "like", "unlike", "despite"}
)
_TRAILING_ASIDE = re.compile(r"\s*\([^()\n]{1,40}\)$")
# "..." — Sanders. / a quote paragraph, then a line "-President Obama, tweeting after ..."
_DASH_SOURCE = re.compile(
    r"[ \t]*(?:\n\s*)?[-—–―‒]+[ \t]*([A-Z][^,.\n(]{0,60}?)[ \t]*(?=[,.(]|$)", re.M
)
_TRAILING_ADVERBS = re.compile(
    r"(?:\s+(?:once|also|later|then|earlier|again|previously|recently|often|first|further|"
    r"[a-z]+ly))+\s*$"
)
# what ends a clause that introduces the quote after it: a colon, or a dash
_INTRODUCER = re.compile(r"(?::|\s(?:--|—|–|―))\s*$")
_CONJUNCTION = re.compile(r"\b(?:and|or|but|then|and then)\b", re.IGNORECASE)
_TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z'’.-]+(?:[ \t][A-Z][A-Z'’.-]+){0,2}):[ \t]+")
_INVERTED_STOP = re.compile(r"[,.;(]|$")
_RELATIVE = re.compile(r",?\s+(?:who|which|that)\b.*$", re.DOTALL)
# "the minister said" after "Trade Minister Ahn Duk-geun" was introduced.
_PERSON_ANAPHOR = re.compile(
    r"^the\s+(?:[a-z]+\s+){0,2}(minister|president|premier|spokesman|spokeswoman|"
    r"spokesperson|ambassador|chairman|chairwoman|ceo|governor|secretary|envoy|negotiator|"
    r"professor|analyst|researcher|economist|lawmaker|chief)$",
    re.IGNORECASE,
)
# "the official said" after "a senior official at the ministry" spoke earlier.
_DEFINITE_NOUN = re.compile(r"^the\s+([a-z]+)$", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"(?:a|an|the)\s+", re.IGNORECASE)
# "the ministry said" after "the Ministry of Trade, Industry and Energy" was named.
_COMPANY_NOUNS = frozenset({"company", "firm", "chipmaker", "manufacturer", "group", "maker"})
_PUBLIC_BODY_WORDS = frozenset(
    {"ministry", "agency", "office", "association", "federation", "bank", "court", "service"}
    | {"organization", "organisation", "commission", "council", "chamber", "assembly"}
)
_ORG_ANAPHOR = re.compile(
    r"^the\s+(ministry|agency|office|association|federation|bank|court|service|commission|"
    r"council|chamber|organization|organisation|company|firm|chipmaker|manufacturer|group|"
    r"maker)$",
    re.IGNORECASE,
)
_TITLE_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "at", "by", "with", "from"}
)
_REMARK_SOURCE = re.compile(
    r"[ \t]*(?:The|That|This|Those|These|His|Her|Their|Its)\s+(?:\w+\s+)?(?:remarks?|comments?|"
    r"words|statements?|warning|assessment|quote|message)\s+((?:came|come)\s+from|"
    r"(?:was|were)\s+(?:[a-z]+\s+){0,2}by)\s+"
)
_NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC"})
_OPENERS = " \t([{—–―‒-/'‘"
_CLOSERS = " \t,.;:!?)]}—–―‒-'’"


@dataclass
class _Part:
    """Quoted words of one paragraph: content offsets plus the mark positions."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    paragraph: int


@dataclass
class _Raw:
    """A quote before attribution: one part, or several for split/multi-paragraph quotes."""

    parts: list[_Part]
    middle: tuple[int, int] | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    label: tuple[int, int] | None = None  # "PENCE:" opening a transcript paragraph

    @property
    def first(self) -> _Part:
        return self.parts[0]

    @property
    def last(self) -> _Part:
        return self.parts[-1]

    @property
    def after(self) -> int:
        """First character after the quote's closing mark (or its paragraph end)."""
        last = self.last
        return last.close_mark + 1 if last.close_mark is not None else last.end


@dataclass
class _Speaker:
    name: str | None
    kind: SpeakerKind
    canonical: str | None
    position: int
    written: str | None = None
    how: str = "cue"


@dataclass
class _Context:
    """Per-document state shared by the attribution helpers."""

    doc: Doc
    masked: str
    entities: list[EntityMention]
    gazetteer: Gazetteer
    cues: Cues
    quoted: list[tuple[int, int]]
    short: list[tuple[int, int]]
    raws: list[_Raw]
    full_names: list[str]
    named_speakers: list[tuple[int, str, str | None]] = field(default_factory=list)
    descriptors: list[tuple[int, str]] = field(default_factory=list)
    # organisations, documents and outlets quoted so far, and groups of people ("officials")
    others: list[tuple[int, str, str | None]] = field(default_factory=list)
    groups: list[tuple[int, str, str | None]] = field(default_factory=list)
    _genders: dict[str, str] | None = None

    _persons: list[EntityMention] | None = None
    caption_side: str | None = None

    def person_genders(self) -> dict[str, str]:
        """Gender evidence per person, worked out on first use (see ``nlp.gender``)."""
        if self._genders is None:
            self._genders = genders(self.doc, self.persons(), self.quoted)
        return self._genders

    def persons(self) -> list[EntityMention]:
        """PERSON mentions, plus proper-noun subjects the NER did not tag ("Ivanka Trump
        strode across the stage"): the people a pronoun can point back to."""
        if self._persons is None:
            found = [m for m in self.entities if m.label == "PERSON"]
            for token in self.doc:
                if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ != "PROPN":
                    continue
                if any(m.start_char <= token.idx < m.end_char for m in self.entities):
                    continue
                start = token.i
                while start > 0 and self.doc[start - 1].dep_ == "compound":
                    start -= 1
                if not self.doc[start].is_title or start == token.i:
                    continue
                span = self.doc[start : token.i + 1]
                name = strip_titles(span.text)
                if " " in name and not self.in_quote(span.start_char, span.end_char):
                    found.append(
                        EntityMention(name, "PERSON", name, span.start_char, span.end_char)
                    )
            self._persons = sorted(found, key=lambda m: m.start_char)
        return self._persons

    def in_quote(self, start: int, end: int) -> bool:
        return any(start < q_end and end > q_start for q_start, q_end in self.quoted)

    def in_marks(self, position: int) -> bool:
        """Inside a short quote that is not kept as a quote ("Meh," wrote a supporter)."""
        return any(q_start <= position < q_end for q_start, q_end in self.short)


def extract_quotes(
    doc: Doc,
    entities: Sequence[EntityMention] = (),
    gazetteer: Gazetteer | None = None,
) -> list[Quote]:
    """Direct quotes in ``doc`` with speakers; ``entities`` come from ``extract_entities``."""
    text = doc.text
    cues = find_cues(doc)
    raws = _split_transcript(text, _merge_split(text, _find_parts(text), cues))
    kept = [raw for raw in raws if _finalize(text, raw)]
    ctx = _Context(
        doc=doc,
        masked=_mask(text, entities, doc, [raw for raw in raws if raw not in kept]),
        entities=sorted(entities, key=lambda m: m.start_char),
        gazetteer=gazetteer or load_gazetteer(),
        cues=cues,
        quoted=[(p.start, p.end) for raw in kept for p in raw.parts],
        short=[(p.start, p.end) for raw in raws if raw not in kept for p in raw.parts],
        raws=kept,
        full_names=[m.canonical for m in entities if m.label == "PERSON" and " " in m.canonical],
    )
    quotes: list[Quote] = []
    previous: tuple[_Raw, Quote] | None = None
    for raw in kept:
        found = _attribute(ctx, raw)
        inherit = found is None and previous is not None and _follows(ctx, previous[0], raw)
        if found is None and not inherit:
            found = _caption_source(ctx, raw) or _from_previous_sentence(ctx, raw)
        if inherit and previous is not None:
            prior = previous[1]
            name, kind, canonical, cue = (
                prior.speaker,
                prior.speaker_kind,
                prior.speaker_canonical,
                None,
            )
            written = prior.speaker_text
            how: str | None = "inherited"
        else:
            speaker, cue = found if found else (_Speaker(None, "unknown", None, -1), None)
            name, kind, canonical = speaker.name, speaker.kind, speaker.canonical
            written = speaker.written
            how = speaker.how if found else None
            if speaker.kind == "named" and speaker.name and _is_person(ctx, speaker):
                ctx.named_speakers.append((speaker.position, speaker.name, speaker.canonical))
            if speaker.kind == "descriptor" and speaker.name:
                ctx.descriptors.append((speaker.position, speaker.name))
                if _head_word(speaker.name).endswith("s"):
                    ctx.groups.append((speaker.position, speaker.name, None))
            if speaker.kind in ("organisation", "document", "media") and speaker.name:
                ctx.others.append((speaker.position, speaker.name, speaker.canonical))
        quote = Quote(
            quote=raw.text,
            speaker=name,
            speaker_kind=kind,
            cue=cue,
            start_char=raw.start,
            end_char=raw.end,
            speaker_canonical=canonical,
            speaker_text=written,
            attribution=how,
        )
        quotes.append(quote)
        previous = (raw, quote) if quote.speaker_kind != "unknown" else None
    logger.debug("found %d quotes (%d candidates)", len(quotes), len(raws))
    return quotes


# --- layout: where quotes are ---------------------------------------------------------------


def _find_parts(text: str) -> list[_Raw]:
    """Pair quote marks paragraph by paragraph; an unclosed quote continues into the next
    paragraph only if that paragraph opens with a mark (the wire convention)."""
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    raws: list[_Raw] = []
    pending: list[_Part] = []
    for index, (p_start, p_end) in enumerate(paragraphs):
        open_at: int | None = None
        marks = list(_MARK.finditer(text, p_start, p_end))
        if pending:
            if marks and not text[p_start : marks[0].start()].strip():
                open_at = marks[0].start()
                marks = marks[1:]
            else:
                raws.append(_Raw(parts=pending))
                pending = []
        for mark in marks:
            role = _role(text, mark.start(), p_start, p_end)
            if open_at is None:
                if role != "close":
                    open_at = mark.start()
                continue
            if role == "open" and text[open_at + 1 : mark.start()].strip():
                raws.append(_Raw(parts=[*pending, _part(text, open_at, mark.start(), None, index)]))
                pending, open_at = [], mark.start()
                continue
            raws.append(
                _Raw(parts=[*pending, _part(text, open_at, mark.start(), mark.start(), index)])
            )
            pending, open_at = [], None
        if open_at is not None:
            pending.append(_part(text, open_at, p_end, None, index))
    if pending:
        raws.append(_Raw(parts=pending))
    return raws


def _part(text: str, open_mark: int, end: int, close_mark: int | None, paragraph: int) -> _Part:
    start = open_mark + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return _Part(
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


def _merge_split(text: str, raws: list[_Raw], cues: Cues) -> list[_Raw]:
    """Join ``"A," he said, "B."`` into one quote; the attribution is kept as ``middle``."""
    merged: list[_Raw] = []
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


def _split_transcript(text: str, raws: list[_Raw]) -> list[_Raw]:
    """A transcript quoted paragraph by paragraph (``"WALLACE: ...`` / ``"PENCE: ...``) is
    one quote per speaker turn, each without its label; paragraphs with no label of their
    own continue the turn before them."""
    split: list[_Raw] = []
    for raw in raws:
        labels = [_TRANSCRIPT_LABEL.match(text, part.start) for part in raw.parts]
        labels = [m if m and m.group(1).rstrip(".") not in _CAPS_LABELS else None for m in labels]
        if not any(labels):
            split.append(raw)
            continue
        turns: list[_Raw] = []
        for part, label in zip(raw.parts, labels, strict=True):
            if label is not None or not turns:
                if turns:
                    ended = turns[-1].last
                    ended.close_mark = ended.end
                turns.append(_Raw(parts=[], label=label.span(1) if label else None))
            if label is not None:
                part.start = label.end()
            turns[-1].parts.append(part)
        split.extend(turns)
    return split


def _finalize(text: str, raw: _Raw) -> bool:
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
    words = _WORD.findall(joined)
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


def _mask(text: str, entities: Sequence[EntityMention], doc: Doc, scare: Sequence[_Raw]) -> str:
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


# --- attribution: who said it ---------------------------------------------------------------


def _attribute(ctx: _Context, raw: _Raw) -> tuple[_Speaker, str | None] | None:
    if raw.label is not None:
        return _how(_named_from_text(ctx, *raw.label), "transcript"), None
    if raw.middle is not None:
        found = _from_region(ctx, *raw.middle)
        if found:
            return found
    head_start = _head_start(ctx, raw)
    governing = _governing(ctx, raw, _sentence_start(ctx, raw.first.open_mark))
    if governing is not None:
        return governing
    head = ctx.masked[head_start : raw.first.open_mark]
    after = _from_tail(ctx, raw) if _tail_may_attribute(ctx, raw) else None
    if head.rstrip().endswith(":") or after is None or _cue_comma(ctx, raw):
        before = _from_region(ctx, head_start, raw.first.open_mark, last=True)
        if before:
            return before
    if after is None and _INTRODUCER.search(head):
        found = _colon_subject(ctx, head_start, raw.first.open_mark)
        if found is not None or head.rstrip().endswith(":"):
            return found
    if after is None:
        return (
            _remark_source(ctx, raw)
            or _dash_source(ctx, raw)
            or _narrative_subject(ctx, raw, head_start)
        )
    return after


def _how(speaker: _Speaker, how: str) -> _Speaker:
    """Record which layout attributed the quote (``Quote.attribution``)."""
    speaker.how = how
    return speaker


def _governing(ctx: _Context, raw: _Raw, lo: int) -> tuple[_Speaker, str] | None:
    """The cue of the quote's own sentence whose clause holds the quote ("Yoo said the
    curbs were "..."", ""...," said X"), preferred over a cue that is merely nearby ("...
    the "inappropriate" handling it has alleged"). The deepest such cue wins."""
    first = ctx.doc.char_span(raw.first.start, raw.first.start + 1, alignment_mode="expand")
    if first is None:
        return None
    anchor = first[0]
    hi = _sentence_after(ctx, raw)
    ranked: list[tuple[tuple[bool, int], Cue]] = []
    for cue in ctx.cues.within(lo, hi):
        if cue.token < 0 or ctx.in_quote(cue.start, cue.end):
            continue
        token = ctx.doc[cue.token]
        if token.is_ancestor(anchor):
            ranked.append(((cue.speech, sum(1 for _ in token.ancestors)), cue))
    # the deepest speech cue first; one whose subject cannot speak ("the world lost a
    # voice that said "..."") gives way to the next ("Penwell said the world ...")
    for _, cue in sorted(ranked, key=lambda item: item[0], reverse=True):
        if cue.start >= raw.after:
            speaker = _speaker_for_cue(ctx, cue, raw.after, hi)
        else:
            speaker = _speaker_for_cue(ctx, cue, lo, raw.first.open_mark)
        if speaker is not None and _can_speak(speaker):
            return speaker, cue.text
    return None


def _can_speak(speaker: _Speaker) -> bool:
    """A speaker that is a person, an organisation, a text or an outlet, not a described
    thing ("a voice", "the primary")."""
    if speaker.kind != "descriptor":
        return True
    return _head_word(speaker.name or "") in PERSON_NOUNS or (
        speaker.written is not None and _head_word(speaker.written) in PERSON_NOUNS
    )


def _sentence_after(ctx: _Context, raw: _Raw) -> int:
    """End of the sentence the quote closes in: the first full stop after it, within the
    paragraph and before the next quote."""
    start = raw.after
    para_end = ctx.masked.find("\n", start)
    limit = len(ctx.masked) if para_end == -1 else para_end
    next_mark = _MARK.search(ctx.masked, start, limit)
    if next_mark:
        limit = next_mark.start()
    if raw.text.endswith((".", "!", "?")):
        return start
    end = _SENTENCE_END.search(ctx.masked, start, limit)
    return end.start() if end else limit


def _cue_comma(ctx: _Context, raw: _Raw) -> bool:
    """ "... and chanted, "..."" / "He added, "..."": a cue right before the opening mark."""
    mark = raw.first.open_mark
    lead = ctx.masked[max(0, mark - 40) : mark]
    stripped = lead.rstrip()
    if not stripped.endswith(","):
        return False
    comma = mark - (len(lead) - len(stripped)) - 1
    before = ctx.masked[:comma].rstrip()
    return any(c.end == len(before) for c in ctx.cues.within(max(0, comma - 40), comma))


def _caption_source(ctx: _Context, raw: _Raw) -> tuple[_Speaker, str | None] | None:
    """Vox-pop and listicle layouts: a quote paragraph with a line that only names its
    speaker ("Kim Min-ji, 34, office worker in Seoul") right before or right after it.
    Where a quote has such lines on both sides, the article's own habit decides: the side
    its first captioned quote, with prose on the other side, uses."""
    before, after = _captions(ctx, raw)
    if before is None or after is None:
        return before or after
    return after if _caption_side(ctx) == "after" else before


def _captions(ctx: _Context, raw: _Raw) -> tuple[tuple[_Speaker, None] | None, ...]:
    """The name lines right before and right after a quote that is a whole paragraph."""
    text = ctx.masked
    para_start = text.rfind("\n", 0, raw.first.open_mark) + 1
    para_end = text.find("\n", raw.after)
    para_end = len(text) if para_end == -1 else para_end
    if text[para_start : raw.first.open_mark].strip() or text[raw.after : para_end].strip():
        return None, None
    after = None
    following = re.match(r"\s*\n\s*([^\n]+)", text[para_end:])
    if following is not None:
        start = para_end + following.start(1)
        after = _name_line(ctx, start, start + len(following.group(1).rstrip()))
    lead = text[:para_start].rstrip()
    before = _name_line(ctx, lead.rfind("\n") + 1, len(lead)) if lead else None
    return before, after


def _caption_side(ctx: _Context) -> str:
    """ "before" or "after": where the article puts the names of its captioned quotes."""
    if ctx.caption_side is None:
        ctx.caption_side = "before"
        for raw in ctx.raws:
            before, after = _captions(ctx, raw)
            if (before is None) != (after is None):
                ctx.caption_side = "before" if before is not None else "after"
                break
    return ctx.caption_side


def _name_line(ctx: _Context, start: int, end: int) -> tuple[_Speaker, None] | None:
    """A line that is a person's name with at most an age, a job and a place, no verb."""
    line = ctx.masked[start:end].strip(" -—–―‒")
    if not line or len(_WORD.findall(line)) > 12 or line.endswith((":", "?", "!")):
        return None
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or any(t.pos_ in {"VERB", "AUX"} for t in span):
        return None
    lead = start + len(ctx.masked[start:end]) - len(ctx.masked[start:end].lstrip(" -—–―‒"))
    person = next(
        (m for m in ctx.entities if m.label == "PERSON" and lead <= m.start_char < end), None
    )
    if person is None or ctx.masked[lead : person.start_char].strip():
        return None
    return _how(_named_from_entity(ctx, person), "caption"), None


def _from_previous_sentence(ctx: _Context, raw: _Raw) -> tuple[_Speaker, str | None] | None:
    """A quote that opens its sentence with no attribution of its own, right after a
    sentence that attributes or is about someone: ``..., dos Santos says. "If ..."``,
    ``"Short," X said. "Longer quote ..."``, a paragraph ending ``Dr. Ward stated:`` or
    introducing the speaker before a quote paragraph. A cue in that sentence gives the
    speaker; without one, a person who is the sentence's subject does."""
    span = _sentence_before(ctx, raw)
    if span is None:
        return None
    lo, hi = span
    for cue in reversed(ctx.cues.within(lo, hi)):
        if ctx.in_quote(cue.start, cue.end):
            continue
        subject = _parse_subject(ctx, cue)
        if subject is not None and lo <= subject.start_char and subject.root.lower_ in _INDEFINITE:
            return None
        speaker = _speaker_for_cue(ctx, cue, lo, hi)
        if speaker is not None and speaker.kind != "unknown" and _can_speak(speaker):
            return _how(speaker, "previous_sentence"), cue.text
    sentence = ctx.doc.char_span(lo, hi, alignment_mode="contract")
    if sentence is None or not len(sentence):
        return None
    root = sentence.root
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects or root.pos_ not in {"VERB", "AUX"}:
        return None
    subject = _subtree(ctx.doc, subjects[0])
    if subject.start_char < lo:
        return None
    speaker = _classify(ctx, subject)
    if speaker is None or not _is_person_speaker(ctx, speaker, subject):
        return None
    return _how(speaker, "previous_sentence"), None


def _sentence_before(ctx: _Context, raw: _Raw) -> tuple[int, int] | None:
    """Offsets of the sentence right before a quote that opens its own sentence (in the
    same paragraph, or the last one of the paragraph before); None when the quote does
    not open a sentence or nothing precedes it."""
    mark = raw.first.open_mark
    para = ctx.masked.rfind("\n", 0, mark) + 1
    before = ctx.masked[para:mark].rstrip()
    if before:
        if not re.search(r"[.!?:][\"”’)]*$", before):
            return None
        hi = para + len(before)
    else:
        hi = para - 1
        while hi > 0 and ctx.masked[hi - 1].isspace():
            hi -= 1
        if hi <= 0:
            return None
        para = ctx.masked.rfind("\n", 0, hi) + 1
    inner = ctx.masked[para : hi - 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(inner)]
    lo = para + (ends[-1] if ends else 0)
    while lo < hi and ctx.masked[lo].isspace():
        lo += 1
    return (lo, hi) if hi - lo > 1 else None


def _is_person_speaker(ctx: _Context, speaker: _Speaker, subject: Span) -> bool:
    """A narrative sentence's subject speaks next only if it is a person: a PERSON, he or
    she, or a described person ("the official")."""
    if speaker.kind == "pronoun":
        return bool(_PRONOUN.match(subject.root.text))
    if speaker.kind == "descriptor":
        return subject.root.lower_ in PERSON_NOUNS
    entity = next((m for m in ctx.entities if m.start_char == speaker.position), None)
    return speaker.kind == "named" and entity is not None and entity.label == "PERSON"


def _dash_source(ctx: _Context, raw: _Raw) -> tuple[_Speaker, str | None] | None:
    """Pull quotes and fact-check layouts: ``"..." — Sanders`` or a quote paragraph
    followed by a line ``- Michelle Marks, Philadelphia.``: the name after the dash."""
    m = _DASH_SOURCE.match(ctx.masked, raw.after)
    if m is None:
        return None
    start, end = m.span(1)
    person = _person_in(ctx, start, end)
    if person is not None:
        return _how(_named_from_entity(ctx, person), "dash"), None
    chain = _NAME_CHAIN.match(ctx.masked, start, end)
    if chain is not None and chain.end() == end:
        return _how(_named_from_text(ctx, start, end), "dash"), None
    return None


def _narrative_subject(ctx: _Context, raw: _Raw, lo: int) -> tuple[_Speaker, str] | None:
    """A partial quote inside a narrative sentence with no speech verb ("Cross likened it
    to campaigns where supporters had to "stand up and be counted"", "The cable indicated
    13 guards would be the minimum needed for "transportation security ...""): the subject
    of a verb whose clause holds the quote, when it is a person, an organisation, a
    document or an outlet. Of several, the outermost clause's: in "Trump is questioning
    whether Obama would have attended ... "if it were held in a mosque"" Trump speaks."""
    if not ctx.masked[lo : raw.first.open_mark].strip():
        return None
    first = ctx.doc.char_span(raw.first.start, raw.first.start + 1, alignment_mode="expand")
    if first is None:
        return None
    found: tuple[_Speaker, str] | None = None
    for token in first[0].ancestors:
        if token.idx < lo or ctx.in_quote(token.idx, token.idx + len(token.text)):
            continue
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if token.dep_ == "acl":
            subject = _acl_subject(ctx.doc, token)
        elif subjects:
            subject = _subtree(ctx.doc, subjects[0])
        else:
            continue
        if subject.start_char < lo:
            break
        if ctx.in_quote(subject.start_char, subject.end_char):
            continue  # "an "obscene amount of money" was raised": the quote's own clause
        speaker = _classify(ctx, subject)
        if speaker is None or speaker.kind == "unknown":
            continue
        if speaker.kind == "descriptor" and subject.root.lower_ not in PERSON_NOUNS:
            continue
        if speaker.kind == "pronoun" and not _PRONOUN.match(subject.root.text):
            continue
        found = (_how(speaker, "narrative"), token.text.lower())
    return found


def _remark_source(ctx: _Context, raw: _Raw) -> tuple[_Speaker, str] | None:
    """``"..." The remark came from X.``: the next sentence names the quote's source."""
    m = _REMARK_SOURCE.match(ctx.masked, raw.after)
    if not m:
        return None
    stop = _INVERTED_STOP.search(ctx.masked, m.end())
    end = stop.start() if stop else len(ctx.masked)
    speaker = _speaker_from(ctx, m.end(), end)
    if speaker is None or speaker.kind == "unknown":
        return None
    return _how(speaker, "remark"), " ".join(m.group(1).lower().split())


def _colon_subject(ctx: _Context, lo: int, hi: int) -> tuple[_Speaker, str | None] | None:
    """``X was blunt: "..."`` / ``X put it this way: "..."`` / ``Trump embraced torture --
    "..."``: a sentence ending in a colon (or a dash)
    right before the quote introduces it even without a speech verb; the speaker is the
    subject of that sentence's main verb (kept as the cue), if it names or describes one."""
    introducer = _INTRODUCER.search(ctx.masked, lo, hi)
    if introducer is None:
        return None
    colon = introducer.start()
    named = _transcript_speaker(ctx, lo, colon)
    if named is not None:
        return _how(named, "transcript"), None
    found = _colon_clause_subject(ctx, lo, colon)
    if found is not None:
        return found
    named = _transcript_speaker(ctx, lo, colon, loose=True)
    return (_how(named, "colon"), None) if named is not None else None


def _colon_clause_subject(ctx: _Context, lo: int, colon: int) -> tuple[_Speaker, str | None] | None:
    """The subject of the main verb of the clause that ends in the colon."""
    span = ctx.doc.char_span(lo, colon, alignment_mode="contract")
    if span is None or not len(span):
        return None
    roots = [t for t in span if t.head == t or t.head.i >= span.end or t.head.i < span.start]
    verbs = [t for t in roots if t.pos_ in {"VERB", "AUX"}]
    if not verbs:
        return None
    verb = verbs[0]
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return None
    subject = _subtree(ctx.doc, subjects[0])
    if subject.start_char < lo:
        return None
    speaker = _classify(ctx, subject)
    if speaker is None or speaker.kind == "unknown":
        return None
    if speaker.kind == "descriptor" and subject.root.lower_ not in PERSON_NOUNS:
        return None
    return _how(speaker, "colon"), verb.text.lower()


def _transcript_speaker(
    ctx: _Context, lo: int, colon: int, *, loose: bool = False
) -> _Speaker | None:
    """Q&A and transcript layouts, ``HEWITT: "..."``, ``Rep. Trey Gowdy (R-S.C.): "..."``,
    ``Pollsters agree - Carl Bialik: "..."``: a name standing right before the colon, with
    nothing before it on its line but titles or a dash, is the speaker. ``loose`` accepts
    a name right before the colon whatever precedes it ("The timing doesn't surprise
    pollster Daron Shaw: "..."")."""
    before = _TRAILING_ASIDE.sub("", ctx.masked[lo:colon].rstrip())
    end = lo + len(before)
    person = next((m for m in ctx.entities if m.end_char == end and m.label == "PERSON"), None)
    if person is not None:
        lead = ctx.masked[lo : person.start_char]
        if loose or not lead.strip(" -—–―‒") or re.search(r"\s[-—–―‒]\s*$", lead):
            return _named_from_entity(ctx, person)
        words = ctx.doc.char_span(lo, person.start_char, alignment_mode="contract")
        if words is not None and not any(t.pos_ in {"VERB", "AUX"} for t in words):
            return _named_from_entity(ctx, person)
    caps = _CAPS_NAME.search(before)
    if caps is not None and caps.group(1).rstrip(".") not in _CAPS_LABELS:
        start = lo + caps.start(1)
        return _named_from_text(ctx, start, start + len(caps.group(1)))
    return None


def _tail_may_attribute(ctx: _Context, raw: _Raw) -> bool:
    """A quote closed by a full stop ends its sentence, so ``"...trust." Seko said the talks
    would go on`` is a new statement, not an attribution; a lowercase continuation
    (``"...trust." he said``, common in translated copy) or a sentence that is nothing but
    a speaker and a cue (``"...missing." Trump said.``) still attributes."""
    if not raw.text.endswith("."):
        return True
    word = _WORD.search(ctx.masked, raw.after)
    if word is not None and word.group(0)[0].islower():
        return True
    # ""... are missing." Trump said.": a short sentence that is only a speaker and a
    # cue (and an adverbial) still attributes the quote before it
    end = _SENTENCE_END.search(ctx.masked, raw.after)
    stop = end.start() if end else len(ctx.masked)
    for cue in ctx.cues.within(raw.after, stop):
        rest = ctx.masked[cue.end : stop]
        lead = ctx.masked[raw.after : cue.start]
        if len(_WORD.findall(rest)) > 4 or len(_WORD.findall(lead)) > 6 or "\n" in lead:
            continue
        reports = cue.token >= 0 and any(
            c.dep_ in ("ccomp", "xcomp", "dobj") and c.idx >= cue.end
            for c in ctx.doc[cue.token].children
        )
        return not reports  # "Moon said talks would go on." reports something new
    return False


def _from_tail(ctx: _Context, raw: _Raw) -> tuple[_Speaker, str] | None:
    """Attribution after the closing mark, up to the end of the clause."""
    start = raw.after
    para_end = ctx.masked.find("\n", start)
    limit = len(ctx.masked) if para_end == -1 else para_end
    next_mark = _MARK.search(ctx.masked, start, limit)
    if next_mark:
        limit = next_mark.start()
    end = _CLAUSE_END.search(ctx.masked, start, limit)
    stop = end.start() if end else limit
    if not ctx.masked[start:stop].strip():
        return None
    return _from_region(ctx, start, stop, max_lead_words=_MAX_SPEAKER_WORDS)


def _head_start(ctx: _Context, raw: _Raw) -> int:
    """Start of the sentence holding the opening mark, not before the previous quote."""
    lo = ctx.masked.rfind("\n", 0, raw.first.open_mark) + 1
    for _, q_end in ctx.quoted:
        if q_end <= raw.first.open_mark:
            lo = max(lo, q_end + 1)
    ends = [m.end() for m in _SENTENCE_END.finditer(ctx.masked, lo, raw.first.open_mark)]
    return ends[-1] if ends else lo


def _sentence_start(ctx: _Context, position: int) -> int:
    """Start of the sentence holding ``position``; full stops inside quotes do not count."""
    lo = ctx.masked.rfind("\n", 0, position) + 1
    ends = [
        m.end()
        for m in _SENTENCE_END.finditer(ctx.masked, lo, position)
        if not ctx.in_quote(m.start(), m.end())
    ]
    return ends[-1] if ends else lo


def _from_region(
    ctx: _Context, start: int, stop: int, *, last: bool = False, max_lead_words: int | None = None
) -> tuple[_Speaker, str] | None:
    """Find a cue in ``masked[start:stop]`` and the speaker attached to it."""
    cues = ctx.cues.within(start, stop)
    if last:
        cues.reverse()
    for cue in cues:
        lead = ctx.masked[start : cue.start]
        if max_lead_words is not None and len(_WORD.findall(lead)) > max_lead_words:
            return None
        speaker = _speaker_for_cue(ctx, cue, start, stop)
        if speaker is not None:
            return speaker, cue.text
    return None


def _speaker_for_cue(ctx: _Context, cue: Cue, lo: int, hi: int) -> _Speaker | None:
    if cue.token >= 0 and any(c.dep_ == "auxpass" for c in ctx.doc[cue.token].children):
        return _agent(ctx, ctx.doc[cue.token], lo, hi)
    subject = _parse_subject(ctx, cue)
    if subject is not None and subject.start_char < lo <= subject.root.idx:
        # the parser ran the subject back over a dateline or the paragraph before
        subject = ctx.doc.char_span(lo, subject.end_char, alignment_mode="contract")
    if subject is not None and lo <= subject.start_char and subject.root.idx < max(hi, cue.end):
        speaker = _classify(ctx, subject)
        if speaker is not None:
            return speaker
    participle = cue.token >= 0 and ctx.doc[cue.token].tag_ == "VBG"
    if cue.speech and not participle:
        return _fallback_speaker(ctx, cue, lo, hi)
    if not ctx.masked[lo : cue.start].strip(" ,"):
        return _speaker_from(ctx, cue.end, hi)  # ""...," read the email."
    # a wider cue with no parsed subject still speaks for a name right before it ("...,
    # Trump described families ... and a city of "honesty"")
    lead = ctx.masked[lo : cue.start]
    adverbs = _TRAILING_ADVERBS.search(lead)
    end = lo + (adverbs.start() if adverbs else len(lead.rstrip()))
    named = next((m for m in ctx.entities if m.end_char == end and m.label == "PERSON"), None)
    return _named_from_entity(ctx, named) if named is not None and not participle else None


def _agent(ctx: _Context, verb: Token, lo: int, hi: int) -> _Speaker | None:
    """A passive cue's speaker is its agent ("it was posted by X"), never its subject
    ("That comment was posted anonymously")."""
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and lo <= objects[0].idx < hi:
                return _classify(ctx, _subtree(ctx.doc, objects[0]))
    return None


def _parse_subject(ctx: _Context, cue: Cue) -> Span | None:
    """The cue verb's grammatical subject (or the object of "according to") as a span."""
    if cue.token < 0:
        return None
    token = ctx.doc[cue.token]
    if token.lower_ == "according":
        to = next((t for t in token.children if t.lower_ == "to"), None)
        if to is None and token.i + 1 < len(ctx.doc):
            to = ctx.doc[token.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"] if to is not None else []
        return _subtree(ctx.doc, objects[0]) if objects else None
    if token.tag_ == "VBG" and token.i and ctx.doc[token.i - 1].text == ",":
        # "Byrne wrote the agents knew ..., saying": a trailing participle speaks for the
        # outermost clause it hangs on, whatever verb in between the parser chose.
        top = _outermost_subject(ctx, token)
        if top is not None:
            return top
    verb: Token = token
    # "X stood up, saying ...": a participle or conjunct speaks for the clause it hangs on;
    # wider cues ("highlight", "blast") only borrow the subject of a coordinated verb.
    climb = ("conj", "advcl", "xcomp", "pcomp", "prep") if cue.speech else ("conj", "xcomp")
    for _ in range(4):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        if subjects and not (verb is not token and subjects[0].lower_ in {"it", "there"}):
            return _subtree(ctx.doc, subjects[0])
        # "Suu Kyi said it was too early but added, "..."": a dummy "it" of a clause the
        # cue hangs on is nobody; keep climbing
        if verb.dep_ == "acl":
            return _acl_subject(ctx.doc, verb)
        if verb.dep_ not in climb or verb.head.i == verb.i:
            break
        verb = verb.head
    return None


def _outermost_subject(ctx: _Context, token: Token) -> Span | None:
    """The subject of the highest verb above ``token`` that stands outside quotes."""
    found: Span | None = None
    node = token
    while node.head.i != node.i:
        node = node.head
        if ctx.in_quote(node.idx, node.idx + len(node.text)):
            break
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        subjects = [c for c in subjects if not ctx.in_quote(c.idx, c.idx + len(c.text))]
        if node.pos_ in {"VERB", "AUX"} and subjects:
            found = _subtree(ctx.doc, subjects[0])
    return found


def _acl_subject(doc: Doc, verb: Token) -> Span:
    """Who speaks through a participle hanging on a noun: the noun ("the newspaper's
    editorial telling him ..."), or, for a text someone put out, whoever put it out
    ("Trump issued a statement saying ...")."""
    noun = verb.head
    if noun.dep_ == "pobj" and noun.head.head.lower_ in DOCUMENT_NOUNS:
        noun = noun.head.head  # "an email to supporters stating ...": the email states
    if noun.lower_ in DOCUMENT_NOUNS and noun.dep_ == "dobj":
        subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
        if subjects:
            return _subtree(doc, subjects[0])
    return _noun_phrase(doc, noun)


def _noun_phrase(doc: Doc, noun: Token) -> Span:
    """``noun`` with what stands before it (determiner, modifiers, possessor), without the
    clauses and phrases that follow it."""
    start = noun.left_edge.i
    while start < noun.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[start : noun.i + 1]


def _subtree(doc: Doc, head: Token) -> Span:
    """The phrase ``head`` heads, without stray marks and line breaks the parser attached
    at its edges (a closing quote mark of the paragraph before)."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def _classify(ctx: _Context, subject: Span) -> _Speaker | None:
    """Turn a subject span into a speaker; None when it is a quote, a clause or junk."""
    if ctx.in_quote(subject.start_char, subject.end_char) or ctx.in_marks(subject.start_char):
        return None
    head = subject.root
    if _PRONOUN.match(head.text):
        return _pronoun(ctx, head.idx)
    if head.lower_ in {"it", "they"} and len(subject) == 1:
        return _it_speaker(ctx, head.idx, len(head.text))
    if head.lower_ in {"i", "we"} and len(subject) == 1:
        # the writer, or a group the article does not name: kept as written, unresolved
        return _Speaker(None, "pronoun", None, head.idx, head.text)
    if head.lower_ in {"who", "which", "that"} and len(subject) == 1:
        return _relative_antecedent(ctx, head)
    if head.lower_ in {"who", "which", "that", "it", "they", "we", "i", "you", "this"}:
        return None
    if head.lower_ in {"these", "those"} and len(subject) == 1:
        return None
    entity = _entity_at(ctx, head.idx, head.idx + len(head.text))
    if entity is not None and entity.label != "PERSON":
        # "Army Capt. Christian Pardo", "Pentagon spokesman Navy Capt. Jeff Davis": the
        # unit or office in front of a name is not the speaker
        person = _person_in(ctx, entity.end_char, subject.end_char)
        if person is not None and not _joins(ctx, entity.end_char, person.start_char):
            entity = person
    if entity is None and head.pos_ == "PROPN":
        entity = _person_in(ctx, subject.start_char, subject.end_char)
    if entity is None:
        # "Cheong Wa Dae spokeswoman Ko Min-jung": a title phrase ending in the name
        person = _person_in(ctx, subject.start_char, subject.end_char)
        if person is not None and ctx.doc.text[person.end_char : subject.end_char].strip(" ,") in {
            "",
            "Jr.",
            "Jr",
        }:
            entity = person
    if entity is not None:
        return _named_from_entity(ctx, entity)
    if head.pos_ == "PROPN":
        return _named_from_chain(ctx, head)
    return _descriptor(ctx, subject.start_char, subject.end_char)


def _relative_antecedent(ctx: _Context, pronoun: Token) -> _Speaker | None:
    """ "Sen. Marco Rubio of Florida, who mused ...": the noun phrase the relative clause
    hangs on, without the clause itself."""
    verb = pronoun.head
    if verb.dep_ != "relcl" or verb.head.i == verb.i:
        return None
    noun = verb.head
    start = noun.left_edge.i
    while start < noun.i and (ctx.doc[start].is_punct or ctx.doc[start].is_space):
        start += 1
    phrase = ctx.doc[start : noun.i + 1]
    if any(t.lower_ in {"who", "which", "that"} for t in phrase):
        return None
    return _classify(ctx, phrase)


def _fallback_speaker(ctx: _Context, cue: Cue, lo: int, hi: int) -> _Speaker | None:
    """Patterns for when the parse gives no usable subject: "..., he said", "Seko said",
    "Seko, who heads METI, said", "said Hiroshige Seko", "a ministry official said"."""
    lead = ctx.masked[lo : cue.start]
    skip = len(lead) - len(lead.lstrip(" ,"))
    body = lead.strip(" ,")
    if not body:
        return _speaker_from(ctx, cue.end, hi)
    start = lo + skip
    if lead.rstrip().endswith(",") and "," in body:
        # "Seko, who heads METI, said" / "In a statement, her adviser, Jake Sullivan,
        # said" / "Of Carson, Levine, who gave to Rubio, said": the comma-separated parts
        # that are not a fronted phrase or a relative clause; a named person among them
        # wins, else the first.
        parts = []
        offset = 0
        for part in body.split(","):
            first = part.split()[0].lower() if part.split() else ""
            if first and first not in _FRONTED:
                at = start + offset + len(part) - len(part.lstrip())
                parts.append((at, at + len(part.strip())))
            offset += len(part) + 1
        for a, b in parts:
            person = next((m for m in ctx.entities if (m.start_char, m.end_char) == (a, b)), None)
            if person is not None and person.label == "PERSON":
                return _named_from_entity(ctx, person)
        if not parts:
            return None
        start, end = parts[0]
        return _speaker_until(ctx, start, end)
    return _speaker_until(ctx, start, start + len(body.rstrip()))


def _speaker_until(ctx: _Context, lo: int, end: int) -> _Speaker | None:
    """The speaker phrase that ends at ``end`` (just before the cue), adverbs between
    them aside ("Ferdie Pacheco once said")."""
    adverbs = _TRAILING_ADVERBS.search(ctx.masked, lo, end)
    if adverbs is not None and adverbs.start() > lo:
        end = adverbs.start()
    lead = ctx.masked[lo:end]
    pron = _TRAILING_PRONOUN.search(lead)
    if pron:
        return _pronoun(ctx, lo + pron.start(1))
    entity = next((m for m in ctx.entities if m.end_char == end and m.start_char >= lo), None)
    if entity is not None and not _DESCRIPTOR_FRAME.search(ctx.masked, lo, entity.start_char):
        return _named_from_entity(ctx, entity)
    # The longest determiner phrase within the last clause: "a senior official at the
    # ministry", not "the ministry"; "In a statement, the ministry" gives "the ministry".
    clause = lead.rfind(",") + 1
    det = _DETERMINER.search(lead, clause)
    if det:
        return _descriptor(ctx, lo + det.start(), end)
    chain = _NAME_CHAIN.search(lead)
    if chain:
        return _named_from_text(ctx, lo + chain.start(), lo + chain.end())
    group = _GROUP_SPEAKER.search(lead)
    if group:
        return _descriptor(ctx, lo + group.start(), end)
    return None


def _speaker_from(ctx: _Context, start: int, hi: int) -> _Speaker | None:
    """The speaker phrase after an inverted cue ("said Hiroshige Seko, ...")."""
    tail = ctx.masked[start:hi]
    start += len(tail) - len(tail.lstrip(" ,"))
    stop = _INVERTED_STOP.search(ctx.masked, start, hi)
    end = stop.start() if stop else hi
    entity = next((m for m in ctx.entities if m.start_char == start), None)
    if entity is not None:
        # "said Army Capt. Christian Pardo": the person after the unit or title
        person = _person_in(ctx, entity.end_char, end) if entity.label != "PERSON" else None
        return _named_from_entity(ctx, person or entity)
    phrase = ctx.masked[start:end]
    if _PRONOUN.match(phrase.strip()):
        return _pronoun(ctx, start)
    if _DETERMINER.match(phrase):
        return _descriptor(ctx, start, end)
    # "said Oversight ranking Democrat Elijah Cummings (D-Md.)": the person the title
    # words lead up to, tagged or not.
    person = _person_in(ctx, start, end)
    if person is not None:
        return _named_from_entity(ctx, person)
    chain = _NAME_CHAIN.search(phrase.rstrip())
    if chain is None:
        return None
    lo = start + chain.start()
    for m in ctx.entities:
        if m.label in {"NORP", "GPE", "ORG"} and lo <= m.start_char < start + chain.end():
            lo = max(lo, m.end_char)
    while lo < end and ctx.masked[lo] == " ":
        lo += 1
    if lo >= start + chain.end():
        return None
    return _named_from_text(ctx, lo, start + chain.end())


def _pronoun(ctx: _Context, position: int) -> _Speaker:
    """he/she: a named person before the pronoun, outside quotes, of a gender that agrees
    (see ``nlp.gender``; unknown agrees with both).

    The latest sentence that mentions a person decides; within it a grammatical subject
    wins over an object ("Ahn met Nishimura in Tokyo. ... he said" is Ahn), and a main
    clause's subject over a reported clause's. When that sentence names people only as
    objects but its subject is the same pronoun, it continues an earlier sentence's
    person, so the search goes further back. Otherwise an earlier quote's speaker from the
    same or the previous paragraph is preferred (the reporter is still quoting them)."""
    word = _WORD.match(ctx.doc.text, position)
    written = word.group(0) if word else None
    gender = pronoun_gender(written or "")
    genders = ctx.person_genders()

    def agrees(name: str | None) -> bool:
        return gender is None or genders.get(name or "") in (None, gender)

    persons = [
        m
        for m in ctx.persons()
        if m.end_char <= position
        and not ctx.in_quote(m.start_char, m.end_char)
        and agrees(m.canonical)
    ]
    mentions = [m for m in persons if " " in m.canonical] or persons
    speakers = [
        (pos, name, canon)
        for pos, name, canon in ctx.named_speakers
        if pos < position and agrees(canon or name)
    ]
    best: tuple[int, str, str | None] | None = None
    cutoff = position
    for _ in range(_PRONOUN_CHAIN):
        candidates = [m for m in mentions if m.end_char <= cutoff]
        if not candidates:
            break
        last = candidates[-1]
        sent = ctx.doc.char_span(last.start_char, last.end_char, alignment_mode="expand")
        sentence = sent.sent if sent is not None else None
        lo = sentence.start_char if sentence is not None else last.start_char
        same = [m for m in candidates if m.start_char >= lo]
        subjects = [(_clause_depth(ctx, m), m) for m in same if _is_subject(ctx, m)]
        if subjects:
            # the main clause's subject over one in a clause it reports ("Rubio claimed
            # that Obama is to blame ... he said" is Rubio); the later one on a tie
            top = min(depth for depth, _ in subjects)
            pick = [m for depth, m in subjects if depth == top][-1]
            best = (pick.start_char, pick.canonical, pick.canonical)
            break
        if sentence is not None and gender and _pronoun_subject(ctx, sentence, gender, position):
            # "He is even trying to win over Trump's voters.": the sentence is still about
            # the person an earlier sentence named, not about Trump
            cutoff = lo
            continue
        recent = [sp for sp in speakers if sp[0] >= _paragraph_start(ctx, lo, back=1)]
        best = recent[-1] if recent else (last.start_char, last.canonical, last.canonical)
        break
    if speakers and (best is None or speakers[-1][0] > best[0]):
        best = speakers[-1]
    if best is None:
        return _Speaker(None, "pronoun", None, position, written)
    return _Speaker(best[1], "pronoun", best[2], position, written)


def _pronoun_subject(ctx: _Context, sentence: Span, gender: str, before: int) -> bool:
    """Whether a pronoun of ``gender`` before ``before`` is a subject in ``sentence``,
    outside quotes."""
    return any(
        t.idx < before
        and t.dep_ in ("nsubj", "nsubjpass")
        and pronoun_gender(t.text) == gender
        and not ctx.in_quote(t.idx, t.idx + len(t.text))
        for t in sentence
    )


def _clause_depth(ctx: _Context, mention: EntityMention) -> int:
    """How deep the clause whose subject ``mention`` is sits below its sentence's root;
    coordinated clauses ("Abe spoke in Osaka, and Seko spoke in Tokyo") count as one."""
    span = ctx.doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    if span is None:
        return 0
    verb, depth = span.root.head, 0
    while verb.head.i != verb.i:
        depth += verb.dep_ != "conj"
        verb = verb.head
    return depth


def _is_subject(ctx: _Context, mention: EntityMention) -> bool:
    span = ctx.doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(4):
        if tok.dep_ in ("nsubj", "nsubjpass"):
            return True
        if tok.dep_ not in ("compound", "appos", "flat", "conj") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _paragraph_start(ctx: _Context, position: int, back: int = 0) -> int:
    """Start of the paragraph holding ``position``, or of the ``back``-th one before it."""
    start = ctx.masked.rfind("\n", 0, position) + 1
    for _ in range(back):
        if start == 0:
            break
        prev_text_end = start - 1
        while prev_text_end > 0 and ctx.masked[prev_text_end - 1] == "\n":
            prev_text_end -= 1
        start = ctx.masked.rfind("\n", 0, prev_text_end) + 1
    return start


def _it_speaker(ctx: _Context, position: int, length: int) -> _Speaker:
    """ "it said" / "they said": the organisation, document or outlet named or quoted last
    before the pronoun (for "they" also a group of people quoted last); unresolved when
    there is none."""
    written = ctx.doc.text[position : position + length]
    best: tuple[int, str, str | None] | None = None
    for m in ctx.entities:
        if m.end_char > position or m.label != "ORG" or ctx.in_quote(m.start_char, m.end_char):
            continue
        if m.canonical not in ctx.full_names:
            best = (m.start_char, m.text, m.canonical)
    groups = ctx.others + (ctx.groups if written.lower() == "they" else [])
    for pos, name, canonical in groups:
        if pos < position and (best is None or pos > best[0]):
            best = (pos, name, canonical)
    if best is None:
        return _Speaker(None, "pronoun", None, position, written)
    return _Speaker(best[2] or best[1], "pronoun", best[2], position, written)


def _entity_at(ctx: _Context, start: int, end: int) -> EntityMention | None:
    for m in ctx.entities:
        if m.label in _NAMED_LABELS and m.start_char <= start and end <= m.end_char:
            return m
    return None


def _joins(ctx: _Context, start: int, end: int) -> bool:
    """Whether a verb, conjunction or preposition stands between two offsets ("White
    America embracing Obama", "Dovere and Debenedetti")."""
    between = ctx.doc.char_span(start, end, alignment_mode="expand")
    return between is not None and any(t.pos_ in {"VERB", "CCONJ", "ADP"} for t in between)


def _person_in(ctx: _Context, start: int, end: int) -> EntityMention | None:
    """A PERSON inside a title-headed subject ("Trade Minister Hiroshige Seko")."""
    for m in ctx.entities:
        if m.label == "PERSON" and start <= m.start_char and m.end_char <= end:
            return m
    return None


def _named_from_entity(ctx: _Context, entity: EntityMention) -> _Speaker:
    """A speaker the NER found; a single-word ORG or GPE that is the surname of a person
    the article named ("Trump" tagged ORG) is that person."""
    name = entity.canonical
    if entity.label != "PERSON" and " " not in entity.text.strip():
        full = resolve_person(entity.text, ctx.full_names)
        if full != strip_titles(entity.text):
            return _Speaker(full, "named", full, entity.start_char, entity.text)
    if entity.label == "PERSON" or name in ctx.full_names or _person_apposition(ctx, entity):
        return _Speaker(name, "named", name, entity.start_char, entity.text)
    kind = kind_of_name(entity.canonical, entity.label, ctx.gazetteer)
    return _Speaker(entity.text, kind, entity.canonical, entity.start_char, entity.text)


def _person_apposition(ctx: _Context, entity: EntityMention) -> bool:
    """ "Tokura Masakazu, chairman of Keidanren": a name the NER took for an organisation,
    followed by what a person is."""
    m = _APPOSITION.match(ctx.doc.text, entity.end_char)
    return m is not None and m.group(1).lower() in PERSON_NOUNS


def _named_from_chain(ctx: _Context, head: Token) -> _Speaker:
    """A proper-noun speaker spaCy did not tag: the run of proper nouns up to the head."""
    doc = ctx.doc
    left = head.i
    while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].dep_ == "compound":
        left -= 1
    return _named_from_text(ctx, doc[left].idx, head.idx + len(head.text))


def _named_from_text(ctx: _Context, start: int, end: int) -> _Speaker:
    """A capitalised name without an entity: titles dropped, short forms resolved."""
    written = " ".join(ctx.doc.text[start:end].split())
    if written.lower() in {"it", "they"}:
        return _it_speaker(ctx, start, end - start)
    if _PRONOUN.match(written):
        return _pronoun(ctx, start)
    if written.lower() in {"i", "we", "you"}:
        return _Speaker(None, "pronoun", None, start, written)
    chain = strip_titles(written.title() if written.isupper() else written)
    entry = ctx.gazetteer.lookup(chain)
    if entry is not None:
        kind = kind_of_name(entry.canonical, entry.label, ctx.gazetteer)
        return _Speaker(chain, kind, entry.canonical, start, written)
    full = resolve_person(chain, ctx.full_names)
    return _Speaker(full, "named", full, start, written)


def _descriptor(ctx: _Context, start: int, end: int) -> _Speaker | None:
    """A described speaker, cut before an appositive or relative clause, without its leading
    article; "the ministry" after a named ministry is that ministry (kind "named")."""
    text = ctx.doc.text
    comma = ctx.masked.find(",", start, end)
    if comma != -1:
        end = comma
    end = start + len(_ANONYMITY.sub("", text[start:end]))
    if len(_WORD.findall(text[start:end])) > _MAX_SPEAKER_WORDS:
        end = start + len(_RELATIVE.sub("", text[start:end]))  # too long: drop the clause
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    if start >= end or len(_WORD.findall(text[start:end])) > _MAX_SPEAKER_WORDS:
        return None
    if not _LETTER.search(text[start:end]):
        return None
    phrase = written = " ".join(text[start:end].split())
    anaphor = _ORG_ANAPHOR.match(phrase)
    if anaphor:
        org = _antecedent_org(ctx, anaphor.group(1).lower(), start)
        if org is not None:
            return _Speaker(phrase, "organisation", org, start, written)
    role = _PERSON_ANAPHOR.match(phrase)
    if role:
        person = _antecedent_person(ctx, role.group(1).lower(), start)
        if person is not None:
            return _Speaker(person, "named", person, start, written)
    definite = _DEFINITE_NOUN.match(phrase)
    if definite:
        earlier = _antecedent_descriptor(ctx, definite.group(1).lower(), start)
        if earlier:
            return _Speaker(earlier, "descriptor", None, start, written)
    article = _LEADING_ARTICLE.match(phrase)
    if article and article.end() < len(phrase):
        phrase = phrase[article.end() :]
    return _Speaker(phrase, kind_of_description(_head_word(phrase)), None, start, written)


def _antecedent_descriptor(ctx: _Context, noun: str, position: int) -> str | None:
    """ "the official" / "the farmer": the fuller description the article gave that speaker
    first ("a senior official at the Ministry of ...", "a farmer who lives near the plant"),
    from an earlier quote's speaker or an indefinite noun phrase with the same head."""
    for pos, name in reversed(ctx.descriptors):
        if pos < position and _head_word(name) == noun and " " in name:
            return name
    doc = ctx.doc
    for tok in reversed(doc[: max(0, _token_at(doc, position))]):
        if tok.lower_ != noun or ctx.in_quote(tok.idx, tok.idx + len(tok.text)):
            continue
        dets = [c for c in tok.children if c.dep_ == "det" and c.lower_ in {"a", "an"}]
        if not dets:
            continue
        start = dets[0].i + 1
        end = tok.right_edge.i + 1
        for i in range(tok.i + 1, end):
            if doc[i].text in {";", "(", "--", "—"} or ctx.masked[doc[i].idx] == ",":
                end = i
                break
        phrase = " ".join(doc[start:end].text.split())
        if phrase and phrase.lower() != noun and len(_WORD.findall(phrase)) <= _MAX_SPEAKER_WORDS:
            return phrase
        return None
    return None


def _head_word(descriptor: str) -> str:
    """ "senior official at the Ministry of ..." -> "official", "the report released last
    year" -> "report", "Trump's attorney" -> "attorney"."""
    words = [re.sub(r"['’]s?$", "", w) for w in _RELATIVE.sub("", descriptor).split()]
    for i, word in enumerate(words):
        cut = word.lower() in {"at", "of", "from", "for", "with", "in", "on", "who", "which"}
        if cut or (i and word.islower() and word.endswith("ed")):
            return words[i - 1].lower() if i else word.lower()
    return words[-1].lower() if words else ""


def _token_at(doc: Doc, position: int) -> int:
    span = doc.char_span(position, position + 1, alignment_mode="expand")
    return span.start if span is not None else len(doc)


def _antecedent_person(ctx: _Context, noun: str, position: int) -> str | None:
    """The person "the minister" / "the spokeswoman" refers to: the latest person before
    ``position`` whose title (as the article gave it) has that word."""
    fits = [
        m
        for m in ctx.entities
        if m.end_char <= position
        and m.label == "PERSON"
        and m.title
        and " " in m.canonical
        and not ctx.in_quote(m.start_char, m.end_char)
        and noun in m.title.lower().replace(",", " ").split()
    ]
    if not fits:
        return None
    subjects = [m for m in fits if _is_subject(ctx, m)]
    return (subjects or fits)[-1].canonical


def _antecedent_org(ctx: _Context, noun: str, position: int) -> str | None:
    """The organisation "the ministry" / "the company" refers to: the latest ORG mention
    before ``position`` whose name has that noun (ministry, agency...), or for company
    words the latest ORG that is not a public body."""
    public = noun not in _COMPANY_NOUNS
    fits: list[EntityMention] = []
    for m in ctx.entities:
        if m.end_char > position or m.label != "ORG" or ctx.in_quote(m.start_char, m.end_char):
            continue
        words = m.canonical.lower().replace(",", " ").split()
        if (public and noun in words) or (not public and not (set(words) & _PUBLIC_BODY_WORDS)):
            fits.append(m)
    if not fits:
        return None
    # An organisation that was itself the subject of a sentence (usually of "said") is the
    # one the story follows; otherwise the latest one named.
    subjects = [m for m in fits if _is_subject(ctx, m)]
    return (subjects or fits)[-1].canonical


def _is_person(ctx: _Context, speaker: _Speaker) -> bool:
    entity = next((m for m in ctx.entities if m.start_char == speaker.position), None)
    return speaker.kind == "named" and (entity is None or entity.label != "ORG")


def _follows(ctx: _Context, prev: _Raw, raw: _Raw) -> bool:
    """True when nothing but the previous quote's own attribution sentence separates them
    (``"A," X said. "B."``); a narrative sentence in between ends the inheritance."""
    if raw.first.paragraph - prev.last.paragraph > _INHERIT_MAX_PARAGRAPHS:
        return False
    gap = ctx.masked[prev.after : raw.first.open_mark]
    end = _SENTENCE_END.search(gap)
    if not end:
        # ""...," and, "..."": only punctuation and a conjunction between the two
        return not _LETTER.search(_CONJUNCTION.sub("", gap))
    first, rest = gap[: end.end()], gap[end.end() :]
    if _LETTER.search(rest):
        return False
    if not _LETTER.search(first):
        return True
    if "\n" in first[: _LETTER.search(first).start()]:
        return False  # a new paragraph's sentence, not the previous quote's attribution
    lo = prev.after
    return "\n" not in first.strip() and ctx.cues.any_within(lo, lo + len(first))
