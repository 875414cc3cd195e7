"""Gazetteer loading and entity canonicalisation.

Analysts count mentions per canonical name, so every alias ("METI", "Japan's trade ministry")
must land on one canonical string, and a bare surname ("Seko") must land on the full name
the article introduced earlier. The gazetteer is plain YAML so analysts can extend it
without touching code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc, Span, Token

from tradewatch.models import EntityMention
from tradewatch.nlp.doc_text import doc_text
from tradewatch.nlp.gazetteer import (
    Gazetteer,
    load_gazetteer,
)

__all__ = [
    "DOMAIN_LABELS",
    "KEPT_LABELS",
    "clean_span",
    "extract_entities",
    "resolve_person",
    "ruler_patterns",
    "strip_titles",
]

logger = logging.getLogger(__name__)

DOMAIN_LABELS = frozenset({"MATERIAL", "POLICY"})
KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"}) | DOMAIN_LABELS

_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_EDGE_JUNK = " \t\r\n,;:.\"“”‘’'()-—"
_PERSON_TITLE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep)\.?|President|Prime|Premier|Minister|Vice|Deputy|"
    r"Trade|Foreign|Industry|Economy|Finance|Chief|Cabinet|Secretary|Chairman|Chairwoman|CEO|"
    r"Ambassador|Spokesman|Spokeswoman|Spokesperson|Director|General|Commissioner)\s+"
)
# NER often stops Korean names at the hyphen of the given name ("Moon Jae" of "Moon Jae-in").
_HYPHEN_TAIL = re.compile(r"-[a-z]+\b")
_NAME_SPLIT = re.compile(r"[\s]+")


def ruler_patterns(gazetteer: Gazetteer, tokenize: Any) -> list[dict[str, Any]]:
    """EntityRuler patterns; ``tokenize`` is ``nlp.tokenizer`` so tokens line up.

    Plain aliases become phrase patterns (fast; the ruler matches them on the LOWER
    attribute). All-caps aliases (JSR, TOK, ROK) become case-sensitive token patterns so
    "tok" or "us" never fire, and ``noun_aliases`` token patterns that require a NOUN tag.
    """
    patterns: list[dict[str, Any]] = []
    for entry in gazetteer.entries:
        surfaces = [(s, False) for s in (entry.canonical, *entry.aliases)]
        surfaces += [(s, True) for s in entry.noun_aliases]
        for surface, noun_only in surfaces:
            exact = surface.isupper() or any(ch.isdigit() for ch in surface)
            pattern: str | list[dict[str, Any]] = surface
            if exact or noun_only:
                pattern = []
                for tok in tokenize(surface):
                    attrs: dict[str, Any] = {"ORTH": tok.text} if exact else {"LOWER": tok.lower_}
                    if noun_only:
                        attrs["POS"] = "NOUN"
                    pattern.append(attrs)
            if pattern:
                patterns.append({"label": entry.label, "pattern": pattern, "id": entry.canonical})
    # Public bodies named by a capitalised run ending in an institution word ("Foreign
    # Ministry", "Seoul High Court", "Japanese Embassy"); gazetteer names are longer or equal
    # and win. Canonicals come from _clean (nationality prefix for bare ministries).
    for head in _INSTITUTION_WORDS:
        patterns.append(
            {
                "label": "ORG",
                "pattern": [
                    {"IS_TITLE": True, "OP": "+", "LOWER": {"NOT_IN": ["the", "a", "an"]}},
                    {"ORTH": head},
                ],
            }
        )
    # Korean names: a common family name, then a hyphenated given name ("Choi Do-yeon"); the
    # small models often miss or mislabel them as ORG.
    patterns.append(
        {
            "label": "PERSON",
            "pattern": [
                {"ORTH": {"IN": sorted(_KOREAN_SURNAMES)}},
                {"TEXT": {"REGEX": r"^[A-Z][a-z]{0,5}$"}},
                {"ORTH": "-"},
                {"TEXT": {"REGEX": r"^[a-z]{1,6}$"}},
            ],
        }
    )
    return patterns


_KOREAN_SURNAMES = frozenset(
    [
        "Kim",
        "Lee",
        "Park",
        "Choi",
        "Jung",
        "Jeong",
        "Chung",
        "Kang",
        "Cho",
        "Jo",
        "Yoon",
        "Yun",
        "Jang",
        "Chang",
        "Lim",
        "Im",
        "Han",
        "Oh",
        "Seo",
        "Suh",
        "Shin",
        "Kwon",
        "Hwang",
        "Ahn",
        "An",
        "Song",
        "Yoo",
        "Yu",
        "Ryu",
        "Hong",
        "Jeon",
        "Chun",
        "Ko",
        "Go",
        "Moon",
        "Mun",
        "Yang",
        "Son",
        "Bae",
        "Baek",
        "Paik",
        "Heo",
        "Huh",
        "Nam",
        "Noh",
        "Roh",
        "Ha",
        "Kwak",
        "Sung",
        "Seong",
        "Cha",
        "Joo",
        "Ju",
        "Woo",
        "Koo",
        "Ku",
        "Min",
        "Na",
        "Jin",
        "Ji",
        "Yeo",
        "Choo",
        "Chey",
        "Yi",
        "Rhee",
        "Um",
        "Eom",
        "Chae",
        "Won",
        "Pyo",
        "Byun",
        "Do",
        "Gil",
        "Ma",
        "Pyeon",
        "Tak",
        "Ban",
        "Kong",
        "Hyun",
        "Bang",
        "Uhm",
        "Kil",
        "Seol",
        "Sohn",
        "Yeom",
        "Ok",
        "Jae",
        "Kye",
        "Maeng",
        "Cheon",
    ]
)
_INSTITUTION_WORDS = ("Ministry", "Court", "Embassy", "Consulate", "Agency", "Commission")


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim junk, a leading "the" and a possessive "'s" from ``text[start:end]``."""
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    m = _LEADING_THE.match(text[start:end])
    if m and m.end() < end - start:
        start += m.end()
    m = _TRAILING_POSSESSIVE.search(text[start:end])
    if m and m.start() > 0:
        end = start + m.start()
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    return start, end


