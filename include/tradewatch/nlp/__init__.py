"""NLP stage: relevance, entities and direct quotes for Korea-Japan trade articles.

The regex relevance filter runs on every article because it is cheap; spaCy runs only on
the articles that pass it (or on all with ``full=True``, for re-scoring and gold-set runs),
batched through ``nlp.pipe``. Every result carries ``EXTRACTION_VERSION`` so rows written by
older logic can be found and re-analysed after the rules change. An exception while
extracting is a bug and propagates: storing an article with silently empty quotes would
be worse than a failed (and retried) task.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD
from tradewatch.extraction_version import EXTRACTION_VERSION
from tradewatch.lang import resolve_language
from tradewatch.models import Analysis
from tradewatch.nlp.relevance import score_relevance
from tradewatch.workers import WorkerPool

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
# Languages analysed; an article in any other is stored and scored irrelevant, no model
# loaded. Korean and Japanese get relevance; entities and quotes come with their models.
LANGUAGES = ("en", "ko", "ja")
_PARSED = ("en",)
# An article to analyse: (title, text) or (title, text, language code).
Item = tuple[str | None, str] | tuple[str | None, str, str | None]
# Docs spaCy parses together. Its working memory grows with the batch (news-length texts:
# ~560 MB above the model at 32, ~20 MB at 2) while docs/s stays the same (measured,
# en_core_web_sm on this 2-core machine), so each worker parses two at a time.
PIPE_BATCH = 2


def analyze_texts(
    items: Sequence[Item],
    *,
    threshold: float = DEFAULT_RELEVANCE_THRESHOLD,
    full: bool = False,
    model_name: str | None = None,
    processes: int = 1,
) -> list[Analysis]:
    """Analyse ``(title, text)`` pairs or ``(title, text, lang)`` triples; one ``Analysis``
    per item, in order. Without a language, the text's script and words tell it.

    Items scoring below ``threshold`` get empty entities and quotes unless ``full`` is set.
    Entity and quote offsets index into ``text`` (the title is only used for relevance).
    """
    with WorkerPool(processes, "analyze") as pool:
        return list(
            analyze_stream(items, threshold=threshold, full=full, model_name=model_name, pool=pool)
        )


def analyze_stream(
    items: Iterable[Item],
    *,
    threshold: float = DEFAULT_RELEVANCE_THRESHOLD,
    full: bool = False,
    model_name: str | None = None,
    pool: WorkerPool | None = None,
) -> Iterator[Analysis]:
    """:func:`analyze_texts` for a stream: items are read and results yielded a batch at a
    time, in order, so memory stays flat however many there are.

    Without a ``pool`` (or with a one-process pool) each batch is analysed here; otherwise
    batches go to the pool's worker processes (relevance and spaCy both, so neither waits
    on this process). spaCy is imported and its model loaded, once per process, only
    when a batch has an article that passes the relevance filter (or ``full``)."""
    work = partial(_analyze_batch, threshold=threshold, full=full, model_name=model_name)
    batches = _batches(items, BATCH_SIZE)
    for results in pool.map(work, batches) if pool else map(work, batches):
        yield from results


def _analyze_batch(
    batch: list[Item], threshold: float, full: bool, model_name: str | None
) -> list[Analysis]:
    """Relevance of every item, entities and quotes of those that pass (in a worker, or here).
    An item in a language with no pipeline is irrelevant, and no model is loaded for it."""
    items = [_language(item) for item in batch]
    results = [_relevance(title, text, lang, threshold) for title, text, lang in items]
    todo = [
        i for i, found in enumerate(results) if found.lang in _PARSED and (full or found.relevant)
    ]
    if todo:
        parsed = _parse_batch([items[i][1] or "" for i in todo], model_name)
        for i, found in zip(todo, parsed, strict=True):
            results[i].entities, results[i].quotes = found.entities, found.quotes
    return results


def _language(item: Item) -> tuple[str | None, str, str]:
    """``(title, text, lang)``: the given language, else the one the text is written in
    (English when it cannot tell, as for a caption)."""
    title, text, *rest = item
    lang = rest[0] if rest else None
    return title, text, lang or resolve_language(None, text or "").code or "en"


def _relevance(title: str | None, text: str, lang: str, threshold: float) -> Analysis:
    if lang not in LANGUAGES:
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


def _parse_batch(texts: list[str], model_name: str | None) -> list[Analysis]:
    """Entities and quotes of each text (in a worker process, or here)."""
    from tradewatch.nlp.entities import extract_entities, load_gazetteer
    from tradewatch.nlp.model import load_model
    from tradewatch.nlp.quotes import extract_quotes

    nlp = load_model(model_name)
    gazetteer = load_gazetteer()
    found: list[Analysis] = []
    for doc in nlp.pipe(texts, batch_size=PIPE_BATCH):
        entities = extract_entities(doc, gazetteer)
        quotes = extract_quotes(doc, entities, gazetteer)
        found.append(Analysis(relevant=True, relevance=1.0, entities=entities, quotes=quotes))
    return found


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
