"""Quotes of a passage as the pipeline finds them (entities first, then quotes), each
checked against the offset contract of ``tradewatch.nlp.quotes``."""

from __future__ import annotations

from spacy.language import Language

from tradewatch.models import Quote
from tradewatch.nlp.entities import extract_entities
from tradewatch.nlp.quotes import extract_quotes


def quotes_of(nlp: Language, text: str) -> list[Quote]:
    """Extract quotes and check the offset contract on every one of them."""
    doc = nlp(text)
    found = extract_quotes(doc, extract_entities(doc))
    for q in found:
        span = text[q.start_char : q.end_char]
        words = q.quote.split()
        assert span.startswith(words[0]) and span.rstrip(".?!").endswith(words[-1].rstrip(".?!"))
        for word in words:
            assert word in span
    return found


def only(found: list[Quote]) -> Quote:
    assert len(found) == 1, found
    return found[0]
