"""The public NLP API: pre-filter, batching through spaCy, versioning, model loading."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tradewatch.config import spacy_model_name
from tradewatch.models import Analysis, from_dict, to_dict
from tradewatch.nlp import EXTRACTION_VERSION, ModelNotInstalledError, analyze_texts, load_model
from tradewatch.nlp.model import RULER_NAME

RELEVANT = (
    "Japan curbs exports of chip materials to South Korea",
    "TOKYO, July 1 (Kyodo) -- Japan will tighten exports of photoresist, hydrogen fluoride "
    "and fluorinated polyimide to South Korea from Thursday, the trade ministry said.\n\n"
    "Trade Minister Hiroshige Seko said the step followed a loss of trust between the two "
    "countries over export management.\n\n"
    '"This is not a countermeasure against South Korea," Seko told reporters. "It is a '
    'review of our export controls."',
)
IRRELEVANT = (
    "Korean films sweep awards in Tokyo",
    'Two Korean films won top prizes at the Tokyo festival. "We are honored to be here '
    'tonight," director Park Chan-wook said.',
)


def test_relevant_items_get_entities_and_quotes(nlp: Language) -> None:
    relevant, other = analyze_texts([RELEVANT, IRRELEVANT])
    assert relevant.relevant and relevant.relevance >= 0.5
    assert "semiconductor_materials" in relevant.topics and relevant.evidence
    canonicals = {e.canonical for e in relevant.entities}
    assert {"Hiroshige Seko", "photoresist", "South Korea", "Japan"} <= canonicals
    assert [q.speaker for q in relevant.quotes] == ["Hiroshige Seko", "Hiroshige Seko"]
    text = RELEVANT[1]
    for q in relevant.quotes:
        assert text[q.start_char : q.end_char] == q.quote
    for e in relevant.entities:
        assert text[e.start_char : e.end_char] == e.text
    assert not other.relevant
    assert other.entities == [] and other.quotes == []
    assert other.evidence


def test_full_runs_spacy_on_everything(nlp: Language) -> None:
    _, other = analyze_texts([RELEVANT, IRRELEVANT], full=True)
    assert not other.relevant
    assert other.quotes and other.quotes[0].speaker == "Park Chan-wook"
    assert any(e.canonical == "Tokyo" for e in other.entities)


def test_threshold_controls_relevance(nlp: Language) -> None:
    strict = analyze_texts([RELEVANT], threshold=1.01)[0]
    assert not strict.relevant and strict.entities == []
    lenient = analyze_texts([IRRELEVANT], threshold=0.0)[0]
    assert lenient.relevant and lenient.quotes


def test_every_analysis_is_versioned_and_round_trips(nlp: Language) -> None:
    results = analyze_texts([RELEVANT, IRRELEVANT, (None, "")])
    assert len(results) == 3
    assert {a.extraction_version for a in results} == {EXTRACTION_VERSION}
    assert EXTRACTION_VERSION
    for a in results:
        assert from_dict(Analysis, to_dict(a)) == a


def test_empty_input() -> None:
    assert analyze_texts([]) == []


def test_model_is_cached_and_has_ruler_before_ner(nlp: Language) -> None:
    assert load_model() is nlp
    assert load_model(spacy_model_name()) is nlp
    names = nlp.pipe_names
    assert names.index(RULER_NAME) < names.index("ner")


def test_missing_model_has_clear_error() -> None:
    with pytest.raises(
        ModelNotInstalledError, match=r"en_core_web_missing_xx.*TRADEWATCH_SPACY_MODEL"
    ):
        load_model("en_core_web_missing_xx")


def test_model_name_comes_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWATCH_SPACY_MODEL", "en_core_web_missing_yy")
    with pytest.raises(ModelNotInstalledError, match="en_core_web_missing_yy"):
        load_model()
    with pytest.raises(ModelNotInstalledError, match="en_core_web_missing_yy"):
        analyze_texts([RELEVANT])
    assert analyze_texts([IRRELEVANT])[0].entities == []
