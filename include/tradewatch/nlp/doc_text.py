"""The text of a spaCy ``Doc``, computed once per doc.

``Doc.text`` joins every token's text on each access, so a rule that reads it once per
entity or quote costs O(tokens) each time: on news-length articles that was most of the
rules' time. :func:`doc_text` keeps the joined text in ``doc.user_data``.
"""

from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["doc_text"]

_KEY = "tradewatch_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined on first use and then kept with the doc."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text
