"""Who a phrase names: turning a subject or an attribution phrase into a speaker.

A speaker is a person named in the article, a described person or group ("a senior
official"), a pronoun resolved to someone the article named (agreeing in gender), an
organisation, a document or a news outlet (see ``speaker_kinds``). Short forms resolve to
the full names the article introduced ("Seko" is "Hiroshige Seko"); "the minister", "the
ministry" and "the official" resolve to the person, organisation or fuller description the
article gave earlier. ``QuoteContext`` holds the per-article state these lookups share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from tradewatch.models import EntityMention, SpeakerKind
from tradewatch.nlp.cues import SPEECH_LEMMAS, Cue, Cues
from tradewatch.nlp.doc_text import doc_text
from tradewatch.nlp.entities import resolve_person, strip_titles
from tradewatch.nlp.gazetteer import Gazetteer
from tradewatch.nlp.gender import genders, pronoun_gender
from tradewatch.nlp.quote_layout import LETTER, WORD, RawQuote
from tradewatch.nlp.speaker_kinds import (
    DOCUMENT_NOUNS,
    PERSON_NOUNS,
    kind_of_description,
    kind_of_name,
)

__all__ = [
    "INVERTED_STOP",
    "MAX_SPEAKER_WORDS",
    "NAME_CHAIN",
    "PERSONAL_PRONOUN",
    "QuoteContext",
    "Speaker",
    "acl_subject",
    "can_speak",
    "classify",
    "head_word",
    "is_person",
    "named_from_entity",
    "named_from_text",
    "parse_subject",
    "person_in",
    "speaker_for_cue",
    "speaker_from",
    "subtree",
]

MAX_SPEAKER_WORDS = 16


# How many sentences a chain of "he ... he ..." is followed back to the name that began it.
_PRONOUN_CHAIN = 6


PERSONAL_PRONOUN = re.compile(r"^(?:he|she|him|her)$", re.IGNORECASE)


_TRAILING_PRONOUN = re.compile(r"\b(he|she)\s*,?\s*$", re.IGNORECASE)


_RELATIVE_SUBJECT = re.compile(
    r"\b(?:whom?|which|that),?\s+(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)"
    r"((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’-]*)"
    r"(?:\s+(?:on|last|this|earlier|later|once|had|has|have|also)\b[\w ]*?)?\s+$"
)
_UNCLOSED_RELATIVE = re.compile(r",\s+(?:who|which)\s")
_POSSESSIVE = re.compile(r"['’]s?\s")
_DETERMINER = re.compile(
    r"\b(?:an?|the|one|another|some|two|three|several|many|other)\s", re.IGNORECASE
)


NAME_CHAIN = re.compile(r"(?:[A-Z][\w'’-]*\.?\s+){0,3}[A-Z][\w'’-]*$")


_GROUP_SPEAKER = re.compile(
    r"(?:[A-Za-z-]+\s+){0,2}(?:officials|sources|analysts|experts|executives|diplomats|"
    r"insiders|observers|lawmakers|economists|people|critics|traders)$"
)


# "an official at (the) <ORG>": the organisation is where the speaker works, not the speaker.
_DESCRIPTOR_FRAME = re.compile(r"\b(?:at|of|from|for|with|in|to|by)\s+(?:the\s+)?$", re.IGNORECASE)


# "a retail analyst who asked not to be named", "an official under the condition of
# anonymity": the phrase hides the speaker, it does not describe them, so it is not part of
# the descriptor ("a farmer who lives near the plant" is).
_ANONYMITY = re.compile(
    r"\s+(?:(?:who|that)\s+(?:\w+\s+){0,6}?(?:anonymity|anonymously|named|identified)"
    r"|(?:(?:speaking|talking)\s+)?(?:on|under)\s+(?:the\s+)?conditions?\s+(?:of|that)\b"
    r"|(?:requesting|asking|declining|preferring)\s+(?:\w+\s+){0,4}?"
    r"(?:anonymity|named|identified))\b.*$",
    re.DOTALL | re.IGNORECASE,
)


_APPOSITION = re.compile(r",\s+(?:(?:a|an|the|its|his|her)\s+)?(?:[\w-]+\s+){0,3}?([a-z]+)\b")


# Words opening a comma-separated part of a lead that is not the speaker.
_FRONTED = frozenset(
    {"in", "of", "on", "at", "for", "from", "with", "after", "before", "during", "asked"}
    | {"who", "which", "that", "whose", "where", "when", "while", "and", "but", "speaking"}
    | {"according", "as", "by", "to", "under", "about", "like", "unlike", "despite"}
)


_TRAILING_ADVERBS = re.compile(
    r"(?:\s+(?:once|also|later|then|earlier|again|previously|recently|often|first|further|"
    r"[a-z]+ly))+\s*$"
)


INVERTED_STOP = re.compile(r"[,.;(]|$")


# "a trade official speaking to reporters", "Kim when asked about the curbs": what the
# speaker was doing, not who they are
_TRAILING_CLAUSE = re.compile(r"\s+(?:when|while|speaking|talking|writing)\b.*$", re.DOTALL)

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


# Verbs whose object does what the infinitive after it says ("urged Seko to say").
_OBJECT_CONTROL = frozenset(
    {"prompt", "urge", "ask", "invite", "encourage", "press", "push", "force", "lead"}
    | {"inspire", "spur", "challenge", "implore", "pressure", "call"}
)

# "held up a sign saying ...": who shows a text is not its author
_SHOWING = frozenset({"hold", "carry", "wave", "wear", "display", "read", "see", "show"})

_NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC"})


@dataclass
class Speaker:
    name: str | None
    kind: SpeakerKind
    canonical: str | None
    position: int
    written: str | None = None
    how: str = "cue"


@dataclass
class QuoteContext:
    """Per-document state shared by the attribution helpers."""

    doc: Doc
    masked: str
    entities: list[EntityMention]
    gazetteer: Gazetteer
    cues: Cues
    quoted: list[tuple[int, int]]
    short: list[tuple[int, int]]
    raws: list[RawQuote]
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


def can_speak(speaker: Speaker) -> bool:
    """A speaker that is a person, an organisation, a text or an outlet, not a described
    thing ("a voice", "the primary")."""
    if speaker.kind != "descriptor":
        return True
    return head_word(speaker.name or "") in PERSON_NOUNS or (
        speaker.written is not None and head_word(speaker.written) in PERSON_NOUNS
    )


def speaker_for_cue(ctx: QuoteContext, cue: Cue, lo: int, hi: int) -> Speaker | None:
    if cue.token >= 0 and any(c.dep_ == "auxpass" for c in ctx.doc[cue.token].children):
        return _agent(ctx, ctx.doc[cue.token], lo, hi)
    relative = _RELATIVE_SUBJECT.search(ctx.masked, lo, cue.start)
    found = speaker_from(ctx, relative.start(1), relative.end(1)) if relative else None
    if found is not None:
        return found  # "Seko, who Yoon on Tuesday called "...": the relative's subject
    subject = parse_subject(ctx, cue)
    if subject is not None and subject.end_char <= cue.start and ctx.in_marks(subject.root.idx):
        # ""Meh," wrote a supporter": the parser took the short quote for the subject
        inverted = speaker_from(ctx, cue.end, hi)
        if inverted is not None:
            return inverted
    if subject is not None:
        subject = _parenthetical_speaker(ctx, subject, cue)
    if subject is not None and subject.start_char < lo <= subject.root.idx:
        # the parser ran the subject back over a dateline or the paragraph before
        subject = ctx.doc.char_span(lo, subject.end_char, alignment_mode="contract")
    if subject is not None and lo <= subject.start_char and subject.root.idx < max(hi, cue.end):
        speaker = classify(ctx, subject)
        if speaker is not None:
            return _title_cut(ctx, cue, subject, speaker, hi)
    participle = cue.token >= 0 and ctx.doc[cue.token].tag_ == "VBG"
    if cue.speech and not participle:
        return _fallback_speaker(ctx, cue, lo, hi)
    if not ctx.masked[lo : cue.start].strip(" ,"):
        return speaker_from(ctx, cue.end, hi)  # ""...," read the email."
    # a wider cue with no parsed subject still speaks for a name right before it ("...,
    # Trump described families ... and a city of "honesty"")
    lead = ctx.masked[lo : cue.start]
    adverbs = _TRAILING_ADVERBS.search(lead)
    end = lo + (adverbs.start() if adverbs else len(lead.rstrip()))
    named = next((m for m in ctx.entities if m.end_char == end and m.label == "PERSON"), None)
    return named_from_entity(ctx, named) if named is not None and not participle else None


def _parenthetical_speaker(ctx: QuoteContext, subject: Span, cue: Cue) -> Span:
    """ "Seko, a senior official said, "is ready to talk"": an apposition running into the
    cue with no comma, and a comma after the cue, is an aside naming who speaks; the name
    before it is what the quote is about."""
    appos = [c for c in subject.root.children if c.dep_ == "appos"]
    if not appos or subject.end_char > cue.start:
        return subject
    aside = subtree(ctx.doc, appos[-1])
    if aside.end_char != subject.end_char or ctx.masked[aside.end_char : cue.start].strip():
        return subject
    return aside if ctx.masked[cue.end : cue.end + 1] == "," else subject


def _title_cut(ctx: QuoteContext, cue: Cue, subject: Span, speaker: Speaker, hi: int) -> Speaker:
    """ "said Army Capt. Ahn Jae-won", "mused TV co-host Ito Ken": after an inverted cue the
    parser may stop the subject inside the title; when the phrase up to the clause's end
    names a person, that person speaks, not the unit or the title's first word."""
    inverted = subject.start_char >= cue.end
    if speaker.kind == "named" or not inverted or ctx.masked[cue.end : subject.start_char].strip():
        return speaker
    person = speaker_from(ctx, cue.end, hi)
    if person is None or person.kind != "named" or person.position < subject.end_char:
        return speaker  # "said Seko's deputy, ...": the subject is the whole title
    return person


