"""Which layout credits a quote to its speaker.

Tried in order for each quote: the attribution inside a split quote; the speech verb whose
clause holds the quote; one right after or before it in its sentence; a clause ending in a
colon or dash; a "The remark came from X" sentence; a dash or caption line naming the
speaker; and, for partial quotes in narrative sentences, the subject of the clause that holds
them. Quotes with none of these can take the speaker of the quote right before them
(``follows``), of a caption line, or of the sentence right before them. Each layout is
recorded in ``Quote.attribution`` so analysts can tell a speech verb from an inference.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from tradewatch.nlp.cues import Cue
from tradewatch.nlp.quote_layout import CAPS_LABELS, LETTER, MARK, SENTENCE_END, WORD, RawQuote
from tradewatch.nlp.speaker_kinds import DOCUMENT_NOUNS, PERSON_NOUNS
from tradewatch.nlp.speakers import (
    INVERTED_STOP,
    MAX_SPEAKER_WORDS,
    NAME_CHAIN,
    PERSONAL_PRONOUN,
    QuoteContext,
    Speaker,
    acl_subject,
    can_speak,
    classify,
    is_person,
    named_from_entity,
    named_from_text,
    parse_subject,
    person_in,
    speaker_for_cue,
    speaker_from,
    subtree,
)

__all__ = [
    "attribute",
    "caption_source",
    "continues",
    "follows",
    "from_previous_sentence",
    "how_found",
    "sentence_end",
    "sentence_start",
]

_INHERIT_MAX_PARAGRAPHS = 1
# conjunctions opening a clause set against the main one, about someone else
_CONTRAST = frozenset({"while", "whereas", "although", "though"})
_DASHES = frozenset({"—", "–", "--", "―"})


_CLAUSE_END = re.compile(r"[.!?;](?=[\s\"”’)]|$)")


# "Not everyone agrees.": nobody in particular, so no speaker for what follows.
_INDEFINITE = frozenset(
    {"everyone", "everybody", "nobody", "anyone", "anybody", "no", "none", "all", "few"}
)


# "HEWITT:" at the start of a transcript line.
_CAPS_NAME = re.compile(r"(?:^|[-—–―‒]\s*)([A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,2})$")


_TRAILING_ASIDE = re.compile(r"\s*\([^()\n]{1,40}\)$")


# "..." — Sanders. / a quote paragraph, then a line "-President Obama, tweeting after ..."
_DASH_SOURCE = re.compile(
    r"[ \t]*(?:\n\s*)?[-—–―‒]+[ \t]*([A-Z][^,.\n(]{0,60}?)[ \t]*(?=[,.(]|$)", re.M
)


# what ends a clause that introduces the quote after it: a colon, or a dash
_INTRODUCER = re.compile(r"(?::|\s(?:--|—|–|―))\s*$")


# "Seko's reply was: "..."": the owner of these words speaks
_SPEECH_NOUNS = frozenset(
    {"response", "reply", "answer", "reaction", "retort", "message", "words", "advice"}
    | {"phrase", "dictum", "slogan", "motto", "argument", "claim", "point"}
)


# "... are the focus - Park Ji-won:" / "From the ministry's report:"
_DASH_LABEL = re.compile(r"\s[-—–―‒]+\s+([A-Z][^:\n]{0,60}?)\s*$")
_FROM_SOURCE = re.compile(r"\s*From\s+([^:\n]{2,80}?)\s*$")


# "... the curbs. Specifically, " right before a quote
_LEAD_ADVERB = re.compile(r"(?:^|[.!?][\"”’)]*\s+)([A-Z][a-z]+),$")


_DASH = re.compile(r"\s(?:--|—|–)\s")


_CONJUNCTION = re.compile(r"\b(?:and|or|but|then|and then)\b", re.IGNORECASE)


_REMARK_SOURCE = re.compile(
    r"[ \t]*(?:The|That|This|Those|These|His|Her|Their|Its)\s+(?:\w+\s+)?(?:remarks?|comments?|"
    r"words|statements?|warning|assessment|quote|message)\s+((?:came|come)\s+from|"
    r"(?:was|were)\s+(?:[a-z]+\s+){0,2}by|from)\s+"
)


def attribute(ctx: QuoteContext, raw: RawQuote) -> tuple[Speaker, str | None] | None:
    if raw.label is not None:
        return how_found(named_from_text(ctx, *raw.label), "transcript"), None
    if raw.middle is not None:
        found = _from_region(ctx, *raw.middle)
        if found:
            return found
    head_start = _head_start(ctx, raw)
    governing = _governing(ctx, raw, sentence_start(ctx, raw.first.open_mark))
    if governing is not None:
        return governing
    head = ctx.masked[head_start : raw.first.open_mark]
    label = _label_before_colon(ctx, head_start, head)
    if label is not None:
        return label
    after = _from_tail(ctx, raw) if _tail_may_attribute(ctx, raw) else None
    if head.rstrip().endswith(":") or after is None or _cue_comma(ctx, raw):
        before = _from_region(ctx, head_start, raw.first.open_mark, last=True)
        if before:
            return before
    if after is None and _INTRODUCER.search(head):
        found = _colon_subject(ctx, head_start, raw.first.open_mark)
        if found is not None or head.rstrip().endswith(":"):
            return found
    if after is None and _introduces_text(head):
        found = _colon_clause_subject(ctx, head_start, head_start + head.rstrip().rfind(","))
        if found is not None:
            return found
    if after is None:
        return (
            _remark_source(ctx, raw)
            or _dash_source(ctx, raw)
            or _narrative_subject(ctx, raw, head_start)
        )
    return after


def _introduces_text(head: str) -> bool:
    """ "Seko issued a statement, "..."": a clause ending in a text and a comma introduces
    that text's words like a colon would."""
    words = WORD.findall(head.rstrip()[-40:])
    return head.rstrip().endswith(",") and bool(words) and words[-1].lower() in DOCUMENT_NOUNS


