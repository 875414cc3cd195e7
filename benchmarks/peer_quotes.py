"""Korean and Japanese quotes and speakers on real news no one here wrote.

Usage: ``.venv/bin/python benchmarks/peer_quotes.py [--peer ../shared/peer]``.

The text is third-party (``peer/README.md``: measurement only, never in the repository),
so the project's annotations of it are stand-off: ``benchmarks/peer_gold/ja_quotes.tsv``
(Japanese Wikinews, dev half; rows ``article_id quote_start quote_end speaker_start
speaker_end``, offsets into the article's sentences joined by line breaks) and
``benchmarks/peer_gold/ko_quotes.tsv`` (the Korean side of the Korean-English news test
set; rows ``line_number quote_start quote_end speaker_start speaker_end``, offsets into
the line). A speaker of ``-1 -1`` marks quoted words that are no quote (a quoted term, a
claim nobody states). Prints quote precision/recall/F1 and speaker accuracy per language:
a predicted quote matches the annotated one it overlaps by at least half of the shorter,
and its speaker is right when the annotated speaker (as written) is in the predicted
speaker as written, or is the predicted speaker or its canonical name; an empty speaker
span (the sentence names none) is left out of the speaker accuracy. Only predicted
quotes overlapping an annotated one count, so unannotated parts of an article do not.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tradewatch.models import Quote
from tradewatch.nlp import analyze_texts

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "peer_gold"

Annotation = tuple[int, int, int, int]  # quote start, end, speaker start, end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer", type=Path, default=ROOT.parent / "shared" / "peer")
    args = parser.parse_args()
    for lang, documents in (("ja", _japanese(args.peer)), ("ko", _korean(args.peer))):
        if documents:
            _score(lang, documents)


def _japanese(peer: Path) -> dict[str, tuple[str, list[Annotation]]]:
    articles = {}
    for line in (peer / "ja" / "jawikinews-dev.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        article_id, _, text = line.split("\t")
        articles[article_id] = "\n".join(text.split("\\n"))
    return _documents(GOLD / "ja_quotes.tsv", articles)


def _korean(peer: Path) -> dict[str, tuple[str, list[Annotation]]]:
    gold = GOLD / "ko_quotes.tsv"
    if not gold.exists():
        return {}
    lines = (peer / "ko" / "ko-en-news.ko.txt").read_text(encoding="utf-8").splitlines()
    return _documents(gold, {str(i): line for i, line in enumerate(lines, start=1)})


def _documents(gold: Path, texts: dict[str, str]) -> dict[str, tuple[str, list[Annotation]]]:
    documents: dict[str, tuple[str, list[Annotation]]] = {}
    for row in gold.read_text(encoding="utf-8").splitlines():
        if row.startswith("#") or not row.strip():
            continue
        doc_id, *offsets = row.split("\t")
        start, end, speaker_start, speaker_end = map(int, offsets)
        documents.setdefault(doc_id, (texts[doc_id], []))[1].append(
            (start, end, speaker_start, speaker_end)
        )
    return documents


def _score(lang: str, documents: dict[str, tuple[str, list[Annotation]]]) -> None:
    ids = sorted(documents, key=int)
    texts = [documents[i][0] for i in ids]
    began = time.perf_counter()
    analyses = analyze_texts([(None, text, lang) for text in texts], full=True)
    seconds = time.perf_counter() - began
    tp = fp = fn = right = unscored = 0
    for doc_id, analysis in zip(ids, analyses, strict=True):
        text, annotations = documents[doc_id]
        for start, end, speaker_start, speaker_end in annotations:
            hit = next((q for q in analysis.quotes if _overlaps(q, start, end)), None)
            if speaker_start < 0:
                fp += hit is not None
                continue
            if hit is None:
                fn += 1
                continue
            tp += 1
            if speaker_start == speaker_end:  # the sentence names no speaker: not scored
                unscored += 1
                continue
            right += _same_speaker(hit, text[speaker_start:speaker_end])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    chars = sum(map(len, texts))
    print(
        f"{lang}: {len(ids)} documents, quotes P {precision:.3f} R {recall:.3f} F1 {f1:.3f} "
        f"(tp {tp} fp {fp} fn {fn}); speaker accuracy {right / (tp - unscored or 1):.3f} "
        f"({right}/{tp - unscored}; {unscored} quotes whose sentence names no speaker not "
        f"scored); {chars / seconds:.0f} chars/s on one process, model load included"
    )


def _overlaps(quote: Quote, start: int, end: int) -> bool:
    shared = min(quote.end_char, end) - max(quote.start_char, start)
    return shared > 0 and shared >= 0.5 * min(end - start, quote.end_char - quote.start_char)


def _same_speaker(quote: Quote, written: str) -> bool:
    return bool(written) and (
        written in (quote.speaker_text or "")
        or written in (quote.speaker or "")
        or written == quote.speaker_canonical
    )


if __name__ == "__main__":
    main()
