"""What kind of source a speaker phrase names: a person, an organisation, a document, media.

Analysts sort quotes by who said them, and "the ministry", "a Homeland Security memo" and
"The New York Times" are not people: calling them "named" or "descriptor" would mix
institutions and texts into the people counts. The kind of a described source is read off
the head noun of its phrase; a named one off its entity label and the gazetteer (entries
with ``kind: media``), with outlet-like name words ("Times", "Herald") for outlets the
gazetteer does not list.
"""

from __future__ import annotations

import re

from tradewatch.models import SpeakerKind
from tradewatch.nlp.gazetteer import Gazetteer

__all__ = [
    "DOCUMENT_NOUNS",
    "MEDIA_NOUNS",
    "ORGANISATION_NOUNS",
    "PERSON_NOUNS",
    "kind_of_description",
    "kind_of_name",
]

ORGANISATION_NOUNS = frozenset(
    {"ministry", "agency", "office", "association", "federation", "bank", "court", "service"}
    | {"organization", "organisation", "commission", "council", "chamber", "assembly"}
    | {"company", "firm", "chipmaker", "carmaker", "automaker", "manufacturer", "group"}
    | {"maker", "government", "administration", "department", "campaign", "committee"}
    | {"party", "union", "foundation", "institute", "university", "parliament", "congress"}
    | {"senate", "cabinet", "embassy", "consulate", "mission", "board", "authority"}
    | {"regulator", "watchdog", "police", "military", "army", "navy", "lobby", "coalition"}
    | {"alliance", "corporation", "conglomerate", "supplier", "producer", "exporter"}
    | {"importer", "retailer", "operator", "bureau", "secretariat", "tribunal", "panel"}
    | {"prosecution", "prosecutors", "team", "club", "league", "pac", "caucus", "house"}
    | {"kremlin", "pentagon", "presidency", "state", "city", "county", "country", "nation"}
)
DOCUMENT_NOUNS = frozenset(
    {"statement", "report", "letter", "memo", "memorandum", "email", "e-mail", "cable"}
    | {"ad", "advertisement", "editorial", "filing", "petition", "ruling", "resolution"}
    | {"tweet", "post", "transcript", "release", "sign", "message", "bill", "document"}
    | {"note", "notice", "complaint", "lawsuit", "suit", "indictment", "decision", "opinion"}
    | {"study", "survey", "poll", "analysis", "book", "article", "column", "op-ed", "blog"}
    | {"video", "spot", "commercial", "flyer", "leaflet", "brochure", "guideline"}
    | {"guidelines", "proposal", "text", "agreement", "contract", "clause", "law", "order"}
    | {"declaration", "communique", "script", "caption", "headline", "banner", "placard"}
    | {"website", "page", "paper", "white paper", "briefing", "directive", "notification"}
    | {"verdict", "judgment", "judgement", "motion", "complaint", "policy", "platform"}
    | {"footnote", "appendix", "annex", "preamble", "passage", "excerpt"}
)
MEDIA_NOUNS = frozenset(
    {"newspaper", "daily", "weekly", "outlet", "network", "broadcaster", "magazine"}
    | {"publication", "station", "tabloid", "wire", "channel", "newswire", "newsletter"}
)
# Heads of described people ("a senior official", "industry sources", "the farmer").
PERSON_NOUNS = frozenset(
    {"official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson"}
    | {"analyst", "analysts", "expert", "experts", "executive", "executives", "diplomat"}
    | {"diplomats", "minister", "lawmaker", "lawmakers", "economist", "economists"}
    | {"researcher", "researchers", "professor", "president", "chairman", "chairwoman"}
    | {"ceo", "head", "director", "insider", "insiders", "aide", "aides", "adviser"}
    | {"advisers", "advisor", "advisors", "staffer", "staffers", "lawyer", "lawyers"}
    | {"attorney", "attorneys", "candidate", "senator", "governor", "mayor", "leader"}
    | {"leaders", "member", "members", "resident", "residents", "worker", "workers"}
    | {"employee", "employees", "voter", "voters", "supporter", "supporters", "critic"}
    | {"critics", "person", "people", "man", "woman", "men", "women", "farmer", "owner"}
    | {"manager", "founder", "chief", "secretary", "ambassador", "envoy", "negotiator"}
    | {"representative", "representatives", "delegate", "delegates", "veteran", "activist"}
    | {"activists", "observer", "observers", "trader", "traders", "dealer", "dealers"}
    | {"strategist", "strategists", "consultant", "consultants", "operative", "nominee"}
    | {"host", "moderator", "reporter", "journalist", "columnist", "writer", "author"}
    | {"commentator", "pollster", "scholar", "historian", "judge", "prosecutor", "witness"}
    | {"student", "students", "parent", "parents", "mother", "father", "wife", "husband"}
    | {"son", "daughter", "friend", "neighbor", "neighbour", "colleague", "partner"}
    | {"plaintiff", "plaintiffs", "victim", "victims", "survivor", "survivors", "officer"}
    | {"officers", "soldier", "soldiers", "doctor", "doctors", "engineer", "engineers"}
    | {"chair", "vice", "deputy", "commissioner", "administrator", "coordinator", "fellow"}
    | {"protester", "protesters", "demonstrator", "demonstrators", "shopper", "shoppers"}
    | {"consumer", "consumers", "customer", "customers", "user", "users", "someone", "one"}
    | {"crowd", "audience", "fans", "public", "jury", "electorate", "citizens", "americans"}
    | {"questioner", "questioners", "interviewer", "caller", "callers", "graduate", "cleric"}
    | {"brother", "sister", "nephew", "niece", "cousin", "uncle", "aunt", "constituent"}
    | {"constituents", "pastor", "priest", "bishop", "imam", "rabbi", "impostor", "comedian"}
    | {"two", "three", "four", "both"}
)
_MEDIA_NAME = re.compile(
    r"\b(?:Times|Post|Journal|News|Herald|Tribune|Gazette|Daily|Press|Shimbun|Ilbo|Sun|"
    r"Reuters|Bloomberg|CNN|MSNBC|CNBC|NBC|ABC|CBS|Fox|NPR|PBS|BBC|AFP|UPI|NHK|KBS|MBC|"
    r"SBS|Yonhap|Kyodo|Jiji|Nikkei|Xinhua|Politico|POLITICO|Axios|Breitbart|HuffPost|"
    r"Newsweek|Magazine|Radio|Television|Broadcasting|TV)\b"
)


def kind_of_description(head: str) -> SpeakerKind:
    """The kind of a described source from the head noun of its phrase."""
    word = head.casefold()
    if word in MEDIA_NOUNS:
        return "media"
    if word in DOCUMENT_NOUNS:
        return "document"
    if word in ORGANISATION_NOUNS:
        return "organisation"
    return "descriptor"


def kind_of_name(name: str, label: str, gazetteer: Gazetteer) -> SpeakerKind:
    """The kind of a named source from its entity label (ORG, GPE...) and name."""
    entry = gazetteer.lookup(name)
    if label == "PERSON" or (entry is not None and entry.label == "PERSON"):
        return "named"
    if label == "NORP":
        return "descriptor"
    if entry is not None and entry.kind == "media":
        return "media"
    if label == "ORG" and _MEDIA_NAME.search(name):
        return "media"
    return "organisation"
