"""Cheap, explainable relevance score for Korea-Japan trade news (regexes only, no spaCy).

One scoring for three languages: each language's signals are a :class:`Vocabulary`
(English here; Korean and Japanese in ``relevance_ko`` and ``relevance_ja``).

Runs on every fetched article before the expensive spaCy pass, so it must be fast and its
verdicts auditable: the result lists the phrases that earned the score and the penalties
that cut it. The score needs three things at once: a Korea signal, a Japan signal and a
trade signal, and it rewards sentences where Korea and Japan meet *with* trade vocabulary.
That is what separates the target stories from the near misses that share one or two of
those ingredients: Korea-US or Japan-China trade, US chip curbs on China, Korea-Japan
history rows (comfort women, Dokdo, Fukushima water), culture, sport and chip-price news.

Scoring, in order:

1. ``raw`` = topic weights (capped per topic, title hits x3) + 1.0 per sentence naming both
   Korea and Japan with trade words (title sentence x3; half if it also names a third
   country) + 0.15 per plain Korea-Japan sentence. A leading wire dateline is ignored.
2. ``score = 1 - exp(-raw / 3)``.
3. Gates: no Korea, Japan or trade signal caps the score at 0.2; no sentence pairing Korea
   and Japan caps it at 0.35.
4. Penalties: trade sentences about third countries (US, China, EU...) and history/culture/
   chip-market vocabulary scale the score by their share against the Korea-Japan trade evidence.
   A sentence naming a trade *measure* aimed from one country at the other ("Japan's curbs
   on South Korea", "Seoul's ban on imports from Japan") adds ``MEASURE_WEIGHT`` (at most
   twice) and lifts both penalties: such a story is relevant even if mainly about something
   else (a Korea-US summit, a history row).
"""

from __future__ import annotations

import importlib
import math
import re
from dataclasses import dataclass, field

__all__ = [
    "TOPICS",
    "RelevanceResult",
    "Topic",
    "Vocabulary",
    "Words",
    "score_relevance",
    "vocabulary",
]

TITLE_WEIGHT = 3.0
_SCALE = 3.0
_NO_SIGNAL_CAP = 0.2
_NO_PAIR_CAP = 0.35


# Characters Python's ``re`` matches case-insensitively against an ASCII letter although
# ``str.lower`` does not map them to it (or changes the text's length): dotted and dotless
# i, long s, Kelvin sign. Text holding one is matched the slow way, with ``re.IGNORECASE``.
_CASE_SPECIAL = re.compile("[\u0130\u0131\u017f\u212a]")


class _Text(str):
    """A sentence with its lowercased copy (None when it holds a case-special character)."""

    folded: str | None

    def __new__(cls, text: str) -> _Text:
        self = super().__new__(cls, text)
        self.folded = None if _CASE_SPECIAL.search(text) else text.lower()
        return self


class Words:
    """A case-insensitive pattern (ASCII only), run as a case-sensitive one on lowercased
    text: ``re`` scans 2-4x faster without ``IGNORECASE``. Spans index both texts alike.
    ``exact`` adds case-sensitive alternatives ("ROK", "US") that may not overlap a match
    of ``pattern``."""

    def __init__(self, pattern: str, exact: str | None = None) -> None:
        self.pattern = pattern
        self.folded = re.compile(pattern)
        self.any_case = re.compile(pattern, re.IGNORECASE)
        self.exact = re.compile(exact) if exact else None

    def spans(self, text: _Text) -> list[tuple[int, int]]:
        """Every match's span, leftmost first, as ``re.finditer`` would give them."""
        pattern, haystack = self._pick(text)
        found = [m.span() for m in pattern.finditer(haystack)]
        if self.exact is not None:
            found = sorted(found + [m.span() for m in self.exact.finditer(text)])
        return found

    def search(self, text: _Text) -> str | None:
        """The first match's text, as written."""
        pattern, haystack = self._pick(text)
        m = pattern.search(haystack)
        first = m.span() if m else None
        if self.exact is not None and (exact := self.exact.search(text)):
            first = min(first or exact.span(), exact.span())
        return text[first[0] : first[1]] if first else None

    def _pick(self, text: _Text) -> tuple[re.Pattern[str], str]:
        if text.folded is None:
            return self.any_case, text
        return self.folded, text.folded

    def count(self, text: _Text) -> int:
        return len(self.spans(text))