def strip_titles(name: str) -> str:
    """Drop leading titles: "Trade Minister Hiroshige Seko" -> "Hiroshige Seko"."""
    while True:
        shorter = _PERSON_TITLE.sub("", name, count=1)
        if shorter == name or not shorter.strip():
            return name.strip()
        name = shorter


def resolve_person(name: str, full_names: Sequence[str]) -> str:
    """Map a short form ("Seko", "Mr. Seko") to the latest full name containing it."""
    short = strip_titles(name)
    parts = _NAME_SPLIT.split(short)
    if len(parts) != 1:
        if parts[0].islower():  # "von Dassel" -> "Stephan von Dassel"
            for full in reversed(full_names):
                if full.endswith(" " + short):
                    return full
        return short
    for full in reversed(full_names):
        if short in _NAME_SPLIT.split(full):
            return full
    return short


def extract_entities(doc: Doc, gazetteer: Gazetteer | None = None) -> list[EntityMention]:
    """Entity mentions with canonical names, in text order, from a processed ``doc``.

    Ruler-made spans carry their canonical in ``ent_id_``; NER spans are looked up in the
    gazetteer, and single-word PERSON mentions are resolved against the article's full names
    (first pass collects full names so a surname before the full name still resolves), then
    against the gazetteer's people. Small-model noise is filtered (see ``_is_noise``) and
    PERSON mentions get the title or affiliation the article gives next to them.
    """
    gaz = gazetteer or load_gazetteer()
    text = doc_text(doc)
    spans = _merge_adjacent(doc)
    cleaned = [m for m in (_clean(ent, text, gaz) for ent in spans if not _is_noise(ent, gaz)) if m]
    bylines = [(m.start_char, m.end_char) for m in cleaned if _in_byline(m, text)]
    cleaned = [m for m in cleaned if (m.start_char, m.end_char) not in bylines]
    named = [
        (m.canonical, m.start_char) for m in cleaned if m.label == "PERSON" and " " in m.canonical
    ]
    full_names = [name for name, _ in named]
    for mention in cleaned:
        if " " in mention.canonical:
            continue
        if mention.label == "PERSON":
            earlier = [name for name, start in named if start < mention.start_char]
            mention.canonical = resolve_person(mention.canonical, earlier or full_names)
            if " " not in mention.canonical:
                mention.canonical = _known_person(gaz, mention.canonical) or mention.canonical
        elif mention.label in {"ORG", "GPE", "NORP"} and gaz.lookup(mention.text) is None:
            resolved = resolve_person(mention.text, full_names)
            if resolved != mention.text:
                mention.label, mention.canonical = "PERSON", resolved
    _resolve_short_orgs(cleaned)
    taken = [(m.start_char, m.end_char) for m in cleaned] + bylines
    taken += [(e.start_char, e.end_char) for e in doc.ents]
    cleaned.extend(_surname_mentions(text, taken, named))
    cleaned = [m for m in cleaned if not _stray_single_name(m, doc)]
    for mention in cleaned:
        if mention.label == "PERSON":
            mention.title = person_title(doc, mention.start_char, mention.end_char)
    return sorted(cleaned, key=lambda m: m.start_char)


