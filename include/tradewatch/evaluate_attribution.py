"""Scoring quotes and speakers against brat attribution corpora (``tradewatch eval FOLDER``).

What counts as a gold quote is defined in :mod:`tradewatch.brat`. The matching rules, kept
simple enough to check by hand:

- **quote found:** a predicted quote matches the gold quote its span overlaps most, when
  the overlap is at least half of the shorter of the two (a split quote ``"A," he said,
  "B."`` is one prediction and may match two gold quotes). Recall counts gold quotes
  matched, precision counts predictions that matched at least one gold quote.
- **speaker right:** the predicted speaker (as stored, its canonical form, or the words
  the article used for it, e.g. "the president" for Barack Obama) names the annotated
  source: their *heads* meet. A head is the last word of a phrase's first noun phrase,
  cut before a preposition, a relative pronoun or a participle ("Sen. Claire McCaskill
  (D-Mo.)" -> mccaskill, "a senior adviser to the campaign" -> adviser, "the report
  released last year" -> report); an annotated source with appositives ("X, a senior
  adviser to Y," / "His former partner at Z, X" / "A former candidate -- John McCain")
  has one head per part set off by commas or spaced dashes,
  and one more for a name that closes its first part ("Former Secretary of State
  Madeleine Albright"). Case, possessives, a plural "s", "Jr.", a reflexive ("Cruz
  himself") and parentheses do not count.
- **pronoun sources** (he, she, they, who...) are reported apart. A prediction is right
  when it was attributed through that same pronoun (``speaker_kind`` "pronoun" and
  ``speaker_text`` the pronoun as written), or when it names the pronoun's gold-side
  antecedent: the nearest annotated source before it that names a person (for he/she/who)
  or any annotated name or description (it/they); for I/we inside another attribution's
  quote, that attribution's source. How often the *resolved* name agrees with that
  antecedent is printed too, as an approximation: the corpus has no coreference, and the
  nearest annotated source is not always the person a pronoun means.
- **implicit sources** (no Source span) count for quote P/R only.
- **relayed quotes:** a wrong speaker whose annotated source is the quote's
  ``reported_by`` ("...," Sanders said, according to CNN, annotated as CNN's) stays wrong;
  how many there are is printed apart, because the annotation credits the relaying outlet
  where the project credits the person who spoke.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tradewatch.brat import PRONOUNS, GoldSegment, GoldSource, QuotedArticle
from tradewatch.evaluate import Score
from tradewatch.models import Analysis, Quote

__all__ = ["AttributionReport", "evaluate_attribution", "format_attribution", "heads"]

# parentheses and brackets, also one an annotator's span cut off ("Sen. X (R-Pa.")
_PARENS = re.compile(r"\([^)]*(?:\)|$)|\[[^\]]*(?:\]|$)")
# appositive separators: commas, and dashes set off by spaces ("X -- a senator --")
_APPOSITIVE = re.compile(r",|\s+(?:--|—|–|―)\s+")
_TOKEN = re.compile(r"[^\W_][\w'’.&-]*")
_DETERMINERS = frozenset({"a", "an", "the", "his", "her", "their", "its", "our", "my", "one"})
_CUT_WORDS = frozenset(
    {"of", "to", "at", "for", "from", "with", "in", "on", "by", "under", "about", "who"}
    | {"which", "that", "whose", "whom", "familiar", "close", "and", "or", "--", "—"}
)
_NAME_SUFFIXES = frozenset(
    {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "himself", "herself", "themselves", "itself"}
)
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our"})
_PERSONAL = frozenset({"he", "she", "him", "her", "his", "who", "whom"})
_RELATIVES = frozenset({"who", "which", "that", "whose", "whom", "where", "when"})
_QUANTIFIERS = frozenset({"all", "some", "many", "most", "both", "other", "several", "few"})


@dataclass
class SpeakerScore:
    """Speaker accuracy over matched gold quotes of one source class."""

    correct: int = 0
    total: int = 0
    unknown: int = 0
    relayed: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "correct": self.correct,
            "total": self.total,
            "no_speaker": self.unknown,
            "wrong_source_is_reported_by": self.relayed,
            "accuracy": round(self.accuracy, 4),
        }


@dataclass
class QuoteScore(Score):
    """Quote counts: ``tp``/``fn`` are gold quotes matched/missed (recall); precision is
    over predictions, as one prediction may match several gold quotes (a split quote)."""

    predictions_matched: int = 0

    @property
    def precision(self) -> float:
        predicted = self.predictions_matched + self.fp
        return self.predictions_matched / predicted if predicted else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {**super().as_dict(), "predictions_matched": self.predictions_matched}


@dataclass
class AttributionReport:
    """Quote P/R/F1, speaker accuracy by source class, and per-article differences."""

    articles: int = 0
    quotes: QuoteScore = field(default_factory=QuoteScore)
    named: SpeakerScore = field(default_factory=SpeakerScore)
    pronoun: SpeakerScore = field(default_factory=SpeakerScore)
    implicit: int = 0
    pronoun_resolved: int = 0
    predicted_kinds: Counter[str] = field(default_factory=Counter)
    diffs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "quotes": self.quotes.as_dict(),
            "speaker_named_or_descriptor": self.named.as_dict(),
            "speaker_pronoun": self.pronoun.as_dict(),
            "pronoun_resolved_to_nearest_named_source": self.pronoun_resolved,
            "implicit_source_quotes": self.implicit,
            "predicted_speaker_kinds": dict(sorted(self.predicted_kinds.items())),
        }


def evaluate_attribution(
    articles: Sequence[QuotedArticle], predicted: Sequence[Analysis]
) -> AttributionReport:
    """Score ``predicted`` (one Analysis of each article's text, same order)."""
    if len(articles) != len(predicted):
        raise ValueError(f"{len(articles)} articles but {len(predicted)} analyses")
    report = AttributionReport(articles=len(articles))
    for article, analysis in zip(articles, predicted, strict=True):
        diff = _score_article(report, article, analysis.quotes)
        if diff:
            report.diffs[article.name] = diff
    return report


def _score_article(
    report: AttributionReport, article: QuotedArticle, quotes: Sequence[Quote]
) -> dict[str, Any]:
    text = article.text
    matched_quotes: set[int] = set()
    missed: list[str] = []
    wrong: list[dict[str, Any]] = []
    for segment in article.segments:
        index = _best_match(segment, quotes)
        if index is None:
            report.quotes.fn += 1
            missed.append(_excerpt(text, segment.start, segment.end))
            continue
        report.quotes.tp += 1
        matched_quotes.add(index)
        quote = quotes[index]
        if segment.source.kind == "none":
            report.implicit += 1
            continue
        target = _resolve(article, segment)
        pronoun = segment.source.kind == "pronoun"
        score = report.pronoun if pronoun else report.named
        score.total += 1
        report.predicted_kinds[quote.speaker_kind] += 1
        if quote.speaker is None and quote.speaker_text is None:
            score.unknown += 1
        names_target = target is not None and _names(quote, target.text or "")
        if pronoun and names_target:
            report.pronoun_resolved += 1
        if names_target or (pronoun and _same_pronoun(quote, segment.source)):
            score.correct += 1
            continue
        if target is not None and _relays(quote, target.text or ""):
            score.relayed += 1
        wrong.append(
            {
                "quote": _excerpt(text, segment.start, segment.end),
                "gold_source": segment.source.text,
                "gold_resolved": target.text if target is not None else None,
                "predicted": quote.speaker,
                "predicted_canonical": quote.speaker_canonical,
                "predicted_kind": quote.speaker_kind,
                "predicted_as_written": quote.speaker_text,
                "predicted_reported_by": quote.reported_by,
            }
        )
    spurious = [
        _excerpt(text, q.start_char, q.end_char)
        for i, q in enumerate(quotes)
        if i not in matched_quotes
    ]
    report.quotes.fp += len(spurious)
    report.quotes.predictions_matched += len(matched_quotes)
    diff: dict[str, Any] = {}
    if missed:
        diff["missed_quotes"] = missed
    if spurious:
        diff["spurious_quotes"] = spurious
    if wrong:
        diff["wrong_speakers"] = wrong
    return diff


def _same_pronoun(quote: Quote, source: GoldSource) -> bool:
    """The prediction was attributed through the annotated pronoun itself."""
    written = (quote.speaker_text or "").casefold()
    return quote.speaker_kind == "pronoun" and written == (source.text or "").casefold()


def _best_match(segment: GoldSegment, quotes: Sequence[Quote]) -> int | None:
    best, best_overlap = None, 0
    for i, q in enumerate(quotes):
        overlap = min(segment.end, q.end_char) - max(segment.start, q.start_char)
        shorter = min(segment.end - segment.start, q.end_char - q.start_char)
        if overlap > best_overlap and overlap * 2 >= shorter:
            best, best_overlap = i, overlap
    return best


def _resolve(article: QuotedArticle, segment: GoldSegment) -> GoldSource | None:
    """The source a gold quote credits, with pronoun sources resolved (see module doc)."""
    source = segment.source
    for _ in range(5):
        if source.kind != "pronoun":
            break
        pronoun = (source.text or "").casefold()
        if pronoun in _FIRST_PERSON:
            outer = _enclosing_source(article, source)
            if outer is None:
                return None
            source = outer
            continue
        earlier = [s for s in article.sources if s.kind == "name" and s.end <= source.start]
        if pronoun in _PERSONAL:
            earlier = [s for s in earlier if _is_name(s.text or "")]
        return earlier[-1] if earlier else None
    return source if source.kind == "name" else None


def _is_name(source: str) -> bool:
    """A source that names a person: its head is a capitalised word ("Sen. X", "Tennis
    great X"), not a description ("the Vermont senator"), a possessive ("Palin's") or a
    capitalised quantifier ("All", "Some")."""
    if re.search(r"['’]s?$", source):
        return False
    words = _TOKEN.findall(_PARENS.sub(" ", source.split(",")[0]))
    found = _head(" ".join(words))
    if not found:
        return False
    head = found.pop()
    written = next((w for w in reversed(words) if w.casefold().rstrip(".").startswith(head)), "")
    return written[:1].isupper() and head not in _QUANTIFIERS


def _enclosing_source(article: QuotedArticle, source: GoldSource) -> GoldSource | None:
    """For "I"/"we" inside a quote: the source of the quote that holds it."""
    for segment in article.segments:
        lo, hi = segment.content
        if lo <= source.start and source.end <= hi and segment.source != source:
            return segment.source if segment.source.kind != "none" else None
    return None


def _relays(quote: Quote, gold: str) -> bool:
    """The annotated source is who the article has the quote from (``reported_by``)."""
    return bool(quote.reported_by) and bool(
        heads(quote.reported_by) & heads(gold, appositives=True)
    )


def _names(quote: Quote, gold: str) -> bool:
    want = heads(gold, appositives=True)
    return any(
        heads(name) & want
        for name in (quote.speaker, quote.speaker_canonical, quote.speaker_text)
        if name and name.casefold() not in PRONOUNS
    )


def heads(phrase: str, *, appositives: bool = False) -> set[str]:
    """Head words of a speaker phrase (see the module doc); with ``appositives``, one per
    part set off by commas or spaced dashes."""
    cleaned = _PARENS.sub(" ", phrase.replace("’", "'"))
    parts = _APPOSITIVE.split(cleaned) if appositives else [cleaned]
    found: set[str] = set()
    for i, part in enumerate(parts):
        found |= _head(part, gold=appositives and i == 0)
    return found


def _head(part: str, *, gold: bool = False) -> set[str]:
    words = _TOKEN.findall(part)
    if not words or words[0].casefold() in _RELATIVES:
        return set()
    kept: list[str] = []
    for word in words:
        low = word.casefold().rstrip(".")
        if not kept and low in _DETERMINERS:
            continue
        if kept and (low in _CUT_WORDS or (word.islower() and low.endswith("ed"))):
            break
        kept.append(low)
    found = {_fold_head(kept)}
    if gold and words[-1][:1].isupper():
        # "Former Secretary of State Madeleine Albright": the name closing the phrase
        found.add(_fold_head([w.casefold().rstrip(".") for w in words]))
    return {h for h in found if h}


def _fold_head(words: list[str]) -> str:
    while words and words[-1] in _NAME_SUFFIXES:
        words = words[:-1]
    if not words:
        return ""
    head = re.sub(r"'s?$", "", words[-1])
    if len(head) > 3 and head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]
    return head


