"""Attribution cues: the verbs and phrases that tie a quote to whoever said it.

Real copy attributes quotes with far more verbs than "said": "writes", "mused",
"interjected", "the email read", "The Blaze reported", "as X put it". Cues are found on
spaCy's parse by lemma, so every inflection of a speech or communication verb counts; the
speaker is then whatever the attribution code finds as that verb's subject, so a broad
lexicon does not by itself attribute anything.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from tradewatch.nlp.doc_text import doc_text

__all__ = ["CUE_LEMMAS", "SPEECH_LEMMAS", "Cue", "Cues", "find_cues"]

# Speech verbs proper: with these, pattern fallbacks may find the speaker when the parse
# gives no subject ("..., he said", "said Seko, ...").
SPEECH_LEMMAS = frozenset(
    {"say", "tell", "add", "note", "stress", "emphasize", "emphasise", "underscore"}
    | {"explain", "state", "warn", "argue", "claim", "insist", "write", "ask", "reply"}
    | {"respond", "continue", "urge", "announce", "declare", "acknowledge", "admit"}
    | {"comment", "remark", "complain", "counter", "vow", "pledge", "promise", "caution"}
    | {"concede", "suggest", "conclude", "lament", "maintain", "contend", "assert"}
    | {"reiterate", "affirm", "recall", "predict", "observe", "criticize", "criticise"}
    | {"protest", "agree", "wonder", "tweet", "post", "chant", "shout"}
)
# Wider communication verbs: cues only when the parse gives their subject.
CUE_LEMMAS = SPEECH_LEMMAS | frozenset(
    {"yell", "scream", "report", "quote", "read", "muse", "interject", "joke", "quip"}
    | {"boast", "exclaim", "whisper", "mutter", "testify", "confirm", "deny", "proclaim"}
    | {"recount", "reason", "speculate", "retort", "opine", "summarize", "summarise"}
    | {"describe", "call", "dub", "thunder", "plead", "implore", "assure", "reassure"}
    | {"remind", "inform", "reveal", "disclose", "concur", "marvel", "gush", "rail"}
    | {"blast", "slam", "mock", "scoff", "sneer", "snap", "fume", "rant", "lash"}
    | {"accuse", "demand", "beg", "elaborate", "clarify", "allege"}
    | {"chime", "echo", "answer", "tout", "sing"}
    | {"inquire", "enquire", "react", "bark", "growl", "gripe", "crow", "exult"}
    | {"remember", "recollect", "reminisce", "thank", "apologize", "apologise", "lecture"}
    | {"charge", "press", "exhort", "riff", "retaliate", "challenge", "question"}
)
# Surface forms that are cues whatever the tagger makes of them.
_ALWAYS = frozenset({"said", "says", "told", "tells", "added", "adds", "wrote", "writes"})
_PHRASES = re.compile(
    r"\b(according\s+to|pointed\s+out|points\s+out|put\s+it|puts\s+it|went\s+on|"
    r"fired\s+back|shot\s+back)\b",
    re.IGNORECASE,
)
# Speech verbs the tagger often takes for nouns ("the editorial read.", "the Saudis state
# in the white paper", "the email reads:").
_AMBIGUOUS = frozenset(
    {"state", "states", "stated", "note", "notes", "read", "reads", "report", "reports"}
    | {"write", "writes", "claim", "claims", "remark", "remarks", "comment", "comments"}
    | {"argue", "argues", "warn", "warns", "answer", "answers", "recall", "recalls"}
    | {"quote", "quotes", "tweet", "tweets", "post", "posts", "say", "says", "add", "adds"}
)
_AFTER_QUOTE = re.compile(r"[,!?][\"”]\s+(?:[\w.’'-]+\s+){0,6}$")
_AFTER_MISTAGGED = frozenset({"that", "in", "on", "at", "during", "after", "before", "from"})
_OPENING_MARKS = frozenset({'"', "\u201c"})
_GLUED = re.compile(r"([a-z]+),[\"“]")
# Lexicon words are cues only as verbs ("The Post", "a report" are not).
_VERB_TAGS = frozenset({"VERB", "AUX"})


@dataclass(frozen=True)
class Cue:
    """One cue: its character offsets and the words as written (lower case)."""

    start: int
    end: int
    text: str
    token: int
    speech: bool = True


class Cues:
    """The cues of one document in text order, searchable by character range."""

    def __init__(self, cues: list[Cue]) -> None:
        self.items = sorted(cues, key=lambda c: c.start)
        self._starts = [c.start for c in self.items]

    def within(self, lo: int, hi: int) -> list[Cue]:
        """Cues that start at or after ``lo`` and end at or before ``hi``."""
        i = bisect_left(self._starts, lo)
        found = []
        while i < len(self.items) and self.items[i].start < hi:
            if self.items[i].end <= hi:
                found.append(self.items[i])
            i += 1
        return found

    def any_within(self, lo: int, hi: int) -> bool:
        return bool(self.within(lo, hi))


def _mistagged(token: Token) -> bool:
    """ "a voice-over in the ad states.", "the editorial read.", "the two write.": a speech
    verb the tagger took for a noun, recognisable by the noun phrase (or number) before it
    and the stop or preposition after it."""
    doc = token.doc
    if token.i + 2 < len(doc) and token.i and _introduces_quote(token):
        return True
    if token.lower_ not in _AMBIGUOUS or token.i + 1 >= len(doc) or not token.i:
        return False
    before, after = doc[token.i - 1], doc[token.i + 1]
    if before.lower_ == "to" and token.dep_ == "xcomp":
        return True  # "prompted the institute to state, ..."
    if before.pos_ not in {"NOUN", "PROPN", "PRON", "ADJ", "NUM"}:
        return False
    if after.text not in {".", ",", ":", ";"} and after.lower_ not in _AFTER_MISTAGGED:
        return False
    # only right after a quote ("...," the editorial read.), where a noun reading ("in
    # the primary states.") makes no sense
    line = doc_text(doc)[max(0, token.idx - 80) : token.idx].rsplit("\n", 1)[-1]
    return _AFTER_QUOTE.search(line) is not None


def _introduces_quote(token: Token) -> bool:
    """ "Article 33 affirms: "..."": a speech verb the tagger took for a plural noun, after
    a name or a noun and right before a colon that opens a quote ("From the ministry's
    post:" is a noun: singular)."""
    doc = token.doc
    before, colon, mark = doc[token.i - 1], doc[token.i + 1], doc[token.i + 2]
    return (
        token.tag_ == "NNS"
        and token.lemma_.lower() in SPEECH_LEMMAS
        and before.pos_ in {"NOUN", "PROPN", "NUM"}
        and colon.text == ":"
        and mark.text in _OPENING_MARKS
    )


def find_cues(doc: Doc) -> Cues:
    """Every cue in ``doc``: lexicon verbs by lemma, fixed surface forms and phrases."""
    found: list[Cue] = []
    taken: set[int] = set()
    for m in _PHRASES.finditer(doc_text(doc)):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        index = span.start if span is not None else -1
        found.append(Cue(m.start(), m.end(), " ".join(m.group(1).lower().split()), index))
        if span is not None:
            taken.update(range(span.start, span.end))
    for token in doc:
        if token.i in taken:
            continue
        lower, lemma = token.lower_, token.lemma_.lower()
        if lemma == "continue" and any(c.dep_ == "xcomp" for c in token.children):
            continue
        if (
            lower in _ALWAYS
            or (token.pos_ in _VERB_TAGS and lemma in CUE_LEMMAS)
            or _mistagged(token)
        ):
            speech = lower in _ALWAYS or lemma in SPEECH_LEMMAS or token.pos_ not in _VERB_TAGS
            found.append(Cue(token.idx, token.idx + len(token.text), lower, token.i, speech))
        elif "," in lower:
            found.extend(_glued(token))
    return Cues(found)


def _glued(token: Token) -> list[Cue]:
    """'Seko said,“We ...': with no space after the comma the tokenizer keeps the cue, the
    comma and the quote's first word in one token; the cue is its first word."""
    m = _GLUED.match(token.lower_)
    if m is None or m.group(1) not in _ALWAYS:
        return []
    return [Cue(token.idx, token.idx + m.end(1), m.group(1), token.i)]