def _resolve_short_orgs(mentions: list[EntityMention]) -> None:
    """A one-word company name ("Samsung") means the longer name the article uses that
    starts with it ("Samsung Electronics"); the first such name mentioned wins."""
    longer = [m.canonical for m in mentions if m.label == "ORG" and " " in m.canonical]
    for m in mentions:
        if m.label != "ORG" or " " in m.canonical or m.canonical.isupper():
            continue
        fits = [name for name in longer if name.split()[0] == m.canonical]
        if fits:
            m.canonical = fits[0]


# A wire dateline's credit: "SEOUL, Aug. 14 (Yonhap) --" names the agency, like a byline.
_DATELINE_CREDIT = re.compile(r"(?m)^[^\n]{0,60}?\(([^()\n]{2,40})\)\s*(?:--|—|–|-)")
_ABBREV_END = frozenset({"Corp", "Co", "Inc", "Ltd", "Bros", "Cos"})


# --- noise filters ---------------------------------------------------------------------------

# Capitalised common nouns the small models tag as ORG on their own ("the Cabinet approved").
_GENERIC_ORG_WORDS = frozenset(
    [
        "cabinet",
        "government",
        "parliament",
        "diet",
        "congress",
        "senate",
        "assembly",
        "court",
        "ministry",
        "ministries",
        "office",
        "presidency",
        "administration",
        "opposition",
        "party",
        "council",
        "committee",
        "commission",
        "board",
        "trade",
        "industry",
        "economy",
        "energy",
        "finance",
        "commerce",
        "affairs",
        "foreign",
        "customs",
        "police",
        "military",
        "treasury",
        "state",
        "agency",
        "bureau",
        "secretariat",
        "embassy",
        "consulate",
    ]
)
# Title heads: an ORG name directly before one of these is a portfolio inside a title
# ("Economy, Trade and Industry Minister X"), not a mention of the ministry.
_PORTFOLIO_HEADS = frozenset({"minister", "ministers", "secretary", "vice-minister"})


def _merge_adjacent(doc: Doc) -> list[Span]:
    """Grow a place or nationality into the organisation name it starts ("Korea" of "Korea
    Customs Service", "Japan" + "Investment Corp"): the gazetteer matches "Korea" first and
    the NER then only sees the rest. The capitalised run after it must end in an
    organisation head word; a possessive ("Japan's Cabinet") blocks the merge."""
    ents = list(doc.ents)
    out: list[Span] = []
    skip_until = -1
    for ent in ents:
        if ent.start < skip_until:
            continue
        if ent.label_ in {"GPE", "NORP"} and doc[ent.end - 1].text not in {"'s", "’s"}:
            end = _org_run_end(doc, ent.end)
            if end is not None:
                out = [o for o in out if o.end <= ent.start]
                out.append(Span(doc, ent.start, end, label="ORG"))
                skip_until = end
                continue
        out.append(ent)
    return out


def _org_run_end(doc: Doc, i: int) -> int | None:
    """End of a capitalised name run starting at token ``i`` that ends in an org head word."""
    last_head = None
    j = i
    while j < len(doc):
        tok = doc[j]
        if tok.is_title or (tok.text.isupper() and tok.is_alpha):
            if tok.lower_.rstrip(".") in _ORG_HEADS:
                last_head = j + 1
            j += 1
            continue
        if tok.text == "." and j > i and doc[j - 1].lower_ in _ORG_HEADS:
            j += 1
            continue
        if tok.lower_ in {"for", "of", "and", "&"} and j + 1 < len(doc) and doc[j + 1].is_title:
            j += 1
            continue
        break
    # "Korea Institute for Industrial Economics and Trade": a head word followed by
    # "for"/"of" and more capitalised words names the whole run.
    if last_head is not None and last_head < j and doc[last_head].lower_ in {"for", "of"}:
        end = j
        while end > last_head and doc[end - 1].lower_ in {"for", "of", "and", "&"}:
            end -= 1
        return end
    return last_head


