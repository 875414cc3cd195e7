"""Japanese analysis: entities and quotes of Japanese articles, in the project's records.

The pipeline is ginza's ``ja_ginza`` (``model``) with the gazetteer's Japanese names in
front of its NER; ``entities`` maps its labels and names onto the project's, ``quotes``
finds 「…」と述べた and who said it. Everything after this (canonical names across
languages, storage, the brief) is shared with English.
"""

from __future__ import annotations

from tradewatch.models import EntityMention, Quote
from tradewatch.nlp.gazetteer import load_gazetteer
from tradewatch.nlp.ja.entities import extract_entities
from tradewatch.nlp.ja.model import load_model, person_surnames
from tradewatch.nlp.ja.quotes import extract_quotes

__all__ = ["analyze"]

# Docs ginza parses together: its memory grows with the batch, its speed does not.
PIPE_BATCH = 2


def analyze(texts: list[str]) -> list[tuple[list[EntityMention], list[Quote]]]:
    """Entities and quotes of each Japanese text, in order."""
    nlp = load_model()
    gazetteer = load_gazetteer()
    surnames = person_surnames(nlp)
    found = []
    for doc in nlp.pipe(texts, batch_size=PIPE_BATCH):
        entities = extract_entities(doc, gazetteer, surnames)
        found.append((entities, extract_quotes(doc, entities, gazetteer)))
    return found
