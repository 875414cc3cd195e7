"""NLP stage: relevance, entities and direct quotes for Korea-Japan trade articles, in
English, Korean and Japanese.

The regex relevance filter runs on every article because it is cheap; the language's
models run only on the articles that pass it (or on all with ``full=True``, for re-scoring
and gold-set runs). They run language by language: all of a run's English articles on
every worker process, then its Korean ones, then its Japanese ones, each process loading
only the model of the language at hand. So a language's models load only when the run has
articles in it, each language gets every core, and memory holds one language's models at
a time (a Japanese worker needs ~700 MB, an English one ~450 MB, a Korean one ~150 MB).
Results come back in item order. Every result carries ``EXTRACTION_VERSION`` so rows
written by older logic can be found and re-analysed after the rules change. An exception
while extracting is a bug and propagates: storing an article with silently empty quotes
would be worse than a failed (and retried) task.
"""

from __future__ import annotations

import importlib
import itertools
import json
import logging
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD, nlp_processes
from tradewatch.extraction_version import EXTRACTION_VERSION
from tradewatch.lang import resolve_language
from tradewatch.models import Analysis, EntityMention, Quote, from_dict, to_dict
from tradewatch.nlp.relevance import score_relevance
from tradewatch.workers import PoolStats, WorkerPool

__all__ = [
    "EXTRACTION_VERSION",
    "LANGUAGES",
    "ModelNotInstalledError",
    "analyze_stream",
    "analyze_texts",
    "load_model",
]

logger = logging.getLogger(__name__)

BATCH_SIZE = 32
# Languages analysed, with the module that finds their entities and quotes; an article in
# any other language is stored and scored irrelevant, no model loaded.
ANALYSERS = {
    "en": "tradewatch.nlp.english",
    "ko": "tradewatch.nlp.ko",
    "ja": "tradewatch.nlp.ja",
}
LANGUAGES = tuple(ANALYSERS)
# An article to analyse: (title, text) or (title, text, language code).
Item = tuple[str | None, str] | tuple[str | None, str, str | None]


def analyze_texts(
    items: Sequence[Item],
    *,
    threshold: float = DEFAULT_RELEVANCE_THRESHOLD,
    full: bool = False,
    processes: int = 1,
) -> list[Analysis]:
    """Analyse ``(title, text)`` pairs or ``(title, text, lang)`` triples; one ``Analysis``
    per item, in order. Without a language, the text's script and words tell it.

    Items scoring below ``threshold`` get empty entities and quotes unless ``full`` is set.
    Entity and quote offsets index into ``text`` (the title is only used for relevance).
    """
    with tempfile.TemporaryDirectory(prefix="tw-analyze-") as spill:
        return list(
            analyze_stream(
                items, threshold=threshold, full=full, processes=processes, spill=Path(spill)
            )
        )