def _rx(pattern: str, exact: str | None = None) -> Words:
    return Words(pattern, exact)


KOREA = _rx(
    r"\b(?:south\s+korea(?:n|ns)?|s\.\s?korea(?:n)?|korea(?:n|ns)?(?!\s+war\b)|seoul|"
    r"republic\s+of\s+korea|cheong\s+wa\s+dae|blue\s+house|moon\s+jae-in|yoon\s+suk[- ]yeol|"
    r"lee\s+jae-myung|sung\s+yun-mo|yoo\s+myung-hee|samsung|sk\s+hynix|lg\s+display|motie|"
    r"soulbrain|dongjin\s+semichem|sk\s+materials|kita)\b",
    exact=r"\bROK\b",
)
NORTH_KOREA = _rx(r"\b(?:north\s+korea(?:n|ns)?|pyongyang|dprk|n\.\s?korea)\b")
JAPAN = _rx(
    r"\b(?:japan(?:ese)?|tokyo|abe|kishida|suga|ishiba|seko|nishimura|kajiyama|meti|"
    r"stella\s+chemifa|morita\s+chemical|jsr|tokyo\s+ohka|shin-etsu|showa\s+denko|"
    r"keidanren|kantei)\b"
)
THIRD_PARTY = _rx(
    r"\bu\.s\.|\b(?:united\s+states|america(?:n)?|washington|biden|trump|china|chinese|beijing|"
    r"xi\s+jinping|european\s+union|eu|taiwan(?:ese)?|netherlands|dutch|asml|huawei|"
    r"vietnam|india|russia)\b",
    exact=r"\bUS\b",
)
TRADE = _rx(
    r"\b(?:trade|trading|export(?:s|ed|ing|ers?)?|import(?:s|ed|ing|ers?)?|tariffs?|"
    r"curbs?|restrictions?|sanctions?|retaliat\w*|boycott\w*|supply\s+chains?|shipments?|"
    r"white\s*-?\s*list|wto|photoresists?|hydrogen\s+fluoride|polyimides?|currency\s+swap|"
    r"economic\s+security|localization|localisation|chip\s+materials?)\b"
)
DISTRACTORS = _rx(
    r"\b(?:comfort\s+women|sexual\s+slavery|dokdo|takeshima|liancourt|yasukuni|"
    r"fukushima|treated\s+water|radioactive|wastewater|textbooks?|colonial\s+rule|"
    r"k-pop|bts|anime|drama|concert|tourists?|football|baseball|soccer|olympics?|"
    r"world\s+cup|memory\s+prices?|dram\s+prices?|nand\s+prices?|earnings|quarterly|"
    r"operating\s+profit)\b"
)


# A trade measure one country aims at the other ("Japan's export curbs on South Korea",
# "Seoul's ban on imports from Japanese prefectures") makes the story relevant even when it
# is mainly about something else (a history row, a Korea-US summit).
MEASURE = _rx(
    r"\b(?:bans?|banned|curbs?|restrictions?|restricted|controls?|tariffs?|duties|sanctions?|"
    r"retaliat\w*|embargo\w*|white\s*-?\s*list|licens\w+|quotas?|anti-dumping|safeguards?)\b"
)
MEASURE_WEIGHT = 1.0
_KR = r"(?:south\s+korea(?:n|ns)?|s\.\s?korea|korea(?:n|ns)?|seoul)"
_JP = r"(?:japan(?:ese)?|tokyo)"
_MEASURE_WORD = MEASURE.pattern
# "Japan's export restrictions against South Korea", "Seoul's curbs on Japanese goods": the
# measure is aimed from one country at the other, whoever else the sentence mentions.
DIRECTED_MEASURE = _rx(
    rf"\b{_JP}\b[^.;]{{0,60}}?{_MEASURE_WORD}[^.;]{{0,80}}?\b(?:against|on|to|toward|"
    rf"targeting|for|from)\s+(?:the\s+)?{_KR}\b|\b{_KR}\b[^.;]{{0,60}}?{_MEASURE_WORD}"
    rf"[^.;]{{0,80}}?\b(?:against|on|to|toward|targeting|for|from)\s+(?:the\s+|\w+\s+){{0,5}}"
    rf"{_JP}\b"
)