def how_found(speaker: Speaker, how: str) -> Speaker:
    """Record which layout attributed the quote (``Quote.attribution``)."""
    speaker.how = how
    return speaker


def _governing(ctx: QuoteContext, raw: RawQuote, lo: int) -> tuple[Speaker, str] | None:
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
        if _in_aside(ctx, cue, lo, raw.first.open_mark):
            continue
        token = ctx.doc[cue.token]
        if token.is_ancestor(anchor):
            ranked.append(((cue.speech, sum(1 for _ in token.ancestors)), cue))
    # the deepest speech cue first; one whose subject cannot speak ("the world lost a
    # voice that said "..."") gives way to the next ("Penwell said the world ...")
    for _, cue in sorted(ranked, key=lambda item: item[0], reverse=True):
        if cue.start >= raw.after:
            speaker = speaker_for_cue(ctx, cue, raw.after, hi)
        else:
            speaker = speaker_for_cue(ctx, cue, lo, raw.first.open_mark)
        if speaker is not None and can_speak(speaker):
            return speaker, cue.text
    return None


def _in_aside(ctx: QuoteContext, cue: Cue, lo: int, mark: int) -> bool:
    """ "If Russia is behind it -- as analysts believe but Moscow denies -- "why ..."" asked
    X: a cue inside an aside between dashes, closed before the quote, speaks only there."""
    return bool(_DASH.search(ctx.masked, lo, cue.start)) and bool(
        _DASH.search(ctx.masked, cue.end, mark)
    )


def _sentence_after(ctx: QuoteContext, raw: RawQuote) -> int:
    """End of the sentence the quote closes in: the quote's own end when its words end it,
    else the first full stop after it, past later quotes of the same sentence (``The
    pledge to "..." and "..." appeals to voters, said X.``: the cue at the end governs
    both)."""
    if raw.text.endswith((".", "!", "?")):
        return raw.after
    return sentence_end(ctx, raw.after)