def analyze_stream(
    items: Iterable[Item],
    *,
    spill: Path,
    threshold: float = DEFAULT_RELEVANCE_THRESHOLD,
    full: bool = False,
    processes: int = 1,
    stats: PoolStats | None = None,
) -> Iterator[Analysis]:
    """:func:`analyze_texts` for a stream, with memory flat however many items there are:
    relevance results and the texts each language must parse wait in files under
    ``spill``, the languages are parsed one after the other on up to ``processes`` worker
    processes, and the analyses are yielded in item order. ``stats``, if given, gathers
    what the worker pools did."""
    spill.mkdir(parents=True, exist_ok=True)
    pending = _score(items, spill, threshold, full)
    for lang, count in pending.items():
        _parse_language(lang, count, spill, processes, stats)
    parsed = {lang: _read_parsed(spill / f"parsed-{lang}.jsonl") for lang in pending}
    next_parsed: dict[str, tuple[int, Any] | None] = {
        lang: next(found, None) for lang, found in parsed.items()
    }
    with (spill / "relevance.jsonl").open(encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            analysis = from_dict(Analysis, json.loads(line))
            head = next_parsed.get(analysis.lang or "")
            if head is not None and head[0] == index:
                analysis.entities, analysis.quotes = head[1]
                next_parsed[analysis.lang or ""] = next(parsed[analysis.lang or ""], None)
            yield analysis


def _score(items: Iterable[Item], spill: Path, threshold: float, full: bool) -> dict[str, int]:
    """Score every item's relevance into ``relevance.jsonl``; the texts that need their
    language's models go to ``parse-<lang>.jsonl``. Returns how many per language."""
    pending: dict[str, int] = {}
    outputs: dict[str, Any] = {}
    try:
        with (spill / "relevance.jsonl").open("w", encoding="utf-8") as scored:
            for index, item in enumerate(items):
                title, text, lang = _language(item)
                analysis = _relevance(title, text, lang, threshold)
                scored.write(json.dumps(to_dict(analysis), ensure_ascii=False) + "\n")
                if lang in ANALYSERS and text and (full or analysis.relevant):
                    if lang not in outputs:
                        outputs[lang] = (spill / f"parse-{lang}.jsonl").open("w", encoding="utf-8")
                    outputs[lang].write(json.dumps([index, text], ensure_ascii=False) + "\n")
                    pending[lang] = pending.get(lang, 0) + 1
    finally:
        for handle in outputs.values():
            handle.close()
    return pending


def _parse_language(
    lang: str, count: int, spill: Path, processes: int, stats: PoolStats | None
) -> None:
    """Parse the texts waiting in ``parse-<lang>.jsonl`` on their own worker pool."""
    workers = max(1, min(processes, nlp_processes(lang), -(-count // BATCH_SIZE)))
    work = partial(_parse_batch, lang=lang)
    with (
        WorkerPool(workers, f"analyze-{lang}") as pool,
        (spill / f"parse-{lang}.jsonl").open(encoding="utf-8") as waiting,
        (spill / f"parsed-{lang}.jsonl").open("w", encoding="utf-8") as out,
    ):
        batches = _batches((json.loads(line) for line in waiting), BATCH_SIZE)
        for results in pool.map(work, batches):
            for index, entities, quotes in results:
                row = [index, to_dict(entities), to_dict(quotes)]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    logger.info("analyze: %d %s articles parsed on %d processes", count, lang, workers)
    if stats is not None:
        stats.merge(pool.stats)


def _parse_batch(
    batch: list[tuple[int, str]], lang: str
) -> list[tuple[int, list[EntityMention], list[Quote]]]:
    """Entities and quotes of each text of ``lang`` (in a worker process, or here)."""
    analyser = importlib.import_module(ANALYSERS[lang])
    found = analyser.analyze([text for _, text in batch])
    return [
        (index, entities, quotes)
        for (index, _), (entities, quotes) in zip(batch, found, strict=True)
    ]


def _read_parsed(path: Path) -> Iterator[tuple[int, tuple[list[EntityMention], list[Quote]]]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            index, entities, quotes = json.loads(line)
            yield (
                index,
                (
                    [from_dict(EntityMention, e) for e in entities],
                    [from_dict(Quote, q) for q in quotes],
                ),
            )


def _language(item: Item) -> tuple[str | None, str, str]:
    """``(title, text, lang)``: the given language, else the one the text is written in
    (English when it cannot tell, as for a caption)."""
    title, text, *rest = item
    lang = rest[0] if rest else None
    return title, text, lang or resolve_language(None, text or "").code or "en"


def _relevance(title: str | None, text: str, lang: str, threshold: float) -> Analysis:
    if lang not in ANALYSERS:
        return Analysis(
            relevant=False, relevance=0.0, extraction_version=EXTRACTION_VERSION, lang=lang
        )
    rel = score_relevance(title, text or "", lang)
    return Analysis(
        relevant=rel.score >= threshold,
        relevance=rel.score,
        topics=list(rel.topics),
        evidence=list(rel.evidence),
        extraction_version=EXTRACTION_VERSION,
        lang=lang,
    )


def __getattr__(name: str) -> Any:
    """``load_model`` and ``ModelNotInstalledError`` on first use: importing spaCy takes
    over a second, and a run whose articles all fail the relevance filter never needs it."""
    if name in ("load_model", "ModelNotInstalledError"):
        from tradewatch.nlp import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
