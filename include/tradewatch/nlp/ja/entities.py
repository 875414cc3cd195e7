"""Entities of a Japanese article, in the project's labels and canonical names.

ginza's 189 labels (Extended Named Entity hierarchy) map onto PERSON, ORG, GPE, LOC and
NORP; the rest (positions, dates, products, food...) are dropped. Names the gazetteer
knows carry its English canonical, so 経済産業省 and 경제산업성 count as one entity with
"Ministry of Economy, Trade and Industry". A person the gazetteer does not know keeps the
name as written; a later mention by surname (西村氏, 岸田首相) resolves to the full name
the article gave first. ginza often cuts a name at the family name (西村 of 西村康稔) or
keeps its title (菅官房長官): the given name is added back and the title stripped, and
kept in ``title``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from tradewatch.models import EntityMention
from tradewatch.nlp.gazetteer import Gazetteer
from tradewatch.nlp.ja.model import FOREIGN_BEFORE

__all__ = ["LABELS", "ORG_ENDINGS", "TITLES", "extract_entities"]

LABELS = {
    "Person": "PERSON",
    "Company": "ORG",
    "Company_Group": "ORG",
    "Corporation_Other": "ORG",
    "Government": "ORG",
    "International_Organization": "ORG",
    "Political_Organization_Other": "ORG",
    "Political_Party": "ORG",
    "Organization_Other": "ORG",
    "Public_Institution": "ORG",
    "Research_Institute": "ORG",
    "Military": "ORG",
    "Cabinet": "ORG",
    "Newspaper": "ORG",
    "Pro_Sports_Organization": "ORG",
    "Sports_Organization_Other": "ORG",
    "Show_Organization": "ORG",
    "Country": "GPE",
    "Province": "GPE",
    "City": "GPE",
    "County": "GPE",
    "GPE_Other": "GPE",
    "GPE": "GPE",
    "Location_Other": "LOC",
    "Region_Other": "LOC",
    "Continental_Region": "LOC",
    "Domestic_Region": "LOC",
    "Island": "LOC",
    "Sea": "LOC",
    "Nationality": "NORP",
    "Ethnic_Group_Other": "NORP",
}
# Titles written after a name: 西村康稔経済産業大臣, 岸田首相, 菅官房長官, 西村氏.
TITLES = re.compile(
    r"(?:経済産業大臣|経済産業相|経産相|外務大臣|外相|財務大臣|財務相|官房長官|総理大臣|首相|"
    r"大統領|大臣|長官|次官|局長|審議官|大使|知事|市長|議員|代表|幹事長|総裁|委員長|議長|"
    r"社長|会長|副社長|専務|常務|取締役|理事長|所長|報道官|担当者|選手|投手|監督|騎手|"
    r"氏|さん|容疑者|被告)$"
)
# A name ending in one of these is an organisation (川崎重工業, 名古屋大学, 十条製紙),
# whatever ginza called it (a facility, a school, a city).
ORG_ENDINGS = re.compile(
    r"(?:株式会社|有限会社|ホールディングス|グループ|銀行|証券|保険|工業|重工業|電機|電気|電力|"
    r"電工|化学|化成|製作所|製紙|製鉄|製薬|自動車|汽車|商事|物産|新聞|新聞社|通信|通信社|放送|"
    r"航空|鉄道|建設|集団|財団|機構|協会|連盟|連合会|委員会|大学|学院|省|庁|党|社)$"
)
# Titles anyone may carry: a surname with one of them is not a particular official.
_PLAIN_TITLES = frozenset(
    {"氏", "さん", "容疑者", "被告", "担当者", "代表", "選手", "投手", "監督", "騎手"}
)
# 日韓, 韓日: "Japan-Korea", a relation, not a place.
_PAIRS = frozenset({"日韓", "韓日", "日韓両国"})
_GIVEN_NAME = "名詞-固有名詞-人名-名"
_SURNAME = "名詞-固有名詞-人名-姓"
_PERSON_NAME = "名詞-固有名詞-人名"
_NAME_DOT = frozenset({"・", "＝"})


def extract_entities(
    doc: Doc, gazetteer: Gazetteer, surnames: dict[str, set[str]]
) -> list[EntityMention]:
    """The doc's entities in text order, each with its canonical name; ``surnames`` maps
    the gazetteer's Japanese family names to their people (``model.person_surnames``)."""
    mentions: list[EntityMention] = []
    people: list[tuple[str, str]] = []  # (full name as written, canonical), in text order
    for ent in doc.ents:
        label = _label(ent)
        if label is None:
            continue
        if ent.ent_id_:  # the gazetteer's: its canonical
            mentions.append(_mention(ent, label, ent.ent_id_))
            if label == "PERSON":
                people.append((ent.text, ent.ent_id_))
            continue
        if label == "PERSON":
            mention = _person(doc, ent.start, ent.end, gazetteer, people, surnames)
            if mention is not None:
                mentions.append(mention)
            continue
        text = ent.text.strip()
        if text in _PAIRS:
            continue
        foreign = label == "ORG" and FOREIGN_BEFORE.search(
            doc.text, max(0, ent.start_char - 5), ent.start_char
        )
        known = None if foreign else gazetteer.lookup(text)
        mentions.append(_mention(ent, label, known.canonical if known else text))
    mentions += _titled_surnames(doc, mentions, gazetteer, people, surnames)
    return _organisations(doc, sorted(mentions, key=lambda m: m.start_char))