def sentence_end(ctx: QuoteContext, start: int) -> int:
    """The first full stop outside quotes after ``start``, within the paragraph (else the
    paragraph's end)."""
    para_end = ctx.masked.find("\n", start)
    limit = len(ctx.masked) if para_end == -1 else para_end
    for end in SENTENCE_END.finditer(ctx.masked, start, limit):
        if not ctx.in_quote(end.start(), end.end()):
            return end.start()
    return limit


def _cue_comma(ctx: QuoteContext, raw: RawQuote) -> bool:
    """ "... and chanted, "..."" / "He added, "..."": a cue right before the opening mark."""
    mark = raw.first.open_mark
    lead = ctx.masked[max(0, mark - 40) : mark]
    stripped = lead.rstrip()
    if not stripped.endswith(","):
        return False
    comma = mark - (len(lead) - len(stripped)) - 1
    before = ctx.masked[:comma].rstrip()
    return any(c.end == len(before) for c in ctx.cues.within(max(0, comma - 40), comma))


def caption_source(ctx: QuoteContext, raw: RawQuote) -> tuple[Speaker, str | None] | None:
    """Vox-pop and listicle layouts: a quote paragraph with a line that only names its
    speaker ("Kim Min-ji, 34, office worker in Seoul") right before or right after it.
    Where a quote has such lines on both sides, the article's own habit decides: the side
    its first captioned quote, with prose on the other side, uses."""
    before, after = _captions(ctx, raw)
    if before is None or after is None:
        return before or after
    return after if _caption_side(ctx) == "after" else before


def _captions(ctx: QuoteContext, raw: RawQuote) -> tuple[tuple[Speaker, None] | None, ...]:
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


def _caption_side(ctx: QuoteContext) -> str:
    """ "before" or "after": where the article puts the names of its captioned quotes."""
    if ctx.caption_side is None:
        ctx.caption_side = "before"
        for raw in ctx.raws:
            before, after = _captions(ctx, raw)
            if (before is None) != (after is None):
                ctx.caption_side = "before" if before is not None else "after"
                break
    return ctx.caption_side


def _name_line(ctx: QuoteContext, start: int, end: int) -> tuple[Speaker, None] | None:
    """A line that is a person's name with at most an age, a job and a place, no verb."""
    line = ctx.masked[start:end].strip(" -—–―‒")
    if not line or len(WORD.findall(line)) > 12 or line.endswith((":", "?", "!")):
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
    return how_found(named_from_entity(ctx, person), "caption"), None


def from_previous_sentence(ctx: QuoteContext, raw: RawQuote) -> tuple[Speaker, str | None] | None:
    """A quote that opens its sentence with no attribution of its own, right after a
    sentence that attributes or is about someone: ``..., dos Santos says. "If ..."``,
    ``"Short," X said. "Longer quote ..."``, a paragraph ending ``Dr. Ward stated:`` or
    introducing the speaker before a quote paragraph. A cue in that sentence gives the
    speaker; without one, a person who is the sentence's subject does. A partial quote in
    a sentence of its own that names nobody takes a person speaking in the sentence before
    (see ``_earlier_sentence``)."""
    span = _sentence_before(ctx, raw)
    partial = span is None
    span = _earlier_sentence(ctx, raw) if partial else span
    if span is None:
        return None
    lo, hi = span
    for cue in reversed(ctx.cues.within(lo, hi)):
        if ctx.in_quote(cue.start, cue.end) or (partial and not cue.speech):
            continue
        subject = parse_subject(ctx, cue)
        if subject is not None and lo <= subject.start_char and subject.root.lower_ in _INDEFINITE:
            return None
        speaker = speaker_for_cue(ctx, cue, lo, hi)
        if speaker is None or speaker.kind == "unknown" or not can_speak(speaker):
            continue
        if not partial or _speaks_on(ctx, speaker):
            return how_found(speaker, "previous_sentence"), cue.text
    if partial:
        return None
    if ctx.masked[lo:hi].rstrip().endswith(":"):
        return _colon_subject(ctx, lo, hi)  # "Former minister Yoo Myung-hee:" over a quote
    sentence = ctx.doc.char_span(lo, hi, alignment_mode="contract")
    if sentence is None or not len(sentence):
        return None
    root = sentence.root
    # "... who -." She pauses.": the parser may hang a subject from the quote before on
    # the sentence's verb; only a subject inside the sentence counts
    subjects = [
        c
        for c in root.children
        if c.dep_ in ("nsubj", "nsubjpass")
        and lo <= c.idx < hi
        and not ctx.in_quote(c.idx, c.idx + 1)
    ]
    if not subjects or root.pos_ not in {"VERB", "AUX"}:
        return None
    subject = subtree(ctx.doc, subjects[0])
    if subject.start_char < lo:
        return None
    speaker = classify(ctx, subject)
    if speaker is None or not _is_person_speaker(ctx, speaker, subject):
        return None
    return how_found(speaker, "previous_sentence"), None