_ORG_HEADS = frozenset(
    {"service", "institute", "association", "agency", "corporation", "corp", "co", "inc"}
    | {"ltd", "bank", "council", "federation", "chamber", "foundation", "commission", "office"}
    | {"group", "industries", "university", "center", "centre", "organization", "society"}
    | {"organisation", "company", "holdings", "authority", "board", "union", "fund"}
    | {"court", "ministry", "embassy", "exchange", "securities", "department", "bureau"}
)


def _is_noise(ent: Span, gaz: Gazetteer) -> bool:
    """Small-model mistakes that general rules can catch."""
    label = ent.label_
    if label not in KEPT_LABELS:
        return True
    words = [t for t in ent if not t.is_punct]
    if not words:
        return True
    if label in {"ORG", "PERSON", "GPE", "LOC", "NORP"} and all(
        t.like_num or t.is_digit or not any(ch.isalpha() for ch in t.text) for t in words
    ):
        return True
    if label != "ORG":
        return False
    doc = ent.doc
    for credit in _DATELINE_CREDIT.finditer(doc_text(doc), 0, min(len(doc_text(doc)), 400)):
        if credit.start(1) <= ent.start_char and ent.end_char <= credit.end(1):
            return True
    line_start = doc_text(doc).rfind("\n", 0, ent.start_char) + 1
    line_end = doc_text(doc).find("\n", ent.end_char)
    line = doc_text(doc)[line_start : line_end if line_end != -1 else len(doc_text(doc))].strip()
    if line.startswith("(") and line.endswith(")") and len(line) <= len(ent.text) + 30:
        return True  # a credit line such as "(Yonhap)" or "(Mainichi Japan)"
    if ent.text in _defined_abbreviations(doc):
        return True
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    if (
        len(words) == 1
        and words[0].text.isupper()
        and before is not None
        and after is not None
        and before.text == "("
        and after.text == ")"
        and ent.start > 1
        and doc[ent.start - 2].is_lower
        and gaz.lookup(words[0].text) is None
    ):
        return True  # "extreme ultraviolet (EUV)": an abbreviation of a common noun
    following = after
    if following is not None and following.lower_ in _PORTFOLIO_HEADS:
        return True
    if ent.ent_id_:
        return False
    if len(words) == 1 and words[0].lower_ in _GENERIC_ORG_WORDS:
        return True
    if len(words) == 1:
        tok = words[0]
        # An unknown acronym used as a modifier of a common noun ("EUV lithography").
        if (
            tok.text.isupper()
            and gaz.lookup(tok.text) is None
            and tok.dep_ in {"compound", "amod", "nmod", "appos"}
            and tok.head.pos_ == "NOUN"
            and tok.head.lower_ not in _ROLE_NOUNS
        ):
            return True
        if tok.dep_ == "appos" and tok.text.isupper() and tok.head.pos_ == "NOUN":
            return True
    return False


def _defined_abbreviations(doc: Doc) -> frozenset[str]:
    """Acronyms the article defines after lower-case words: "extreme ultraviolet (EUV)"
    names a technology, so "EUV" is never an organisation in that article."""
    cached = doc.user_data.get("tradewatch_abbreviations")
    if cached is None:
        found = {
            m.group(2)
            for m in _ABBREV_DEFINITION.finditer(doc_text(doc))
            if m.group(1).split()[-1].islower()
        }
        cached = frozenset(found)
        doc.user_data["tradewatch_abbreviations"] = cached
    return cached


_ABBREV_DEFINITION = re.compile(r"\b([a-z][a-z-]+(?: [a-z][a-z-]+){0,4}) \(([A-Z]{2,6})\)")


