"""The Japanese pipeline: ginza (``ja_ginza``), loaded once per process, with the
gazetteer's Japanese names in front of its NER.

ginza tokenises with Sudachi, parses dependencies and tags 189 fine-grained entity labels,
but it does not know the domain: 水素 of フッ化水素 comes out as food, ポリイミド as a
facility, レジスト is missed, ステラケミファ is a person. The gazetteer component marks
the names it knows first, matched on the text (not on tokens, so Sudachi's splits do not
matter) and cut to token boundaries; ginza's NER then predicts around them.
"""

from __future__ import annotations

import logging
import os
import re
import threading

from spacy.language import Language
from spacy.tokens import Doc, Span

from tradewatch.nlp.gazetteer import load_gazetteer

__all__ = [
    "DEFAULT_MODEL",
    "FOREIGN_BEFORE",
    "GAZETTEER_COMPONENT",
    "load_model",
    "model_name",
    "person_surnames",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "ja_ginza"
GAZETTEER_COMPONENT = "tradewatch_gazetteer_ja"

# 中国外務省, 米財務省: another country's ministry, not the Japanese one the bare name means.
FOREIGN_BEFORE = re.compile(r"(?:中国|米国?|アメリカ|北朝鮮|ロシア|英国|台湾|欧州|仏|独)$")
_SURNAME = "名詞-固有名詞-人名-姓"

_CACHE: dict[str, Language] = {}
_SURNAMES: dict[str, dict[str, set[str]]] = {}
_LOCK = threading.Lock()


def model_name() -> str:
    """``$TRADEWATCH_JA_MODEL`` or ginza's ``ja_ginza``."""
    return os.environ.get("TRADEWATCH_JA_MODEL") or DEFAULT_MODEL


def load_model(name: str | None = None) -> Language:
    """The cached Japanese pipeline ``name`` with the gazetteer component."""
    from tradewatch.nlp.model import ModelNotInstalledError

    model = name or model_name()
    with _LOCK:
        nlp = _CACHE.get(model)
        if nlp is None:
            import spacy

            try:
                nlp = spacy.load(model)
            except OSError as exc:
                raise ModelNotInstalledError(
                    f"Japanese spaCy model {model!r} is not installed; install ja-ginza or set "
                    "TRADEWATCH_JA_MODEL to an installed Japanese pipeline"
                ) from exc
            where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
            nlp.add_pipe(GAZETTEER_COMPONENT, **where)
            _CACHE[model] = nlp
            logger.info("loaded Japanese spaCy model %s", model)
    return nlp


def person_surnames(nlp: Language) -> dict[str, set[str]]:
    """Family name -> canonical names of the gazetteer's people with it, by Sudachi's own
    reading of their Japanese names (菅|義偉 and 菅原|一秀 share no family name)."""
    key = nlp.meta.get("name", "") + nlp.meta.get("version", "")
    if key not in _SURNAMES:
        found: dict[str, set[str]] = {}
        for name, entry in load_gazetteer().names_in("ja"):
            if entry.label != "PERSON":
                continue
            first = nlp.make_doc(name)[0]
            if first.tag_ == _SURNAME and first.text != name:
                found.setdefault(first.text, set()).add(entry.canonical)
        _SURNAMES[key] = found
    return _SURNAMES[key]


@Language.component(GAZETTEER_COMPONENT)
def mark_gazetteer_names(doc: Doc) -> Doc:
    """Set the gazetteer's Japanese names as the doc's entities (label, canonical as id)."""
    pattern, entries = _matcher()
    spans: list[Span] = []
    taken = 0
    for match in pattern.finditer(doc.text):
        start, end = match.span()
        entry = entries[match.group()]
        if start < taken or (
            entry.label == "ORG" and FOREIGN_BEFORE.search(doc.text, max(0, start - 5), start)
        ):
            continue
        span = doc.char_span(start, end, label=entry.label)
        if span is None:  # the name is part of a longer token (日本 of 日本人): not this name
            continue
        span.id_ = entry.canonical
        spans.append(span)
        taken = end
    doc.ents = spans
    return doc


_MATCHERS: dict[int, tuple[re.Pattern[str], dict]] = {}


def _matcher() -> tuple[re.Pattern[str], dict]:
    """One alternation of every Japanese name, longest first, and what each name means."""
    gazetteer = load_gazetteer()
    key = id(gazetteer)
    if key not in _MATCHERS:
        names = gazetteer.names_in("ja")
        entries = {}
        for name, entry in names:
            entries.setdefault(name, entry)
        alternation = "|".join(
            rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])" if name.isascii() else re.escape(name)
            for name in entries
        )
        _MATCHERS[key] = (re.compile(alternation or r"(?!)"), entries)
    return _MATCHERS[key]
