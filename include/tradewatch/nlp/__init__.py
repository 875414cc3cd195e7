"""NLP stage: relevance, entities and direct quotes for Korea-Japan trade articles.

The regex relevance filter runs on every article because it is cheap; spaCy runs only on
the articles that pass it (or on all with ``full=True``, for re-scoring and gold-set runs),
batched through ``nlp.pipe``. Every result carries ``EXTRACTION_VERSION`` so rows written by
older logic can be found and re-analysed after the rules change. An exception while
extracting is a bug and propagates: storing an article with silently empty quotes would
be worse than a failed (and retried) task.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD
from tradewatch.models import Analysis
from tradewatch.nlp.entities import extract_entities, load_gazetteer
from tradewatch.nlp.model import ModelNotInstalledError, load_model
from tradewatch.nlp.quotes import extract_quotes
from tradewatch.nlp.relevance import score_relevance

__all__ = [
    "EXTRACTION_VERSION",
    "ModelNotInstalledError",
    "analyze_texts",
    "load_model",
]

logger = logging.getLogger(__name__)

# Bump whenever relevance rules, the gazetteer or entity/quote logic change output.
EXTRACTION_VERSION = "2026.11.3"
BATCH_SIZE = 32


def analyze_texts(
    items: Sequence[tuple[str | None, str]],
    *,
    threshold: float = DEFAULT_RELEVANCE_THRESHOLD,
    full: bool = False,
    model_name: str | None = None,
) -> list[Analysis]:
    """Analyse ``(title, text)`` pairs; one ``Analysis`` per item, in order.

    Items scoring below ``threshold`` get empty entities and quotes unless ``full`` is set.
    Entity and quote offsets index into ``text`` (the title is only used for relevance).
    """
    results: list[Analysis] = []
    for title, text in items:
        rel = score_relevance(title, text or "")
        results.append(
            Analysis(
                relevant=rel.score >= threshold,
                relevance=rel.score,
                topics=list(rel.topics),
                evidence=list(rel.evidence),
                extraction_version=EXTRACTION_VERSION,
            )
        )
    todo = [i for i, a in enumerate(results) if full or a.relevant]
    if not todo:
        return results
    nlp = load_model(model_name)
    gazetteer = load_gazetteer()
    docs = nlp.pipe((items[i][1] or "" for i in todo), batch_size=BATCH_SIZE)
    for i, doc in zip(todo, docs, strict=True):
        entities = extract_entities(doc, gazetteer)
        results[i].entities = entities
        results[i].quotes = extract_quotes(doc, entities, gazetteer)
    logger.info("analysed %d items, %d through spaCy", len(items), len(todo))
    return results