def _sentence_before(ctx: QuoteContext, raw: RawQuote) -> tuple[int, int] | None:
    """Offsets of the sentence right before a quote that opens its own sentence (in the
    same paragraph, or the last one of the paragraph before); None when the quote does
    not open a sentence or nothing precedes it."""
    mark = raw.first.open_mark
    para = ctx.masked.rfind("\n", 0, mark) + 1
    before = _without_lead_adverb(ctx, para, ctx.masked[para:mark].rstrip())
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
    ends = [m.end() for m in SENTENCE_END.finditer(inner)]
    lo = para + (ends[-1] if ends else 0)
    while lo < hi and ctx.masked[lo].isspace():
        lo += 1
    return (lo, hi) if hi - lo > 1 else None


def _without_lead_adverb(ctx: QuoteContext, para: int, before: str) -> str:
    """ "Seko defended the curbs. Specifically, "...": a sentence that is an adverb and the
    quote still opens with the quote."""
    m = _LEAD_ADVERB.search(before)
    if m is None:
        return before
    word = ctx.doc.char_span(para + m.start(1), para + m.end(1))
    return before[: m.start(1)].rstrip() if word is not None and word.root.pos_ == "ADV" else before


def _earlier_sentence(ctx: QuoteContext, raw: RawQuote) -> tuple[int, int] | None:
    """The sentence before the one a partial quote stands in, in the same paragraph: in
    ``Seko has argued the curbs are lawful. Even so, there is "room to talk."`` the
    reporter is still giving Seko's argument."""
    start = sentence_start(ctx, raw.first.open_mark)
    hi = len(ctx.masked[:start].rstrip())
    if hi <= ctx.masked.rfind("\n", 0, start) + 1:
        return None
    lo = sentence_start(ctx, hi - 1)
    return (lo, hi) if hi - lo > 1 else None


def _speaks_on(ctx: QuoteContext, speaker: Speaker) -> bool:
    """Only a person (named, he or she, or described) carries on into the next sentence's
    partial quote; a text or an organisation is usually quoted where it is named."""
    if speaker.kind == "named":
        return is_person(ctx, speaker)
    return speaker.kind in ("pronoun", "descriptor")


def _is_person_speaker(ctx: QuoteContext, speaker: Speaker, subject: Span) -> bool:
    """A narrative sentence's subject speaks next only if it is a person: a PERSON, he or
    she, or a described person ("the official")."""
    if speaker.kind == "pronoun":
        return bool(PERSONAL_PRONOUN.match(subject.root.text))
    if speaker.kind == "descriptor":
        return subject.root.lower_ in PERSON_NOUNS
    entity = next((m for m in ctx.entities if m.start_char == speaker.position), None)
    return speaker.kind == "named" and entity is not None and entity.label == "PERSON"