def _excerpt(text: str, start: int, end: int, size: int = 90) -> str:
    words = " ".join(text[start:end].split())
    return words if len(words) <= size else words[: size - 1] + "…"


def format_attribution(report: AttributionReport) -> str:
    """The human-readable summary ``tradewatch eval FOLDER`` prints."""
    q = report.quotes
    lines = [
        f"{report.articles} articles, {q.tp + q.fn} gold quotes,"
        f" {q.predictions_matched + q.fp} predicted",
        f"quotes            P {q.precision:.3f}  R {q.recall:.3f}  F1 {q.f1:.3f}"
        f"  (tp {q.tp}, fp {q.fp}, fn {q.fn})",
    ]
    for label, score in (
        ("speaker, named or descriptor source", report.named),
        ("speaker, pronoun source (resolved)", report.pronoun),
    ):
        lines.append(
            f"{label:<37} {score.accuracy:.3f} ({score.correct}/{score.total};"
            f" {score.unknown} with no speaker, {score.relayed} crediting the outlet"
            " in reported_by)"
        )
    lines.append(
        f"pronoun sources whose resolved name is the nearest earlier named source:"
        f" {report.pronoun_resolved}/{report.pronoun.total} (approximate, see the docs)"
    )
    lines.append(f"quotes with an implicit source (not scored for speaker): {report.implicit}")
    return "\n".join(lines)
