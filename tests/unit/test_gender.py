"""Gender evidence for resolving he/she: the given-name lists and what they decide."""

from __future__ import annotations

from spacy.language import Language

from tradewatch.nlp.entities import extract_entities
from tradewatch.nlp.gender import _given_names, genders


def test_no_given_name_is_listed_as_both_genders() -> None:
    female, male = _given_names()
    assert female and male
    assert female & male == set()


def test_given_names_decide_when_the_article_gives_no_other_evidence(nlp: Language) -> None:
    text = (
        "Steve Park, a chip analyst at a Seoul brokerage, and Luis Moreno, a trade lawyer in "
        "Geneva, spoke at the forum. Sophie Lee of the Korea International Trade Association "
        "chaired it."
    )
    doc = nlp(text)
    persons = [m for m in extract_entities(doc) if m.label == "PERSON"]
    found = genders(doc, persons)
    assert (found["Steve Park"], found["Luis Moreno"], found["Sophie Lee"]) == ("m", "m", "f")