def _dash_source(ctx: QuoteContext, raw: RawQuote) -> tuple[Speaker, str | None] | None:
    """Pull quotes and fact-check layouts: ``"..." — Sanders`` or a quote paragraph
    followed by a line ``- Michelle Marks, Philadelphia.``: the name after the dash."""
    m = _DASH_SOURCE.match(ctx.masked, raw.after)
    if m is None:
        return None
    start, end = m.span(1)
    person = person_in(ctx, start, end)
    if person is not None:
        return how_found(named_from_entity(ctx, person), "dash"), None
    chain = NAME_CHAIN.match(ctx.masked, start, end)
    if chain is not None and chain.end() == end:
        return how_found(named_from_text(ctx, start, end), "dash"), None
    return None


def _narrative_subject(ctx: QuoteContext, raw: RawQuote, lo: int) -> tuple[Speaker, str] | None:
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
    found: tuple[Speaker, str] | None = None
    for token in first[0].ancestors:
        if token.idx < lo or ctx.in_quote(token.idx, token.idx + len(token.text)):
            continue
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        # a subject before the sentence or before a dash is a headline or dateline the
        # parser ran into it ("TOKYO, March 16 (Kyodo) — The ministry released ...")
        subjects = [c for c in subjects if c.idx >= lo and not _dash_between(c, token)] or subjects
        if token.dep_ == "acl":
            subject = acl_subject(ctx.doc, token)
        elif subjects:
            subject = _owner_of_words(ctx, subjects[0])
        else:
            continue
        if subject.start_char < lo:
            break
        if ctx.in_quote(subject.start_char, subject.end_char):
            continue  # "an "obscene amount of money" was raised": the quote's own clause
        speaker = classify(ctx, subject)
        if speaker is None or speaker.kind == "unknown":
            continue
        if speaker.kind == "descriptor" and subject.root.lower_ not in PERSON_NOUNS:
            continue
        if speaker.kind == "pronoun" and not PERSONAL_PRONOUN.match(subject.root.text):
            continue
        found = (how_found(speaker, "narrative"), token.text.lower())
        if token.dep_ == "advcl" and any(c.lower_ in _CONTRAST for c in token.children):
            break  # "Jindal signed an order, while Huckabee proposed we "...": Huckabee's
    return found


def _dash_between(first: Token, last: Token) -> bool:
    """A dash between two tokens: what stands before it is a dateline or a headline."""
    return any(t.text in _DASHES for t in first.doc[first.i + 1 : last.i])


def _remark_source(ctx: QuoteContext, raw: RawQuote) -> tuple[Speaker, str] | None:
    """``"..." The remark came from X.`` / ``"..." That quote from X appeared in ...``: the
    next sentence names the quote's source."""
    m = _REMARK_SOURCE.match(ctx.masked, raw.after)
    if not m:
        return None
    stop = INVERTED_STOP.search(ctx.masked, m.end())
    end = stop.start() if stop else len(ctx.masked)
    speaker = speaker_from(ctx, m.end(), end)
    if speaker is None or speaker.kind == "unknown":
        return None
    return how_found(speaker, "remark"), " ".join(m.group(1).lower().split())


def _colon_subject(ctx: QuoteContext, lo: int, hi: int) -> tuple[Speaker, str | None] | None:
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
        return how_found(named, "transcript"), None
    found = _colon_clause_subject(ctx, lo, colon)
    if found is not None:
        return found
    named = (
        _transcript_speaker(ctx, lo, colon, loose=True)
        or _dash_label(ctx, lo, colon)
        or _from_source(ctx, lo, colon)
        or _name_line_label(ctx, lo, colon)
    )
    return (how_found(named, "colon"), None) if named is not None else None


def _label_before_colon(ctx: QuoteContext, lo: int, head: str) -> tuple[Speaker, None] | None:
    """ "Exporters agree - Kim Hyun-chul: "..."": the name after the dash is the speaker,
    whatever cue the headline before it has (a tagged person is a transcript label)."""
    if not head.rstrip().endswith(":"):
        return None
    colon = lo + len(head.rstrip()) - 1
    named = _transcript_speaker(ctx, lo, colon)
    if named is not None and _DASH_LABEL.search(ctx.masked, lo, colon):
        return how_found(named, "transcript"), None
    named = _dash_label(ctx, lo, colon)
    return (how_found(named, "colon"), None) if named is not None else None


