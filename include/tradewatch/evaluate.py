"""Scoring the analysis against gold annotations (``tradewatch eval GOLD.jsonl``).

The gold format and annotation rules are in ``include/gold/README.md``. Matching is
deliberately simple so the numbers are easy to reason about:

- relevance: per article, the gold ``relevant`` flag;
- quotes: a predicted quote matches a gold quote when the gold opening words appear at its
  start (whitespace, quote-mark and apostrophe styles folded); each prediction matches once;
- speakers: on matched quotes, the predicted speaker (or its canonical form) equals the gold
  speaker, ignoring case and a leading article;
- entities: per article, the set of canonical names per type (PERSON, ORG, places = GPE and
  LOC, MATERIAL) against the gold lists, ignoring case.

Usage::

    gold = load_gold(Path("include/gold/dev.jsonl"))
    report = evaluate(gold, analyze_texts([(g.title, g.text, g.lang) for g in gold], full=True))
    print(format_report(report))
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradewatch.models import Analysis, Quote

__all__ = [
    "ENTITY_TYPES",
    "GoldArticle",
    "GoldError",
    "Report",
    "Score",
    "evaluate",
    "format_report",
    "load_gold",
]

# Gold field -> the predicted labels that count for it.
ENTITY_TYPES: dict[str, tuple[str, ...]] = {
    "persons": ("PERSON",),
    "orgs": ("ORG",),
    "places": ("GPE", "LOC"),
    "materials": ("MATERIAL",),
}
_SPACE = re.compile(r"\s+")
_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "`": "'"})
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)


class GoldError(ValueError):
    """The gold file is unusable; the message names the line."""


@dataclass(frozen=True)
class GoldQuote:
    opening: str
    speaker: str | None
    speaker_kind: str


@dataclass(frozen=True)
class GoldArticle:
    id: str
    title: str | None
    text: str
    relevant: bool
    topics: tuple[str, ...]
    entities: dict[str, frozenset[str]]
    quotes: tuple[GoldQuote, ...]
    lang: str | None = None  # None: the text tells (tradewatch.lang)


@dataclass
class Score:
    """Counts for precision/recall/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Report:
    """Scores over a gold set plus what went wrong per article."""

    articles: int = 0
    relevance: Score = field(default_factory=Score)
    quotes: Score = field(default_factory=Score)
    speakers_correct: int = 0
    kinds_correct: int = 0
    entities: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in ENTITY_TYPES})
    diffs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def speaker_accuracy(self) -> float:
        return self.speakers_correct / self.quotes.tp if self.quotes.tp else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_correct / self.quotes.tp if self.quotes.tp else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "relevance": self.relevance.as_dict(),
            "quotes": self.quotes.as_dict(),
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "speaker_kind_accuracy": round(self.kind_accuracy, 4),
            "entities": {k: v.as_dict() for k, v in self.entities.items()},
        }


def load_gold(path: Path) -> list[GoldArticle]:
    """Read a gold JSONL file; raise :class:`GoldError` naming the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"cannot read {path}: {exc.strerror}") from None
    gold: list[GoldArticle] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            gold.append(_gold_article(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise GoldError(f"{path}:{number}: {type(exc).__name__}: {exc}") from None
    if not gold:
        raise GoldError(f"{path} holds no articles")
    return gold


def _gold_article(raw: dict[str, Any]) -> GoldArticle:
    return GoldArticle(
        id=str(raw["id"]),
        title=raw.get("title"),
        text=str(raw["text"]),
        relevant=bool(raw["relevant"]),
        topics=tuple(raw.get("topics") or ()),
        entities={k: frozenset(_fold(v) for v in raw.get(k) or ()) for k in ENTITY_TYPES},
        quotes=tuple(
            GoldQuote(str(q["opening"]), q.get("speaker"), str(q.get("speaker_kind", "unknown")))
            for q in raw.get("quotes") or ()
        ),
        lang=raw.get("lang"),
    )


def evaluate(gold: Sequence[GoldArticle], predicted: Sequence[Analysis]) -> Report:
    """Score ``predicted`` (one Analysis per gold article, same order)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold articles but {len(predicted)} analyses")
    report = Report(articles=len(gold))
    for article, analysis in zip(gold, predicted, strict=True):
        diff: dict[str, Any] = {}
        _score_relevance(report, article, analysis, diff)
        _score_quotes(report, article, analysis, diff)
        _score_entities(report, article, analysis, diff)
        if diff:
            report.diffs[article.id] = diff
    return report


