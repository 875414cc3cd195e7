"""English analysis: spaCy's English pipeline with the gazetteer ruler, its entities and
quotes (``entities``, ``quotes``, ``attribution``, ``speakers``...)."""

from __future__ import annotations

from tradewatch.models import EntityMention, Quote
from tradewatch.nlp.entities import extract_entities
from tradewatch.nlp.gazetteer import load_gazetteer
from tradewatch.nlp.model import load_model
from tradewatch.nlp.quotes import extract_quotes

__all__ = ["analyze"]

# Docs spaCy parses together. Its working memory grows with the batch (news-length texts:
# ~560 MB above the model at 32, ~20 MB at 2) while docs/s stays the same (measured,
# en_core_web_sm on this 2-core machine), so each worker parses two at a time.
PIPE_BATCH = 2


def analyze(texts: list[str]) -> list[tuple[list[EntityMention], list[Quote]]]:
    """Entities and quotes of each English text, in order."""
    nlp = load_model()
    gazetteer = load_gazetteer()
    found = []
    for doc in nlp.pipe(texts, batch_size=PIPE_BATCH):
        entities = extract_entities(doc, gazetteer)
        found.append((entities, extract_quotes(doc, entities, gazetteer)))
    return found