# "By Kim Soo-yeon", "(Reporting by Sakura Murakami; Editing by ...)", "Kim Eun-jung
# (ejkim@yna.co.kr)": the writers of the story are not people named in it.
_BYLINE_LINE = re.compile(r"^\s*(?:By|BY|Written by|Reported by)\s+[^\n]{0,80}$")
_CREDIT_BEFORE = re.compile(
    r"(?:Reporting|Writing|Editing|Additional reporting|Compiled|Edited|Written)\s+by\s+"
    r"(?:[^;()\n]{0,60}(?:,|\band)\s+)?$",
    re.IGNORECASE,
)
_EMAIL_AFTER = re.compile(r"\s*[(\[<]?\s*[\w.+-]+@[\w-]+\.[\w.]+")


def _in_byline(m: EntityMention, text: str) -> bool:
    if m.label != "PERSON":
        return False
    line_start = text.rfind("\n", 0, m.start_char) + 1
    line_end = text.find("\n", m.end_char)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    if _BYLINE_LINE.match(line):
        return True
    if _CREDIT_BEFORE.search(text, max(line_start, m.start_char - 120), m.start_char):
        return True
    return bool(_EMAIL_AFTER.match(text, m.end_char))


def _stray_single_name(m: EntityMention, doc: Doc) -> bool:
    """A one-word PERSON that no full name in the article (or the gazetteer) explains is
    usually a mislabelled word ("Scallop producers", "Autos and auto parts", "a plant in
    Ansan"); it stays only when a title or honorific stands before it or it is the subject
    of a speech verb ("Kishida said")."""
    if m.label != "PERSON" or " " in m.canonical:
        return False
    span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and (
        before.lower_ in _TITLE_HEADS or _HONORIFIC.match(before.text) or before.is_title
    ):
        return False
    return not (root.dep_ in {"nsubj", "nsubjpass"} and root.head.lemma_ in _SPEECH_LEMMAS)


_SPEECH_LEMMAS = frozenset(
    {"say", "tell", "add", "note", "ask", "stress", "warn", "argue", "explain", "insist"}
)


def _known_person(gaz: Gazetteer, short: str) -> str | None:
    """The gazetteer person a bare surname/given name means, when exactly one fits."""
    fits = [
        e.canonical
        for e in gaz.entries
        if e.label == "PERSON" and short in (e.canonical.split()[0], e.canonical.split()[-1])
    ]
    return fits[0] if len(fits) == 1 else None


# --- titles ----------------------------------------------------------------------------------

_TITLE_HEADS = frozenset(
    [
        "minister",
        "ministers",
        "president",
        "vice-president",
        "premier",
        "secretary",
        "chairman",
        "chairwoman",
        "chairperson",
        "chair",
        "ceo",
        "cfo",
        "coo",
        "cto",
        "head",
        "chief",
        "director",
        "director-general",
        "governor",
        "ambassador",
        "envoy",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "commissioner",
        "representative",
        "leader",
        "lawmaker",
        "senator",
        "mayor",
        "professor",
        "researcher",
        "analyst",
        "economist",
        "official",
        "officer",
        "executive",
        "manager",
        "founder",
        "fellow",
        "adviser",
        "advisor",
        "negotiator",
        "counselor",
        "counsellor",
        "diplomat",
        "deputy",
        "nominee",
        "member",
        "members",
        "vice",
        "prime",
        "emperor",
        "king",
        "queen",
        "judge",
        "justice",
        "attorney",
        "lawyer",
        "editor",
        "correspondent",
        "reporter",
        "partner",
        "strategist",
        "consultant",
        "engineer",
        "scientist",
        "dean",
        "administrator",
        "commander",
        "general",
        "chancellor",
        "aide",
    ]
)
_ROLE_NOUNS = _TITLE_HEADS | {"official", "officials", "spokesperson", "source", "sources"}
_TITLE_CONNECT = frozenset({"of", "and", "for", ",", "&", "-"})
_TITLE_STOP_LEFT = frozenset({"'s", "’s"})
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Dr|Prof)\.?$")