def _agent(ctx: QuoteContext, verb: Token, lo: int, hi: int) -> Speaker | None:
    """A passive cue's speaker is its agent ("it was posted by X"), never its subject
    ("That comment was posted anonymously")."""
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and lo <= objects[0].idx < hi:
                return classify(ctx, subtree(ctx.doc, objects[0]))
    return None


def parse_subject(ctx: QuoteContext, cue: Cue) -> Span | None:
    """The cue verb's grammatical subject (or the object of "according to") as a span."""
    if cue.token < 0:
        return None
    token = ctx.doc[cue.token]
    if token.dep_ == "pcomp" and token.head.lower_ == "as" and token.head.head.lemma_ == "quote":
        token = token.head.head  # "Kyodo quoted an official as saying": the quote's cue
    if token.lemma_ == "quote":
        # "the newspaper quoted him as saying": the one quoted said the words
        objects = [c for c in token.children if c.dep_ == "dobj"]
        if objects and any(c.lower_ == "as" for c in token.children):
            return subtree(ctx.doc, objects[0])
    if token.lower_ == "according":
        to = next((t for t in token.children if t.lower_ == "to"), None)
        if to is None and token.i + 1 < len(ctx.doc):
            to = ctx.doc[token.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"] if to is not None else []
        return subtree(ctx.doc, objects[0]) if objects else None
    if token.tag_ == "VBG" and _after_comma(ctx.doc, token):
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
        controller = _object_controller(verb)
        if controller is not None:
            return subtree(ctx.doc, controller)
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        # "6:50 p.m. With ..., Kim has told ...": of two subjects the parser gave, the one
        # next to the verb; the other is a timestamp or dateline it ran together
        subjects.sort(key=lambda c: abs(c.i - verb.i))
        if subjects and subjects[0].pos_ == "ADP":
            return None  # "Of the curbs, Seko said": a fronted phrase parsed as the subject
        if subjects and not (verb is not token and subjects[0].lower_ in {"it", "there"}):
            return subtree(ctx.doc, subjects[0])
        # "Suu Kyi said it was too early but added, "..."": a dummy "it" of a clause the
        # cue hangs on is nobody; keep climbing
        if verb.dep_ == "acl":
            return acl_subject(ctx.doc, verb)
        if verb.dep_ not in climb or verb.head.i == verb.i:
            break
        verb = verb.head
    return None


def _object_controller(verb: Token) -> Token | None:
    """ "The record prompted the institute to state ...", "they urged Seko to say ...": an
    infinitive cue hanging on a verb with an object speaks for that object."""
    if verb.dep_ != "xcomp" or verb.head.lemma_.lower() not in _OBJECT_CONTROL:
        return None
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    objects = [c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i]
    return objects[0] if objects else None


def _after_comma(doc: Doc, token: Token) -> bool:
    """ ", saying", ","" saying" (the comma inside a closing quote mark) or ", and
    saying"."""
    before = [t.text for t in doc[max(0, token.i - 2) : token.i]]
    if before[-1:] == ["and"] and before[:1] in ([","], ["-"], ["--"], ["\u2014"]):
        return True  # "saying that ... - and arguing": a second trailing participle
    return bool(before) and (before[-1] == "," or before == [",", "\u201d"] or before == [",", '"'])


def _outermost_subject(ctx: QuoteContext, token: Token) -> Span | None:
    """The subject of the highest verb above ``token`` that stands outside quotes, not
    beyond a relative clause ("... where protesters had gathered, chanting")."""
    found: Span | None = None
    node = token
    while node.head.i != node.i:
        if found is not None and node.dep_ == "relcl":
            break
        node = node.head
        if ctx.in_quote(node.idx, node.idx + len(node.text)):
            break
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        subjects = [c for c in subjects if not ctx.in_quote(c.idx, c.idx + len(c.text))]
        if node.pos_ in {"VERB", "AUX"} and subjects:
            found = subtree(ctx.doc, subjects[0])
            if node.lemma_.lower() in SPEECH_LEMMAS:
                break  # "Seko cannot say "...," Kim added, saying": who added, says
    return found


def acl_subject(doc: Doc, verb: Token) -> Span:
    """Who speaks through a participle hanging on a noun: the noun ("the newspaper's
    editorial telling him ..."), or, for a text someone put out, whoever put it out
    ("Trump issued a statement saying ...")."""
    noun = verb.head
    sender = _sender(doc, noun)
    if sender is not None:
        return sender
    if noun.dep_ == "pobj" and noun.head.head.lower_ in DOCUMENT_NOUNS:
        noun = noun.head.head  # "an email to supporters stating ...": the email states
    publisher = _publisher(doc, noun)
    return publisher if publisher is not None else _noun_phrase(doc, noun)


def _publisher(doc: Doc, noun: Token) -> Span | None:
    """ "Samsung issued a statement saying ...", "KITA released a report that found ...":
    whoever put a text out speaks through it (not whoever holds up a sign)."""
    if noun.lower_ not in DOCUMENT_NOUNS or noun.dep_ != "dobj" or noun.head.lemma_ in _SHOWING:
        return None
    subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
    return subtree(doc, subjects[0]) if subjects else None


def _sender(doc: Doc, recipient: Token) -> Span | None:
    """ "The ministry sent a text message to exporters saying ...": the participle hangs on
    whom the text went to; whoever sent it speaks."""
    to = recipient.head
    if recipient.dep_ != "pobj" or to.lower_ != "to" or to.dep_ not in ("prep", "dative"):
        return None
    verb = to.head
    if not any(c.dep_ == "dobj" and c.lower_ in DOCUMENT_NOUNS for c in verb.children):
        return None
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    return subtree(doc, subjects[0]) if subjects else None


def _noun_phrase(doc: Doc, noun: Token) -> Span:
    """``noun`` with what stands before it (determiner, modifiers, possessor), without the
    clauses and phrases that follow it."""
    start = noun.left_edge.i
    while start < noun.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[start : noun.i + 1]


def subtree(doc: Doc, head: Token) -> Span:
    """The phrase ``head`` heads, without stray marks and line breaks the parser attached
    at its edges (a closing quote mark of the paragraph before)."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def classify(ctx: QuoteContext, subject: Span) -> Speaker | None:
    """Turn a subject span into a speaker; None when it is a quote, a clause or junk."""
    if ctx.in_quote(subject.start_char, subject.end_char) or ctx.in_marks(subject.start_char):
        return None
    head = subject.root
    if PERSONAL_PRONOUN.match(head.text):
        return _pronoun(ctx, head.idx)
    if head.lower_ in {"it", "they"} and len(subject) == 1:
        return _it_speaker(ctx, head.idx, len(head.text))
    if head.lower_ in {"i", "we"} and len(subject) == 1:
        # the writer, or a group the article does not name: kept as written, unresolved
        return Speaker(None, "pronoun", None, head.idx, head.text)
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
        person = person_in(ctx, entity.end_char, subject.end_char)
        if person is not None and not _joins(ctx, entity.end_char, person.start_char):
            entity = person
    if entity is None and head.pos_ == "PROPN":
        entity = person_in(ctx, subject.start_char, subject.end_char)
    if entity is None:
        # "Cheong Wa Dae spokeswoman Ko Min-jung": a title phrase ending in the name
        person = person_in(ctx, subject.start_char, subject.end_char)
        if person is not None and doc_text(ctx.doc)[person.end_char : subject.end_char].strip(
            " ,"
        ) in {
            "",
            "Jr.",
            "Jr",
        }:
            entity = person
    if entity is not None:
        return named_from_entity(ctx, entity)
    if head.pos_ == "PROPN" or _untagged_name(subject):
        return _named_from_chain(ctx, head)
    return _descriptor(ctx, subject.start_char, subject.end_char)


def _untagged_name(subject: Span) -> bool:
    """ "...," Hannity said: a lone capitalised singular noun inside a sentence is a
    surname the tagger did not know, not a description."""
    head = subject.root
    return (
        len(subject) == 1
        and head.tag_ == "NN"
        and head.text[:1].isupper()
        and head.text[1:].islower()
        and not head.is_sent_start
    )


def _relative_antecedent(ctx: QuoteContext, pronoun: Token) -> Speaker | None:
    """ "Sen. Marco Rubio of Florida, who mused ...": the noun phrase the relative clause
    hangs on, without the clause itself."""
    verb = pronoun.head
    if verb.dep_ != "relcl" or verb.head.i == verb.i:
        return None
    noun = verb.head
    if noun.dep_ == "appos" and noun.head.pos_ == "PROPN":
        noun = noun.head  # "Kim, a Busan native who writes ...": Kim writes
    publisher = _publisher(ctx.doc, noun)
    if publisher is not None:
        return classify(ctx, publisher)
    start = noun.left_edge.i
    while start < noun.i and (ctx.doc[start].is_punct or ctx.doc[start].is_space):
        start += 1
    phrase = ctx.doc[start : noun.i + 1]
    if any(t.lower_ in {"who", "which", "that"} for t in phrase):
        return None
    return classify(ctx, phrase)


def _fallback_speaker(ctx: QuoteContext, cue: Cue, lo: int, hi: int) -> Speaker | None:
    """Patterns for when the parse gives no usable subject: "..., he said", "Seko said",
    "Seko, who heads METI, said", "said Hiroshige Seko", "a ministry official said"."""
    lead = ctx.masked[lo : cue.start]
    skip = len(lead) - len(lead.lstrip(" ,"))
    body = lead.strip(" ,")
    if not body:
        return speaker_from(ctx, cue.end, hi)
    start = lo + skip
    after = ctx.masked[cue.end : hi]
    named = cue.end + len(after) - len(after.lstrip(" ,"))
    if lead.rstrip().endswith(",") and any(
        m.start_char == named and m.label == "PERSON" for m in ctx.entities
    ):
        return speaker_from(ctx, cue.end, hi)  # "The paradox of Nancy, says Carl Anthony,"
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
                return named_from_entity(ctx, person)
        if not parts:
            return None
        start, end = parts[0]
        return _speaker_until(ctx, start, end)
    unclosed = _UNCLOSED_RELATIVE.search(body)
    if unclosed is not None:
        # "Katie Packer, who is chairman of Our Principles PAC said": the comma closing the
        # relative clause is missing; who it describes speaks, not the PAC at its end
        return _speaker_until(ctx, start, start + unclosed.start())
    return _speaker_until(ctx, start, start + len(body.rstrip()))


def _speaker_until(ctx: QuoteContext, lo: int, end: int) -> Speaker | None:
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
        return named_from_entity(ctx, entity)
    # The longest determiner phrase within the last clause: "a senior official at the
    # ministry", not "the ministry"; "In a statement, the ministry" gives "the ministry".
    clause = lead.rfind(",") + 1
    det = _DETERMINER.search(lead, clause)
    if det:
        return _descriptor(ctx, lo + det.start(), end)
    chain = NAME_CHAIN.search(lead)
    if chain:
        return named_from_text(ctx, lo + chain.start(), lo + chain.end())
    group = _GROUP_SPEAKER.search(lead)
    if group:
        return _descriptor(ctx, lo + group.start(), end)
    return None


def speaker_from(ctx: QuoteContext, start: int, hi: int) -> Speaker | None:
    """The speaker phrase after an inverted cue ("said Hiroshige Seko, ...")."""
    tail = ctx.masked[start:hi]
    start += len(tail) - len(tail.lstrip(" ,"))
    stop = INVERTED_STOP.search(ctx.masked, start, hi)
    end = stop.start() if stop else hi
    entity = next((m for m in ctx.entities if m.start_char == start), None)
    if entity is not None and _POSSESSIVE.match(ctx.masked, entity.end_char):
        return _possessed(ctx, start, end, hi)
    if entity is not None:
        # "said Army Capt. Christian Pardo": the person after the unit or title
        person = person_in(ctx, entity.end_char, end) if entity.label != "PERSON" else None
        return named_from_entity(ctx, person or entity)
    phrase = ctx.masked[start:end]
    if PERSONAL_PRONOUN.match(phrase.strip()):
        return _pronoun(ctx, start)
    if _DETERMINER.match(phrase):
        return _descriptor(ctx, start, end)
    # "said Oversight ranking Democrat Elijah Cummings (D-Md.)": the person the title
    # words lead up to, tagged or not.
    person = person_in(ctx, start, end)
    if person is not None:
        return named_from_entity(ctx, person)
    chain = NAME_CHAIN.search(phrase.rstrip())
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
    return named_from_text(ctx, lo, start + chain.end())


def _possessed(ctx: QuoteContext, start: int, end: int, hi: int) -> Speaker | None:
    """ "exhorted Clinton's introducer, actress Jamie Lee Curtis": a name in the possessive
    is whose the speaker is, not the speaker; a person set off after the phrase is who."""
    after = ctx.masked[end:hi]
    named = end + len(after) - len(after.lstrip(" ,"))
    person = person_in(ctx, named, hi) if after[:1] == "," else None
    if person is not None and not ctx.masked[named : person.start_char].strip(" ").count(" "):
        # at most one title word before the name: "actress Jamie Lee Curtis"
        return named_from_entity(ctx, person)
    return _descriptor(ctx, start, end)


def _pronoun(ctx: QuoteContext, position: int) -> Speaker:
    """he/she: a named person before the pronoun, outside quotes, of a gender that agrees
    (see ``nlp.gender``; unknown agrees with both).

    The latest sentence that mentions a person decides; within it a grammatical subject
    wins over an object ("Ahn met Nishimura in Tokyo. ... he said" is Ahn), and a main
    clause's subject over a reported clause's. When that sentence names people only as
    objects but its subject is the same pronoun, it continues an earlier sentence's
    person, so the search goes further back. Otherwise an earlier quote's speaker from the
    same or the previous paragraph is preferred (the reporter is still quoting them)."""
    word = WORD.match(doc_text(ctx.doc), position)
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
        return Speaker(None, "pronoun", None, position, written)
    return Speaker(best[1], "pronoun", best[2], position, written)


def _pronoun_subject(ctx: QuoteContext, sentence: Span, gender: str, before: int) -> bool:
    """Whether a pronoun of ``gender`` before ``before`` is a subject in ``sentence``,
    outside quotes."""
    return any(
        t.idx < before
        and t.dep_ in ("nsubj", "nsubjpass")
        and pronoun_gender(t.text) == gender
        and not ctx.in_quote(t.idx, t.idx + len(t.text))
        for t in sentence
    )


def _clause_depth(ctx: QuoteContext, mention: EntityMention) -> int:
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


def _is_subject(ctx: QuoteContext, mention: EntityMention) -> bool:
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


def _paragraph_start(ctx: QuoteContext, position: int, back: int = 0) -> int:
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


def _it_speaker(ctx: QuoteContext, position: int, length: int) -> Speaker:
    """ "it said" / "they said": the organisation, document or outlet named or quoted last
    before the pronoun (for "they" also a group of people quoted last); unresolved when
    there is none."""
    written = doc_text(ctx.doc)[position : position + length]
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
        return Speaker(None, "pronoun", None, position, written)
    return Speaker(best[2] or best[1], "pronoun", best[2], position, written)


def _entity_at(ctx: QuoteContext, start: int, end: int) -> EntityMention | None:
    for m in ctx.entities:
        if m.label in _NAMED_LABELS and m.start_char <= start and end <= m.end_char:
            return m
    return None


def _joins(ctx: QuoteContext, start: int, end: int) -> bool:
    """Whether a verb, conjunction or preposition stands between two offsets ("White
    America embracing Obama", "Dovere and Debenedetti")."""
    between = ctx.doc.char_span(start, end, alignment_mode="expand")
    return between is not None and any(t.pos_ in {"VERB", "CCONJ", "ADP"} for t in between)


def person_in(ctx: QuoteContext, start: int, end: int) -> EntityMention | None:
    """A PERSON inside a title-headed subject ("Trade Minister Hiroshige Seko")."""
    for m in ctx.entities:
        if m.label == "PERSON" and start <= m.start_char and m.end_char <= end:
            return m
    return None


def named_from_entity(ctx: QuoteContext, entity: EntityMention) -> Speaker:
    """A speaker the NER found; a single-word ORG or GPE that is the surname of a person
    the article named ("Trump" tagged ORG) is that person."""
    name = entity.canonical
    if entity.label != "PERSON" and " " not in entity.text.strip():
        full = resolve_person(entity.text, ctx.full_names)
        if full != strip_titles(entity.text):
            return Speaker(full, "named", full, entity.start_char, entity.text)
    if entity.label == "PERSON" or name in ctx.full_names or _person_apposition(ctx, entity):
        return Speaker(name, "named", name, entity.start_char, entity.text)
    kind = kind_of_name(entity.canonical, entity.label, ctx.gazetteer)
    return Speaker(entity.text, kind, entity.canonical, entity.start_char, entity.text)


def _person_apposition(ctx: QuoteContext, entity: EntityMention) -> bool:
    """ "Tokura Masakazu, chairman of Keidanren": a name the NER took for an organisation,
    followed by what a person is."""
    m = _APPOSITION.match(doc_text(ctx.doc), entity.end_char)
    return m is not None and m.group(1).lower() in PERSON_NOUNS


def _named_from_chain(ctx: QuoteContext, head: Token) -> Speaker:
    """A proper-noun speaker spaCy did not tag: the run of proper nouns up to the head."""
    doc = ctx.doc
    left = head.i
    while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].dep_ == "compound":
        left -= 1
    return named_from_text(ctx, doc[left].idx, head.idx + len(head.text))


def named_from_text(ctx: QuoteContext, start: int, end: int) -> Speaker:
    """A capitalised name without an entity: titles dropped, short forms resolved."""
    written = " ".join(doc_text(ctx.doc)[start:end].split())
    if written.lower() in {"it", "they"}:
        return _it_speaker(ctx, start, end - start)
    if PERSONAL_PRONOUN.match(written):
        return _pronoun(ctx, start)
    if written.lower() in {"i", "we", "you"}:
        return Speaker(None, "pronoun", None, start, written)
    chain = strip_titles(written.title() if written.isupper() else written)
    entry = ctx.gazetteer.lookup(chain)
    if entry is not None:
        kind = kind_of_name(entry.canonical, entry.label, ctx.gazetteer)
        return Speaker(chain, kind, entry.canonical, start, written)
    full = resolve_person(chain, ctx.full_names)
    return Speaker(full, "named", full, start, written)


def _descriptor(ctx: QuoteContext, start: int, end: int) -> Speaker | None:
    """A described speaker, cut before an appositive or relative clause, without its leading
    article; "the ministry" after a named ministry is that ministry (kind "named")."""
    text = doc_text(ctx.doc)
    comma = ctx.masked.find(",", start, end)
    if comma != -1:
        end = comma
    end = start + len(_ANONYMITY.sub("", text[start:end]))
    end = start + len(_TRAILING_CLAUSE.sub("", text[start:end]))
    if len(WORD.findall(text[start:end])) > MAX_SPEAKER_WORDS:
        end = start + len(_RELATIVE.sub("", text[start:end]))  # too long: drop the clause
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    if start >= end or len(WORD.findall(text[start:end])) > MAX_SPEAKER_WORDS:
        return None
    if not LETTER.search(text[start:end]):
        return None
    phrase = written = " ".join(text[start:end].split())
    anaphor = _ORG_ANAPHOR.match(phrase)
    if anaphor:
        org = _antecedent_org(ctx, anaphor.group(1).lower(), start)
        if org is not None:
            return Speaker(phrase, "organisation", org, start, written)
    role = _PERSON_ANAPHOR.match(phrase)
    if role:
        person = _antecedent_person(ctx, role.group(1).lower(), start)
        if person is not None:
            return Speaker(person, "named", person, start, written)
    definite = _DEFINITE_NOUN.match(phrase)
    if definite:
        earlier = _antecedent_descriptor(ctx, definite.group(1).lower(), start)
        if earlier:
            # "the statement" after "a separate statement issued by ...": still a text
            return Speaker(earlier, kind_of_description(head_word(earlier)), None, start, written)
    article = _LEADING_ARTICLE.match(phrase)
    if article and article.end() < len(phrase):
        phrase = phrase[article.end() :]
    return Speaker(phrase, kind_of_description(head_word(phrase)), None, start, written)


def _antecedent_descriptor(ctx: QuoteContext, noun: str, position: int) -> str | None:
    """ "the official" / "the farmer": the fuller description the article gave that speaker
    first ("a senior official at the Ministry of ...", "a farmer who lives near the plant"),
    from an earlier quote's speaker or an indefinite noun phrase with the same head."""
    for pos, name in reversed(ctx.descriptors):
        if pos < position and head_word(name) == noun and " " in name:
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
        if phrase and phrase.lower() != noun and len(WORD.findall(phrase)) <= MAX_SPEAKER_WORDS:
            return phrase
        return None
    return None


def head_word(descriptor: str) -> str:
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


def _antecedent_person(ctx: QuoteContext, noun: str, position: int) -> str | None:
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


def _antecedent_org(ctx: QuoteContext, noun: str, position: int) -> str | None:
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


def is_person(ctx: QuoteContext, speaker: Speaker) -> bool:
    entity = next((m for m in ctx.entities if m.start_char == speaker.position), None)
    return speaker.kind == "named" and (entity is None or entity.label != "ORG")