def _dash_label(ctx: QuoteContext, lo: int, colon: int) -> Speaker | None:
    """Poll roundups and digests: ``Exporters are wary - Kim Hyun-chul: "..."``, ``... -
    Korea Development Institute: "..."``: a name after a spaced dash ends the clause."""
    m = _DASH_LABEL.search(ctx.masked, lo, colon)
    if m is None or not all(NAME_CHAIN.fullmatch(n) for n in m.group(1).split(" and ")):
        return None  # "- Kim Hyun-chul:", "- Kim Hyun-chul and Lee Ji-won:"
    entity = next((e for e in ctx.entities if (e.start_char, e.end_char) == m.span(1)), None)
    if entity is not None:
        return named_from_entity(ctx, entity)
    return named_from_text(ctx, m.start(1), m.end(1))


def _from_source(ctx: QuoteContext, lo: int, colon: int) -> Speaker | None:
    """``From the ministry's report: "..."``: the text or source the excerpt comes from."""
    m = _FROM_SOURCE.match(ctx.masked, lo, colon)
    if m is None:
        return None
    span = ctx.doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
    if span is None or not len(span):
        return None
    speaker = classify(ctx, span)
    return speaker if speaker is not None and can_speak(speaker) else None


def _name_line_label(ctx: QuoteContext, lo: int, colon: int) -> Speaker | None:
    """``Former trade minister Yoo Myung-hee: "..."``: a line with no verb ending in a
    name of two words or more (a title may stand before it, not a preposition: "On
    NHK:" names a channel, not a speaker)."""
    if ctx.masked[ctx.masked.rfind("\n", 0, lo) + 1 : lo].strip():
        return None
    span = ctx.doc.char_span(lo, colon, alignment_mode="contract")
    if span is None or any(t.pos_ in {"VERB", "AUX"} for t in span):
        return None
    before = ctx.masked[lo:colon].rstrip()
    chain = NAME_CHAIN.search(before)
    if chain is None or len(chain.group(0).split()) < 2:
        return None
    start = lo + chain.start()
    word = ctx.doc.char_span(start, start + 1, alignment_mode="expand")
    if word is not None and word.start and ctx.doc[word.start - 1].pos_ == "ADP":
        return None
    return named_from_text(ctx, start, lo + len(before))


def _colon_clause_subject(
    ctx: QuoteContext, lo: int, colon: int
) -> tuple[Speaker, str | None] | None:
    """The subject of the main verb of the clause that ends in the colon."""
    span = ctx.doc.char_span(lo, colon, alignment_mode="contract")
    if span is None or not len(span):
        return None
    roots = [t for t in span if t.head == t or t.head.i >= span.end or t.head.i < span.start]
    # "Here's Kim in 2019:": the tagger may take a contracted verb for punctuation
    verbs = [t for t in roots if t.pos_ in {"VERB", "AUX"}] or [
        t for t in roots if any(c.dep_ == "nsubj" for c in t.children)
    ]
    if not verbs:
        return None
    verb = verbs[0]
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return None
    subject = _owner_of_words(ctx, subjects[0])
    if subject.start_char < lo:
        return None
    speaker = classify(ctx, subject)
    if speaker is None or speaker.kind == "unknown":
        return None
    if speaker.kind == "descriptor" and subject.root.lower_ not in PERSON_NOUNS:
        return None
    return how_found(speaker, "colon"), verb.text.lower()


def _owner_of_words(ctx: QuoteContext, subject: Token) -> Span:
    """ "Seko's reply was:", "The minister's answer was that "..."": whose words they are
    speaks, not the words."""
    owners = [c for c in subject.children if c.dep_ == "poss"]
    if subject.lemma_.lower() in _SPEECH_NOUNS and owners:
        return subtree(ctx.doc, owners[0])
    return subtree(ctx.doc, subject)