def _organisations(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """Names ending in an organisation word, as ORG: one proper-noun token (東京電力), a
    proper noun and the word (十条|製紙), or 株式会社 and a name. They replace what ginza
    made of their parts (十条 as a city); the gazetteer's names stay."""
    found: list[EntityMention] = []
    i = 0
    while i < len(doc):
        token = doc[i]
        proper = "固有名詞" in token.tag_ and "人名" not in token.tag_
        after = doc[i + 1] if i + 1 < len(doc) else None
        end = None
        if proper and ORG_ENDINGS.search(token.text) and len(token.text) > 2:
            end = i + 1
        elif after is not None and (
            (proper and ORG_ENDINGS.fullmatch(after.text))
            or (token.text == "株式会社" and "固有名詞" in after.tag_)
        ):
            end = i + 2
        if end is None:
            i += 1
            continue
        span = doc[i:end]
        found.append(_mention(span, "ORG", span.text))
        i = end
    if not found:
        return mentions
    kept = [
        m
        for m in mentions
        if m.canonical != m.text  # the gazetteer's (or a resolved name): keep
        or not any(f.start_char < m.end_char and m.start_char < f.end_char for f in found)
    ]
    taken = [m for m in kept if m.canonical != m.text]
    found = [
        f
        for f in found
        if not any(t.start_char < f.end_char and f.start_char < t.end_char for t in taken)
    ]
    return sorted(kept + found, key=lambda m: m.start_char)


def _label(ent: Span) -> str | None:
    if ent.ent_id_:
        return ent.label_
    return LABELS.get(ent.label_)


def _mention(ent: Span, label: str, canonical: str, title: str | None = None) -> EntityMention:
    return EntityMention(
        text=ent.text,
        label=label,
        canonical=canonical,
        start_char=ent.start_char,
        end_char=ent.end_char,
        title=title,
    )


def _titled_surnames(
    doc: Doc,
    mentions: list[EntityMention],
    gazetteer: Gazetteer,
    people: list[tuple[str, str]],
    surnames: dict[str, set[str]],
) -> list[EntityMention]:
    """Family names followed by a given name or a title that ginza did not take for a
    person (it calls 世耕経済産業大臣 a position)."""
    found = []
    for token in doc:
        if token.tag_ != _SURNAME or token.i + 1 >= len(doc):
            continue
        if any(m.start_char <= token.idx < m.end_char for m in mentions if m.label == "PERSON"):
            continue
        after = doc[token.i + 1]
        if after.tag_ == _GIVEN_NAME or TITLES.search(after.text):
            mention = _person(doc, token.i, token.i + 1, gazetteer, people, surnames)
            if mention is not None:
                found.append(mention)
    return found


def _person(
    doc: Doc,
    start: int,
    end: int,
    gazetteer: Gazetteer,
    people: list[tuple[str, str]],
    surnames: dict[str, set[str]],
) -> EntityMention | None:
    """A person's span with the given name added back and a title moved to ``title``."""
    # 西村|康稔: the given name ginza left out; ノ|・|ジファン: a name written with a dot.
    while end < len(doc) and (
        doc[end].tag_ == _GIVEN_NAME
        or (
            doc[end].text in _NAME_DOT
            and end + 1 < len(doc)
            and doc[end + 1].tag_.startswith(_PERSON_NAME)
        )
    ):
        end += 2 if doc[end].text in _NAME_DOT else 1
    title = None
    while end - start > 1 and TITLES.search(doc[end - 1].text):
        title = doc[end - 1].text if title is None else doc[end - 1].text + title
        end -= 1
    if end < len(doc) and TITLES.search(doc[end].text) and title is None:
        title = doc[end].text
    name = doc[start:end].text
    if not name or TITLES.fullmatch(name):
        return None
    known = gazetteer.lookup(name)
    if known is not None:
        canonical = known.canonical
        people.append((name, canonical))
    else:
        earlier = (c for written, c in people if written != name and written.startswith(name))
        official = title is not None and title not in _PLAIN_TITLES
        official_name = surnames.get(name, set()) if official else set()
        canonical = next(earlier, None) or (
            next(iter(official_name)) if len(official_name) == 1 else None
        )
        if canonical is None:
            canonical = name
            people.append((name, name))
    span = doc[start:end]
    return EntityMention(
        text=span.text,
        label="PERSON",
        canonical=canonical,
        start_char=span.start_char,
        end_char=span.end_char,
        title=title,
    )