@dataclass(frozen=True)
class Topic:
    """A topic tag: its pattern, the weight of a hit and how many hits count."""

    name: str
    pattern: Words
    weight: float
    cap: int
    trade: bool = True


TOPIC_RULES: tuple[Topic, ...] = (
    Topic(
        "export_controls",
        _rx(
            r"\bexport\s+(?:controls?|curbs?|restrictions?|regulations?|ban|licen[cs]ing|"
            r"licen[cs]es?|checks?|measures?|review|rules?)\b|\bcatch-all\b|"
            r"\bindividual\s+(?:export\s+)?licen[cs]\w*"
        ),
        1.0,
        3,
    ),
    Topic(
        "white_list",
        _rx(
            r"\bwhite\s*-?\s*lists?\b|\bgroup\s+a\b|\blist\s+of\s+(?:trusted|preferred)\s+"
            r"trad\w*\s+partners\b|\bpreferential\s+(?:trade\s+)?(?:status|treatment)\b|"
            r"\bfast-track\s+(?:trade\s+)?status\b"
        ),
        1.2,
        3,
    ),
    Topic(
        "wto_dispute",
        _rx(
            r"\b(?:wto|world\s+trade\s+organi[sz]ation)\b[^.]{0,80}?\b(?:dispute|complaint|"
            r"panel|suit|lawsuit|case|consultations?|ruling|appeal|petition)\w*|"
            r"\b(?:dispute|complaint|suit|lawsuit|case|petition)\w*\b[^.]{0,60}?\b(?:wto|"
            r"world\s+trade\s+organi[sz]ation)\b"
        ),
        1.2,
        3,
    ),
    Topic(
        "semiconductor_materials",
        _rx(
            r"\b(?:photo-?\s?resists?|euv\s+resists?|hydrogen\s+fluoride|hydrofluoric\s+acid|"
            r"etching\s+gas(?:es)?|fluorinated\s+polyimides?|fluorine\s+polyimides?|"
            r"(?:chip|semiconductor|display)[- ]making\s+materials?|"
            r"(?:key|core)\s+(?:industrial\s+|tech\s+|chip\s+)?materials?)\b"
        ),
        1.2,
        3,
    ),
    Topic(
        "boycott",
        _rx(
            r"\bboycott\w*\b|\bno\s+japan\b|\banti-japan(?:ese)?\s+(?:sentiment|campaign|"
            r"movement)\b|\bshun(?:s|ned|ning)?\s+japanese\b"
        ),
        1.0,
        3,
    ),
    Topic(
        "normalization_summit",
        _rx(
            r"\bnormali[sz](?:ation|e|ed|ing)\b|\bshuttle\s+diplomacy\b|\bsummit\w*\b|"
            r"\bthaw\w*\b|\bmend(?:ing)?\s+(?:ties|relations)\b|\bfence-mending\b"
        ),
        0.5,
        2,
        trade=False,
    ),
    Topic(
        "forced_labor_ruling_link",
        _rx(
            r"\b(?:forced|wartime|conscripted)\s+(?:labou?r(?:ers)?|workers)\b|"
            r"\bcompensation\s+ruling\w*\b|\bsupreme\s+court\s+rulings?\b"
        ),
        0.4,
        2,
        trade=False,
    ),
    Topic(
        "economic_security",
        _rx(r"\beconomic\s+security\b|\bsupply\s+chain\s+(?:security|resilience)\b"),
        0.6,
        2,
    ),
    Topic(
        "currency_swap", _rx(r"\bcurrency\s+swaps?\b|\bswap\s+(?:deal|line|agreement)s?\b"), 0.8, 2
    ),
    Topic(
        "localization_supply_chain",
        _rx(
            r"\blocali[sz](?:ation|e|ed|ing)\b|\bself-sufficien\w*|\bdiversif\w+\s+"
            r"(?:suppl\w*|sources?|procurement)\b|\balternative\s+suppl\w*|"
            r"\bsupply\s+chains?\b|\bdomestic(?:ally)?\s+(?:produc\w*|made|suppl\w*)\b|"
            r"\bdependence\s+on\s+japan\w*\b|\breliance\s+on\s+japan\w*\b"
        ),
        0.7,
        3,
    ),
)
TOPICS: tuple[str, ...] = tuple(rule.name for rule in TOPIC_RULES)