def _transcript_speaker(
    ctx: QuoteContext, lo: int, colon: int, *, loose: bool = False
) -> Speaker | None:
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
            return named_from_entity(ctx, person)
        words = ctx.doc.char_span(lo, person.start_char, alignment_mode="contract")
        if words is not None and not any(t.pos_ in {"VERB", "AUX"} for t in words):
            return named_from_entity(ctx, person)
    caps = _CAPS_NAME.search(before)
    if caps is not None and caps.group(1).rstrip(".") not in CAPS_LABELS:
        start = lo + caps.start(1)
        return named_from_text(ctx, start, start + len(caps.group(1)))
    return None


def _tail_may_attribute(ctx: QuoteContext, raw: RawQuote) -> bool:
    """A quote closed by a full stop ends its sentence, so ``"...trust." Seko said the talks
    would go on`` is a new statement, not an attribution; a lowercase continuation
    (``"...trust." he said``, common in translated copy) or a sentence that is nothing but
    a speaker and a cue (``"...missing." Trump said.``) still attributes."""
    if not raw.text.endswith("."):
        return True
    word = WORD.search(ctx.masked, raw.after)
    if word is not None and word.group(0)[0].islower():
        return True
    # ""... are missing." Trump said.": a short sentence that is only a speaker and a
    # cue (and an adverbial) still attributes the quote before it
    end = SENTENCE_END.search(ctx.masked, raw.after)
    stop = end.start() if end else len(ctx.masked)
    for cue in ctx.cues.within(raw.after, stop):
        rest = ctx.masked[cue.end : stop]
        lead = ctx.masked[raw.after : cue.start]
        if len(WORD.findall(rest)) > 4 or len(WORD.findall(lead)) > 6 or "\n" in lead:
            continue
        reports = cue.token >= 0 and any(
            c.dep_ in ("ccomp", "xcomp", "dobj") and c.idx >= cue.end
            for c in ctx.doc[cue.token].children
        )
        return not reports  # "Moon said talks would go on." reports something new
    return False


def _from_tail(ctx: QuoteContext, raw: RawQuote) -> tuple[Speaker, str] | None:
    """Attribution after the closing mark, up to the end of the clause."""
    start = raw.after
    para_end = ctx.masked.find("\n", start)
    limit = len(ctx.masked) if para_end == -1 else para_end
    next_mark = MARK.search(ctx.masked, start, limit)
    if next_mark:
        limit = next_mark.start()
    end = _CLAUSE_END.search(ctx.masked, start, limit)
    stop = end.start() if end else limit
    if not ctx.masked[start:stop].strip():
        return None
    return _from_region(ctx, start, stop, max_lead_words=MAX_SPEAKER_WORDS)


def _head_start(ctx: QuoteContext, raw: RawQuote) -> int:
    """Start of the sentence holding the opening mark, not before the previous quote."""
    lo = ctx.masked.rfind("\n", 0, raw.first.open_mark) + 1
    for _, q_end in ctx.quoted:
        if q_end <= raw.first.open_mark:
            lo = max(lo, q_end + 1)
    ends = [m.end() for m in SENTENCE_END.finditer(ctx.masked, lo, raw.first.open_mark)]
    return ends[-1] if ends else lo


def sentence_start(ctx: QuoteContext, position: int) -> int:
    """Start of the sentence holding ``position``; full stops inside quotes do not count."""
    lo = ctx.masked.rfind("\n", 0, position) + 1
    ends = [
        m.end()
        for m in SENTENCE_END.finditer(ctx.masked, lo, position)
        if not ctx.in_quote(m.start(), m.end())
    ]
    return ends[-1] if ends else lo