def _score_relevance(report: Report, gold: GoldArticle, got: Analysis, diff: dict) -> None:
    if got.relevant and gold.relevant:
        report.relevance.tp += 1
    elif got.relevant:
        report.relevance.fp += 1
    elif gold.relevant:
        report.relevance.fn += 1
    if got.relevant != gold.relevant:
        diff["relevance"] = {
            "gold": gold.relevant,
            "predicted": got.relevant,
            "score": round(got.relevance, 3),
            "evidence": got.evidence,
        }


def _score_quotes(report: Report, gold: GoldArticle, got: Analysis, diff: dict) -> None:
    unmatched = list(got.quotes)
    missed, wrong_speaker = [], []
    for quote in gold.quotes:
        opening = _fold(quote.opening)
        hit = next((q for q in unmatched if _fold(q.quote).startswith(opening)), None)
        if hit is None:
            missed.append(quote.opening)
            continue
        unmatched.remove(hit)
        report.quotes.tp += 1
        if _same_speaker(quote, hit):
            report.speakers_correct += 1
        else:
            wrong_speaker.append(
                {"quote": quote.opening, "gold": quote.speaker, "predicted": hit.speaker}
            )
        if quote.speaker_kind == hit.speaker_kind:
            report.kinds_correct += 1
    report.quotes.fn += len(missed)
    report.quotes.fp += len(unmatched)
    if missed:
        diff["missed_quotes"] = missed
    if unmatched:
        diff["spurious_quotes"] = [{"quote": q.quote[:80], "speaker": q.speaker} for q in unmatched]
    if wrong_speaker:
        diff["wrong_speakers"] = wrong_speaker


def _same_speaker(gold: GoldQuote, got: Quote) -> bool:
    want = _speaker_key(gold.speaker)
    return any(_speaker_key(s) == want for s in (got.speaker, got.speaker_canonical))


def _speaker_key(name: str | None) -> str:
    return _ARTICLE.sub("", _fold(name or ""))


def _score_entities(report: Report, gold: GoldArticle, got: Analysis, diff: dict) -> None:
    for field_name, labels in ENTITY_TYPES.items():
        predicted = {_fold(e.canonical) for e in got.entities if e.label in labels}
        wanted = gold.entities[field_name]
        score = report.entities[field_name]
        score.tp += len(predicted & wanted)
        score.fp += len(predicted - wanted)
        score.fn += len(wanted - predicted)
        if predicted != wanted:
            diff[field_name] = {
                "missed": sorted(wanted - predicted),
                "spurious": sorted(predicted - wanted),
            }


def _fold(text: str) -> str:
    """Case, whitespace, quote-mark and apostrophe styles do not count."""
    return _SPACE.sub(" ", text.translate(_MARKS)).strip().strip("\"'").strip().casefold()


def format_report(report: Report) -> str:
    """The human-readable summary ``tradewatch eval`` prints."""
    rows = [
        ("relevance", report.relevance),
        ("quotes", report.quotes),
        *((f"entity {name}", score) for name, score in report.entities.items()),
    ]
    lines = [
        f"{report.articles} articles",
        f"{'':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}",
    ]
    for name, s in rows:
        lines.append(
            f"{name:<18}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:6d}{s.fp:6d}{s.fn:6d}"
        )
    lines.append(
        f"speaker accuracy  {report.speaker_accuracy:.3f} "
        f"({report.speakers_correct}/{report.quotes.tp} matched quotes); "
        f"speaker kind accuracy {report.kind_accuracy:.3f}"
    )
    return "\n".join(lines)
