"""Gazetteer loading and entity canonicalisation, with the real spaCy model."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from tradewatch.models import EntityMention
from tradewatch.nlp.entities import (
    clean_span,
    extract_entities,
    resolve_person,
    strip_titles,
)
from tradewatch.nlp.gazetteer import GAZETTEER_FILES, GazetteerError, gazetteer_dir, load_gazetteer


def ents(nlp: Language, text: str) -> list[EntityMention]:
    found = extract_entities(nlp(text))
    for m in found:
        assert text[m.start_char : m.end_char] == m.text
    return found


def by_text(mentions: list[EntityMention]) -> dict[str, EntityMention]:
    return {m.text: m for m in mentions}


ARTICLE = (
    "TOKYO, July 4 (Kyodo) -- Japan's trade ministry on Thursday began requiring licenses for "
    "exports of photoresist, etching gas and fluorinated polyimide to South Korea.\n\n"
    "Economy, Trade and Industry Minister Hiroshige Seko said the step was needed because "
    "Seoul had not managed sensitive goods properly. METI will also consider removing S. Korea "
    "from its white list, a move critics say would hurt Samsung Electronics and SK Hynix.\n\n"
    "Seko denied the measures were linked to the wartime labor dispute. Stella Chemifa's "
    "shipments to Soulbrain and other buyers have stalled, the company said."
)


def test_aliases_map_to_one_canonical(nlp: Language) -> None:
    found = by_text(ents(nlp, ARTICLE))
    meti = "Ministry of Economy, Trade and Industry"
    assert found["Japan's trade ministry"].canonical == meti
    assert found["METI"].canonical == meti
    assert found["METI"].label == "ORG"
    assert found["S. Korea"].canonical == "South Korea"
    assert found["South Korea"].canonical == "South Korea"
    assert found["etching gas"].canonical == "hydrogen fluoride"


def test_domain_labels(nlp: Language) -> None:
    found = by_text(ents(nlp, ARTICLE))
    assert found["photoresist"].label == "MATERIAL"
    assert found["fluorinated polyimide"].label == "MATERIAL"
    assert found["white list"].label == "POLICY"
    for company in ("Samsung Electronics", "SK Hynix", "Soulbrain", "Stella Chemifa"):
        assert found[company].label == "ORG", company


def test_surname_resolves_to_full_name_in_same_article(nlp: Language) -> None:
    seko = [m for m in ents(nlp, ARTICLE) if m.label == "PERSON"]
    assert {m.canonical for m in seko} == {"Hiroshige Seko"}
    assert [m.text for m in seko] == ["Hiroshige Seko", "Seko"]


def test_surname_before_full_name_still_resolves(nlp: Language) -> None:
    text = (
        "Seko defended the curbs on Friday.\n\n"
        "Japanese Trade Minister Hiroshige Seko said exports of the materials would resume."
    )
    people = [m for m in ents(nlp, text) if m.label == "PERSON"]
    assert people[0].text == "Seko"
    assert {m.canonical for m in people} == {"Hiroshige Seko"}


def test_surname_without_full_name_stays_as_written(nlp: Language) -> None:
    found = ents(nlp, "Trade chief Seko met Yoo Myung-hee on Friday in Tokyo.")
    people = {m.text: m.canonical for m in found if m.label == "PERSON"}
    assert people.get("Seko", "Seko") == "Seko"
    assert people["Yoo Myung-hee"] == "Yoo Myung-hee"


def test_possessive_and_leading_the_are_stripped(nlp: Language) -> None:
    text = (
        "An official at the Ministry of Trade, Industry and Energy said Stella Chemifa's "
        "deliveries had resumed."
    )
    found = by_text(ents(nlp, text))
    motie = found["Ministry of Trade, Industry and Energy"]
    assert motie.canonical == "Ministry of Trade, Industry and Energy"
    assert text[motie.start_char - 4 : motie.start_char] == "the "
    assert "Stella Chemifa" in found
    assert not any(m.text.endswith("'s") for m in found.values())


def test_verb_resist_is_not_a_material(nlp: Language) -> None:
    text = (
        "Seoul will resist pressure from Tokyo. Shipments of resist to Samsung have slowed, "
        "and EUV resist stocks are low."
    )
    materials = [m for m in ents(nlp, text) if m.label == "MATERIAL"]
    assert [m.text for m in materials] == ["resist", "EUV resist"]
    assert materials[0].start_char > text.index("Shipments")
    assert all(m.canonical == "photoresist" for m in materials)


def test_only_kept_labels_are_returned(nlp: Language) -> None:
    found = ents(nlp, ARTICLE)
    assert {m.label for m in found} <= {"PERSON", "ORG", "GPE", "LOC", "NORP", "MATERIAL", "POLICY"}
    assert not any(m.text in {"July 4", "Thursday"} for m in found)


def test_north_korea_is_not_south_korea(nlp: Language) -> None:
    found = by_text(ents(nlp, "Japan also keeps sanctions on North Korea and trades with ROK."))
    assert found["North Korea"].canonical == "North Korea"
    assert found["ROK"].canonical == "South Korea"


def test_acronym_aliases_are_case_sensitive(nlp: Language) -> None:
    found = ents(nlp, "Tokyo Ohka Kogyo, known as TOK, said its tok kit was unrelated.")
    assert [m.text for m in found if m.canonical == "Tokyo Ohka Kogyo"] == [
        "Tokyo Ohka Kogyo",
        "TOK",
    ]


def test_gazetteer_files_are_well_formed() -> None:
    gaz = load_gazetteer()
    assert {p.stem for p in gazetteer_dir().glob("*.yaml")} >= set(GAZETTEER_FILES)
    assert gaz.lookup("meti").canonical == "Ministry of Economy, Trade and Industry"
    assert gaz.lookup("MOTIE").canonical == "Ministry of Trade, Industry and Energy"
    assert gaz.lookup("Cheong Wa Dae").label == "ORG"
    assert gaz.lookup("Group A").canonical == "white list"
    assert gaz.lookup("GSOMIA").label == "POLICY"
    canonicals = [e.canonical for e in gaz.entries]
    assert len(canonicals) == len(set(canonicals))


def test_gazetteer_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "materials.yaml").write_text(
        "- canonical: neon gas\n  label: material\n  aliases: [neon]\n", encoding="utf-8"
    )
    monkeypatch.setenv("TRADEWATCH_GAZETTEER_DIR", str(tmp_path))
    assert gazetteer_dir() == tmp_path
    gaz = load_gazetteer()
    assert [e.canonical for e in gaz.entries] == ["neon gas"]
    assert gaz.lookup("Neon").label == "MATERIAL"


def test_malformed_gazetteer_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text("- label: POLICY\n  aliases: [x]\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="canonical"):
        load_gazetteer(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the Foreign Ministry", "Foreign Ministry"),
        ("Stella Chemifa's", "Stella Chemifa"),
        ("Samsung’s", "Samsung"),
        ("The WTO,", "WTO"),
        ("the", "the"),
    ],
)
def test_clean_span(raw: str, expected: str) -> None:
    start, end = clean_span(raw, 0, len(raw))
    assert raw[start:end] == expected


def test_resolve_person_prefers_latest_full_name() -> None:
    names = ["Moon Jae-in", "Hiroshige Seko", "Yasutoshi Nishimura"]
    assert resolve_person("Seko", names) == "Hiroshige Seko"
    assert resolve_person("Mr. Seko", names) == "Hiroshige Seko"
    assert resolve_person("Moon", names) == "Moon Jae-in"
    assert resolve_person("Kishida", names) == "Kishida"


def test_person_titles_and_hyphenated_given_names(nlp: Language) -> None:
    text = "President Moon Jae-in said Seoul would respond. Moon spoke in Busan."
    people = [m for m in ents(nlp, text) if m.label == "PERSON"]
    assert [m.text for m in people] == ["Moon Jae-in", "Moon"]
    assert {m.canonical for m in people} == {"Moon Jae-in"}


def test_strip_titles() -> None:
    assert strip_titles("Chief Cabinet Secretary Yoshihide Suga") == "Yoshihide Suga"
    assert strip_titles("Trade Minister Seko") == "Seko"
    assert strip_titles("President") == "President"