# "SEOUL, July 1 (Yonhap) --": the dateline names the bureau, not the story's countries.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]+(?:,\s*[A-Z][a-z]{2,4}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?\s*"
    r"(?:--|—|–|-)\s*"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'A-Z0-9])|\n+")


@dataclass(frozen=True)
class Vocabulary:
    """One language's signals: which words name Korea, Japan, a third country, trade, a
    distracting subject and each topic, and how its copy opens and splits into sentences.
    The scoring that weighs them is the same in every language."""

    korea: Words
    north_korea: Words
    japan: Words
    third_party: Words
    trade: Words
    distractors: Words
    directed_measure: Words
    topics: tuple[Topic, ...]
    dateline: re.Pattern[str]
    sentences: re.Pattern[str]


ENGLISH = Vocabulary(
    korea=KOREA,
    north_korea=NORTH_KOREA,
    japan=JAPAN,
    third_party=THIRD_PARTY,
    trade=TRADE,
    distractors=DISTRACTORS,
    directed_measure=DIRECTED_MEASURE,
    topics=TOPIC_RULES,
    dateline=_DATELINE,
    sentences=_SENTENCE_SPLIT,
)


@dataclass(frozen=True)
class RelevanceResult:
    """A score in [0, 1], the topics it rests on and the evidence a reviewer can check."""

    score: float
    topics: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class _Tally:
    raw: float = 0.0
    topic_weight: dict[str, float] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    kj_trade: float = 0.0
    kj_pairs: float = 0.0
    third_trade: float = 0.0
    distractors: float = 0.0
    has_korea: bool = False
    has_japan: bool = False
    has_trade: bool = False
    measures: float = 0.0


def score_relevance(title: str | None, text: str, lang: str = "en") -> RelevanceResult:
    """Score one article in ``lang`` (``en``, ``ko``, ``ja``); the title counts
    ``TITLE_WEIGHT`` times as much as a body sentence."""
    words = vocabulary(lang)
    tally = _Tally()
    parts: list[tuple[str, float, str]] = []
    if title and title.strip():
        parts.append((title, TITLE_WEIGHT, "title"))
    body = words.dateline.sub("", text or "", count=1)
    parts.extend((s, 1.0, "body") for s in words.sentences.split(body) if s.strip())
    # A pattern (none has anchors) that matches in no part of the article matches in none
    # of its sentences: try only the others sentence by sentence. Same result, a fraction
    # of the regex work on the many articles that mention few topics.
    whole = _Text(f"{title or ''}\n{body}")
    rules = [rule for rule in words.topics if rule.pattern.search(whole) is not None]
    distractors = words.distractors.search(whole) is not None
    for sentence, weight, where in parts:
        _tally_sentence(tally, words, _Text(sentence), weight, where, rules, distractors)
    return _finish(tally, words)


def vocabulary(lang: str) -> Vocabulary:
    """The signals of ``lang``; Korean and Japanese are imported on first use."""
    if lang == "en":
        return ENGLISH
    if lang not in ("ko", "ja"):
        raise ValueError(f"no relevance vocabulary for language {lang!r}")
    return importlib.import_module(f"tradewatch.nlp.relevance_{lang}").VOCABULARY