def person_title(doc: Doc, start: int, end: int) -> str | None:
    """The title or affiliation the text gives next to a person mention, or None:
    "Trade Minister Ahn Duk-geun" -> "Trade Minister"; "Kim Jong-hoon, a researcher at the
    Korea Institute ..." -> "researcher at the Korea Institute ..."."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    return _title_before(span) or _title_after(span)


def _title_before(span: Span) -> str | None:
    doc = span.doc
    i = span.start - 1
    first = None
    while i >= 0:
        tok = doc[i]
        if tok.text in _TITLE_STOP_LEFT or tok.ent_type_ in {"GPE", "NORP", "DATE", "PERSON"}:
            break
        if tok.is_sent_start and tok.lower_ not in _TITLE_HEADS and not tok.is_title:
            break
        if (
            tok.lower_ in _TITLE_HEADS
            or (tok.is_title and tok.pos_ in {"PROPN", "NOUN", "ADJ"})
            or (tok.text.isupper() and len(tok.text) > 1 and tok.pos_ in {"PROPN", "NOUN"})
        ):
            first = i
        elif tok.lower_ in _TITLE_CONNECT and first is not None:
            pass
        else:
            break
        if tok.is_sent_start:
            break
        i -= 1
    if first is None:
        return None
    words = doc[first : span.start]
    while len(words) and (words[0].lower_ in _TITLE_CONNECT or _HONORIFIC.match(words[0].text)):
        words = doc[words.start + 1 : words.end]
    if not len(words) or not any(t.lower_ in _TITLE_HEADS for t in words):
        return None
    if words[-1].lower_ in _TITLE_CONNECT:
        return None
    return words.text.strip() or None


def _title_after(span: Span) -> str | None:
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].text != ",":
        return None
    root = span.root
    appos = [c for c in root.children if c.dep_ == "appos" and c.i > span.end]
    head: Token | None = appos[0] if appos else None
    if head is None:
        nxt = doc[span.end + 1] if span.end + 1 < len(doc) else None
        if nxt is None or nxt.pos_ not in {"DET", "NOUN", "ADJ", "PROPN"}:
            return None
        head = nxt
        lo, hi = span.end + 1, span.end + 1
        while hi < len(doc) and doc[hi].text not in {",", ".", ";", "(", "\n", "\n\n"}:
            if doc[hi].lower_ in {"said", "says", "told", "who", "which"}:
                break
            hi += 1
        phrase = doc[lo:hi]
    else:
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        phrase = doc[lo:hi]
    if not len(phrase) or len(phrase) > 20:
        return None
    if not any(t.lower_ in _ROLE_NOUNS for t in phrase):
        return None
    # a relative clause or a second appositive is not part of the title
    cut = next((t.i for t in phrase if t.lower_ in {"who", "which", "that"}), None)
    if cut is not None:
        phrase = doc[lo:cut]
    text = phrase.text.strip(" ,;")
    text = re.sub(r"^(?:a|an|the)\s+", "", text, flags=re.IGNORECASE)
    return text or None


def _surname_mentions(
    text: str, taken: Sequence[tuple[int, int]], named: Sequence[tuple[str, int]]
) -> list[EntityMention]:
    """Bare surnames the statistical NER missed ("Seko denied...", "Seko said").

    Small models tag the full name on first mention but often miss the later short form,
    which is exactly the form quotes are attributed with. Only the first and last part of a
    full name count, not hyphenated given names, and only outside any existing entity span
    (so "Park" in "Olympic Park" stays a facility).
    """
    parts: dict[str, None] = {}
    for name, _ in named:
        words = name.split()
        for word in (words[0], words[-1]):
            if len(word) >= 3 and "-" not in word and word[0].isupper():
                parts.setdefault(word)
    if not parts:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, parts)) + r")\b(?![-'’]\w)")
    found: list[EntityMention] = []
    for m in pattern.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        earlier = [n for n, start in named if start < m.start()]
        canonical = resolve_person(m.group(0), earlier or [n for n, _ in named])
        found.append(
            EntityMention(
                text=m.group(0),
                label="PERSON",
                canonical=canonical,
                start_char=m.start(),
                end_char=m.end(),
            )
        )
    return found


# A ministry named by its portfolio only ("Foreign Ministry", "Commerce Ministry") is
# ambiguous; the country before it (or the dateline's) makes it one organisation.
_GENERIC_MINISTRY = re.compile(r"^(?:[A-Z][a-z]+\s+){1,2}Ministry$")
_NATIONALITY = {
    "south korea": "South Korean",
    "korea": "South Korean",
    "south korean": "South Korean",
    "korean": "South Korean",
    "seoul": "South Korean",
    "japan": "Japanese",
    "japanese": "Japanese",
    "tokyo": "Japanese",
    "china": "Chinese",
    "chinese": "Chinese",
    "beijing": "Chinese",
    "north korea": "North Korean",
    "north korean": "North Korean",
    "pyongyang": "North Korean",
    "taiwan": "Taiwanese",
    "taiwanese": "Taiwanese",
    "taipei": "Taiwanese",
}


def _nationality_before(ent: Span) -> str | None:
    """ "China's Commerce Ministry" / "the Japanese Foreign Ministry" -> the nationality."""
    doc = ent.doc
    i = ent.start - 1
    if i >= 0 and doc[i].text in {"'s", "’s"}:
        i -= 1
    if i < 0:
        return None
    j = i
    while j - 1 >= 0 and doc[j - 1].is_title and j > i - 2:
        j -= 1
    for k in range(j, i + 1):
        name = doc[k : i + 1].text.lower()
        if name in _NATIONALITY:
            return _NATIONALITY[name]
    return None


def _dateline_nationality(doc: Doc) -> str | None:
    m = re.match(r"\s*([A-Z][A-Z .'-]+),", doc_text(doc)[:200])
    return _NATIONALITY.get(m.group(1).strip().lower()) if m else None


# "Stephan von Dassel", "Ursula von der Leyen": the NER often drops the first name.
_NAME_PARTICLE_BEFORE = re.compile(
    r"\b([A-Z][a-z]+)\s+(?:von(?:\s+der)?|van(?:\s+der|\s+den)?|de|da|del|della|di|du|le|la|"
    r"bin|al)\s+$"
)
_NAME_PARTICLE_START = re.compile(r"^(?:von|van|de|da|del|della|di|du|bin|al)\s", re.IGNORECASE)


def _clean(ent: Span, text: str, gaz: Gazetteer) -> EntityMention | None:
    label = ent.label_
    if label not in KEPT_LABELS:
        return None
    start, end = clean_span(text, ent.start_char, ent.end_char)
    if start >= end:
        return None
    if label == "PERSON" and not ent.ent_id_:
        tail = _HYPHEN_TAIL.match(text, end)
        if tail:
            end = tail.end()
        # "Cheong Wa Dae spokeswoman Ko Min-jung" tagged whole: keep what follows the title
        inner = [t for t in ent if t.idx < end and (t.lower_ in _TITLE_HEADS or t.is_lower)]
        if inner and inner[-1].idx + len(inner[-1].text) < end:
            start = max(start, inner[-1].idx + len(inner[-1].text))
            while start < end and text[start] in " \t\n,":
                start += 1
        start = end - len(strip_titles(text[start:end]))
        particle = _NAME_PARTICLE_BEFORE.search(text, max(0, start - 40), start)
        if particle and particle.group(1).lower() not in _TITLE_HEADS:
            start = particle.start(1)
        elif _NAME_PARTICLE_START.match(text[start:end]):
            lead = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, start - 30) : start])
            if lead and lead.group(1).lower() not in _TITLE_HEADS:
                start -= len(lead.group(0))
    if label == "ORG" and text[end : end + 1] == "." and text[start:end].split()[-1] in _ABBREV_END:
        end += 1
    surface = text[start:end]
    canonical = ent.ent_id_ or ""
    entry = gaz.lookup(canonical) if canonical else gaz.lookup(surface)
    if entry is not None:
        label, canonical = entry.label, entry.canonical
    else:
        canonical = " ".join(surface.split())
    if label == "ORG" and _GENERIC_MINISTRY.match(surface):
        nationality = _nationality_before(ent) or _dateline_nationality(ent.doc)
        if nationality and surface.split()[0].lower() not in _NATIONALITY:
            canonical = f"{nationality} {' '.join(surface.split())}"
    if label == "PERSON" and surface.isupper() and " " not in surface:
        label = "ORG"  # "TEPCO": names are not written in capitals outside datelines
    if label == "PERSON" and surface.split()[-1].lower() in _ORG_HEADS | {"customs"}:
        label = "ORG"  # "Moji Customs", "Hyundai Group"
    return EntityMention(
        text=surface, label=label, canonical=canonical, start_char=start, end_char=end
    )
