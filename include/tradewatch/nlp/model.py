"""Load the spaCy pipeline once per process, with the domain EntityRuler in front of NER.

Loading a pipeline costs around a second (far more for transformer models) and Airflow
workers analyse many batches per process, so pipelines are cached by name. The ruler sits
before "ner" so gazetteer spans (materials, policies, companies the small models mislabel)
are fixed first and the statistical NER predicts around them.
"""

from __future__ import annotations

import logging
import threading

import spacy
from spacy.language import Language

from tradewatch.config import spacy_model_name
from tradewatch.nlp.entities import ruler_patterns
from tradewatch.nlp.gazetteer import load_gazetteer

__all__ = ["RULER_NAME", "ModelNotInstalledError", "load_model"]

logger = logging.getLogger(__name__)

RULER_NAME = "tradewatch_gazetteer"

_CACHE: dict[str, Language] = {}
_LOCK = threading.Lock()


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy pipeline is not installed in this environment."""


def load_model(name: str | None = None) -> Language:
    """Return the cached pipeline ``name`` (default: ``config.spacy_model_name()``)."""
    model = name or spacy_model_name()
    with _LOCK:
        nlp = _CACHE.get(model)
        if nlp is None:
            nlp = _build(model)
            _CACHE[model] = nlp
    return nlp


def _build(model: str) -> Language:
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotInstalledError(
            f"spaCy model {model!r} is not installed; install it (e.g. "
            f"`python -m spacy download {model}`) or set TRADEWATCH_SPACY_MODEL "
            f"to an installed pipeline"
        ) from exc
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe(
        "entity_ruler",
        name=RULER_NAME,
        config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"},
        **where,
    )
    patterns = ruler_patterns(load_gazetteer(), nlp.tokenizer)
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    logger.info("loaded spaCy model %s with %d gazetteer patterns", model, len(patterns))
    return nlp