def _tally_sentence(
    tally: _Tally,
    words: Vocabulary,
    sentence: _Text,
    weight: float,
    where: str,
    rules: list[Topic],
    distractors: bool,
) -> None:
    korea = _korea_hit(words, sentence)
    japan = words.japan.search(sentence)
    trade = words.trade.search(sentence)
    tally.has_korea |= korea is not None
    tally.has_japan |= japan is not None
    tally.has_trade |= trade is not None
    if distractors:
        tally.distractors += weight * words.distractors.count(sentence)
    for rule in rules:
        hits = rule.pattern.spans(sentence)
        if not hits:
            continue
        already = tally.topic_weight.get(rule.name, 0.0)
        room = max(0.0, rule.cap * rule.weight - already)
        gained = min(room, rule.weight * weight * len(hits))
        if gained > 0:
            tally.topic_weight[rule.name] = already + gained
            first = " ".join(sentence[hits[0][0] : hits[0][1]].split())
            tally.evidence.append(f'{where}: "{first}" [{rule.name}]')
    third = words.third_party.search(sentence)
    if korea and japan:
        tally.kj_pairs += weight
        directed = next(
            (
                text
                for a, b in words.directed_measure.spans(sentence)
                if words.third_party.search(_Text(text := sentence[a:b])) is None
            ),
            None,
        )
        if directed:
            tally.measures += weight
            tally.evidence.append(
                f'{where}: Korea-Japan trade measure "{" ".join(directed.split())[:90]}"'
            )
        if trade and third:
            tally.kj_trade += weight / 2
            tally.third_trade += weight / 2
        elif trade:
            tally.kj_trade += weight
            tally.evidence.append(f'{where}: Korea "{korea}" + Japan "{japan}" + trade "{trade}"')

    elif (korea or japan) and trade and third:
        tally.third_trade += weight


def _korea_hit(words: Vocabulary, sentence: _Text) -> str | None:
    """First Korea signal that is not part of a North Korea mention."""
    north = words.north_korea.spans(sentence)
    for start, end in words.korea.spans(sentence):
        if not any(a <= start < b for a, b in north):
            return sentence[start:end]
    return None


def _finish(tally: _Tally, words: Vocabulary) -> RelevanceResult:
    topic_raw = sum(tally.topic_weight.values())
    trade_topic_raw = sum(tally.topic_weight.get(r.name, 0.0) for r in words.topics if r.trade)
    raw = (
        topic_raw
        + 1.0 * tally.kj_trade
        + 0.15 * tally.kj_pairs
        + MEASURE_WEIGHT * min(tally.measures, 2.0)
    )
    score = 1.0 - math.exp(-raw / _SCALE)
    evidence = list(tally.evidence)
    if not (tally.has_korea and tally.has_japan and (tally.has_trade or trade_topic_raw)):
        missing = [
            n
            for n, ok in (
                ("Korea", tally.has_korea),
                ("Japan", tally.has_japan),
                ("trade", tally.has_trade),
            )
            if not ok
        ]
        score = min(score, _NO_SIGNAL_CAP)
        evidence.append(f"gate: no {'/'.join(missing)} signal (cap {_NO_SIGNAL_CAP})")
    elif tally.kj_pairs == 0:
        score = min(score, _NO_PAIR_CAP)
        evidence.append(f"gate: Korea and Japan never in one sentence (cap {_NO_PAIR_CAP})")
    support = tally.kj_trade + trade_topic_raw
    if tally.third_trade and not tally.measures:
        factor = support / (support + tally.third_trade) if support else 0.0
        score *= factor
        evidence.append(f"penalty: third-country trade sentences x{factor:.2f}")
    if tally.distractors and not tally.measures:
        factor = support / (support + 0.5 * tally.distractors) if support else 0.0
        score *= factor
        evidence.append(f"penalty: history/culture/market vocabulary x{factor:.2f}")
    topics = sorted(
        (name for name, w in tally.topic_weight.items() if w > 0),
        key=lambda name: (-tally.topic_weight[name], TOPICS.index(name)),
    )
    return RelevanceResult(
        score=round(max(0.0, min(1.0, score)), 3), topics=topics, evidence=evidence
    )
