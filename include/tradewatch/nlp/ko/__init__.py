"""Korean analysis: entities and direct quotes of Korean articles, without spaCy.

Korean is analysed with mecab-ko (morphemes with part of speech, person and place classes)
and rules written for Korean news copy; the gazetteer gives known names their English
canonical so Korean and English articles count the same entities. The tagger loads once
per process (``morphology``); nothing here imports spaCy or Airflow, so a worker that only
sees Korean articles never pays for them.
"""

from __future__ import annotations

import logging

from tradewatch.models import EntityMention, Quote
from tradewatch.nlp.gazetteer import load_gazetteer
from tradewatch.nlp.ko.entities import extract_entities
from tradewatch.nlp.ko.morphology import tokenize
from tradewatch.nlp.ko.quotes import extract_quotes

__all__ = ["analyze"]

logger = logging.getLogger(__name__)


def analyze(texts: list[str]) -> list[tuple[list[EntityMention], list[Quote]]]:
    """Entity mentions and direct quotes of each Korean text (paragraphs separated by a
    blank line), in text order; offsets index the text as given."""
    gazetteer = load_gazetteer()
    results = []
    for text in texts:
        tokens = tokenize(text)
        entities = extract_entities(text, tokens, gazetteer)
        results.append((entities, extract_quotes(text, tokens, entities, gazetteer)))
    logger.debug("analysed %d Korean texts", len(texts))
    return results
