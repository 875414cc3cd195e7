"""Entity precision and recall on named-entity corpora, read in their own formats.

The Korean and Japanese entity taggers are measured on real text no one here wrote:
KLUE-NER (Korean news sentences; a TSV of ``## id<TAB>sentence`` headers followed by one
character and its BIO tag per line) and Stockmark's Japanese NER set (a JSON list of
``{text, entities: [{name, span, type}]}``). Both are scored the same way, for persons,
organisations and places: a predicted mention matches an unmatched gold one of the same
kind when their character spans overlap by at least half of the shorter. Gold kinds the
project does not tag (dates, quantities, products, events) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tradewatch.evaluate import Score
from tradewatch.models import Analysis

__all__ = [
    "KINDS",
    "CorpusError",
    "EntityReport",
    "NerSentence",
    "evaluate_entities",
    "format_entity_report",
    "load_ner_corpus",
]

KINDS = ("person", "organisation", "place")
# The project's labels by kind.
_PREDICTED = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place"}
_KLUE = {"PS": "person", "OG": "organisation", "LC": "place"}
_STOCKMARK = {
    "人名": "person",
    "法人名": "organisation",
    "政治的組織名": "organisation",
    "その他の組織名": "organisation",
    "地名": "place",
}


class CorpusError(ValueError):
    """The file is not a corpus in a format this module reads."""


@dataclass(frozen=True)
class NerSentence:
    """One annotated sentence: its text, language and gold ``(start, end, kind)`` spans."""

    id: str
    text: str
    lang: str
    spans: tuple[tuple[int, int, str], ...]


@dataclass
class EntityReport:
    """Precision/recall/F1 per kind, over ``sentences`` sentences."""

    sentences: int = 0
    kinds: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    diffs: dict[str, dict] = field(default_factory=dict)  # sentences with an error only

    def as_dict(self) -> dict[str, object]:
        return {
            "sentences": self.sentences,
            "entities": {kind: score.as_dict() for kind, score in self.kinds.items()},
        }


def load_ner_corpus(path: Path) -> list[NerSentence]:
    """A KLUE-NER TSV or a Stockmark NER JSON file, told apart by its first bytes."""
    head = path.read_text(encoding="utf-8")[:200].lstrip()
    if head.startswith("["):
        return _stockmark(path)
    if head.startswith("##"):
        return _klue(path)
    raise CorpusError(f"{path}: neither a KLUE-NER TSV nor a Stockmark NER JSON file")


def _klue(path: Path) -> list[NerSentence]:
    sentences: list[NerSentence] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.split("\n")
        header = next((line for line in lines if line.startswith("## klue")), None)
        if header is None:
            continue
        chars, tags = [], []
        for line in lines[lines.index(header) + 1 :]:
            if "\t" in line:
                char, tag = line.rsplit("\t", 1)
                chars.append(char or " ")
                tags.append(tag)
        sentences.append(
            NerSentence(header[3:].split("\t")[0], "".join(chars), "ko", tuple(_bio(tags)))
        )
    return sentences


def _bio(tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans of the kinds the project tags, from per-character BIO tags."""
    spans: list[tuple[int, int, str]] = []
    start, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and kind == _KLUE.get(tag[2:])
        if start is not None and not inside:
            spans.append((start, i, kind or ""))
            start, kind = None, None
        if tag.startswith("B-") and tag[2:] in _KLUE:
            start, kind = i, _KLUE[tag[2:]]
    return spans


def _stockmark(path: Path) -> list[NerSentence]:
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: invalid JSON: {exc}") from None
    return [
        NerSentence(
            str(item.get("curid", i)),
            item["text"],
            "ja",
            tuple(
                (e["span"][0], e["span"][1], _STOCKMARK[e["type"]])
                for e in item["entities"]
                if e["type"] in _STOCKMARK
            ),
        )
        for i, item in enumerate(items)
    ]


def evaluate_entities(
    sentences: Sequence[NerSentence], analyses: Sequence[Analysis]
) -> EntityReport:
    """Score each sentence's predicted entities against its gold spans."""
    report = EntityReport(sentences=len(sentences))
    for sentence, analysis in zip(sentences, analyses, strict=True):
        predicted = [
            (m.start_char, m.end_char, _PREDICTED[m.label])
            for m in analysis.entities
            if m.label in _PREDICTED
        ]
        gold = list(sentence.spans)
        spurious = []
        for start, end, kind in predicted:
            hit = next((g for g in gold if g[2] == kind and _overlaps(g, (start, end))), None)
            if hit is None:
                report.kinds[kind].fp += 1
                spurious.append((start, end, kind))
            else:
                gold.remove(hit)
                report.kinds[kind].tp += 1
        for _, _, kind in gold:
            report.kinds[kind].fn += 1
        if gold or spurious:
            report.diffs[sentence.id] = _diff(sentence, gold, spurious)
    return report


def _diff(
    sentence: NerSentence,
    missed: list[tuple[int, int, str]],
    spurious: list[tuple[int, int, str]],
) -> dict[str, object]:
    """What ``eval --diffs`` writes for a sentence: its text, the gold mentions no prediction
    matched and the predictions no gold mention matched, so errors can be read by kind."""

    def mentions(spans: list[tuple[int, int, str]]) -> list[dict[str, object]]:
        return [{"text": sentence.text[s:e], "kind": k, "span": [s, e]} for s, e, k in spans]

    return {
        "text": sentence.text,
        "gold": mentions(list(sentence.spans)),
        "missed": mentions(missed),
        "spurious": mentions(spurious),
    }


def _overlaps(gold: tuple[int, int, str], got: tuple[int, int]) -> bool:
    shared = min(gold[1], got[1]) - max(gold[0], got[0])
    return shared > 0 and shared >= 0.5 * min(gold[1] - gold[0], got[1] - got[0])


def format_entity_report(report: EntityReport) -> str:
    """The summary ``tradewatch eval`` prints for a NER corpus."""
    lines = [
        f"{report.sentences} sentences",
        f"{'':<14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>7}{'fp':>7}{'fn':>7}",
    ]
    for kind, s in report.kinds.items():
        lines.append(
            f"{kind:<14}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:7d}{s.fp:7d}{s.fn:7d}"
        )
    return "\n".join(lines)