def _from_region(
    ctx: QuoteContext,
    start: int,
    stop: int,
    *,
    last: bool = False,
    max_lead_words: int | None = None,
) -> tuple[Speaker, str] | None:
    """Find a cue in ``masked[start:stop]`` and the speaker attached to it."""
    cues = ctx.cues.within(start, stop)
    if last:
        cues.reverse()
    for cue in cues:
        lead = ctx.masked[start : cue.start]
        if max_lead_words is not None and len(WORD.findall(lead)) > max_lead_words:
            return None
        speaker = speaker_for_cue(ctx, cue, start, stop)
        if speaker is not None:
            return speaker, cue.text
    return None


def follows(ctx: QuoteContext, prev: RawQuote, raw: RawQuote) -> bool:
    """True when nothing but the previous quote's own attribution sentence separates them
    (``"A," X said. "B."``); a narrative sentence in between ends the inheritance."""
    if raw.first.paragraph - prev.last.paragraph > _INHERIT_MAX_PARAGRAPHS:
        return False
    gap = ctx.masked[prev.after : raw.first.open_mark]
    end = SENTENCE_END.search(gap)
    if not end:
        # ""...," and, "..."": only punctuation and a conjunction between the two
        if not LETTER.search(_CONJUNCTION.sub("", gap)):
            return True
        return _same_subject(ctx, prev.after, raw.first.open_mark)
    first, rest = gap[: end.end()], gap[end.end() :]
    if LETTER.search(rest):
        return False
    if not LETTER.search(first):
        return True
    if "\n" in first[: LETTER.search(first).start()]:
        return False  # a new paragraph's sentence, not the previous quote's attribution
    lo = prev.after
    return "\n" not in first.strip() and ctx.cues.any_within(lo, lo + len(first))


def _same_subject(ctx: QuoteContext, lo: int, hi: int) -> bool:
    """ "The paradox, says X, is that she was "...," not for her policy but for her "..."":
    words between two quotes of one sentence that open no clause with a subject that could
    speak (a person, a group, a name; an aside in brackets aside) carry on the first
    quote's speaker ("... found that exports are "..." and stockpiles are "..."")."""
    if "\n" in ctx.masked[lo:hi]:
        return False
    span = ctx.doc.char_span(lo, hi, alignment_mode="contract")
    if span is None:
        return False
    depth = 0
    for token in span:
        depth += (token.text == "(") - (token.text == ")")
        if depth or ctx.in_quote(token.idx, token.idx + 1):
            continue
        if token.dep_ in ("nsubj", "nsubjpass") and _may_speak(ctx, token):
            return False
    return True


def _may_speak(ctx: QuoteContext, subject: Token) -> bool:
    """A subject that could be a new speaker: a pronoun, a described person or a name."""
    if subject.pos_ in {"PRON", "PROPN"} or subject.lower_ in PERSON_NOUNS:
        return True
    phrase = subtree(ctx.doc, subject)
    return any(
        m.label in {"PERSON", "ORG"} and phrase.start_char <= m.start_char < phrase.end_char
        for m in ctx.entities
    )


def continues(ctx: QuoteContext, prev: RawQuote, raw: RawQuote, speaker: str | None) -> bool:
    """A quote later in the paragraph of an attributed quote, after a narrative sentence
    with no cue that names nobody else but as a modifier (``"..." Seko said. He called the
    talks useful. "..."``, ``"..." Seko said. Instead, "..."``): the reporter is still
    quoting the same person."""
    if raw.first.paragraph != prev.last.paragraph:
        return False
    lo, hi = prev.after, raw.first.open_mark
    end = SENTENCE_END.search(ctx.masked, lo, hi)
    if end is None:
        return False
    rest = end.end()
    if any(not ctx.in_quote(c.start, c.end) for c in ctx.cues.within(rest, hi)):
        return False
    return not any(
        m.label == "PERSON"
        and m.canonical != speaker
        and rest <= m.start_char < hi
        and not _modifier(ctx, m.start_char, m.end_char)
        for m in ctx.entities
    )


def _modifier(ctx: QuoteContext, start: int, end: int) -> bool:
    """ "the Abe government", "a huge Moon poster": a name modifying a noun is not someone
    the reporter turned to."""
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    return span is not None and span.root.dep_ == "compound"
