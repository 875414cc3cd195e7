"""Extraction-quality behaviours: titles, model-noise filters, org anaphora, quote layouts
and relevance of stories that mention a Korea-Japan trade measure in passing."""

from __future__ import annotations

from spacy.language import Language

from tradewatch.models import EntityMention, Quote
from tradewatch.nlp.entities import extract_entities
from tradewatch.nlp.quotes import extract_quotes
from tradewatch.nlp.relevance import score_relevance


def ents(nlp: Language, text: str) -> list[EntityMention]:
    found = extract_entities(nlp(text))
    for m in found:
        assert text[m.start_char : m.end_char] == m.text
    return found


def quotes(nlp: Language, text: str) -> list[Quote]:
    doc = nlp(text)
    found = extract_quotes(doc, extract_entities(doc))
    for q in found:
        assert text[q.start_char : q.end_char].startswith(q.quote.split()[0])
    return found


def person_titles(found: list[EntityMention]) -> dict[str, str | None]:
    return {m.text: m.title for m in found if m.label == "PERSON"}


# --- entities --------------------------------------------------------------------------------


def test_title_before_the_name(nlp: Language) -> None:
    found = ents(nlp, "Trade Minister Ahn Duk-geun met business leaders in Seoul on Monday.")
    assert person_titles(found) == {"Ahn Duk-geun": "Trade Minister"}


def test_appositive_titles_without_leading_article(nlp: Language) -> None:
    text = (
        "Kim Jong-hoon, a researcher at the Korea Institute for Industrial Economics and Trade, "
        "said the data were clear. Koo Ja-yeol, president of the Korea International Trade "
        "Association, welcomed the deal."
    )
    titles = person_titles(ents(nlp, text))
    assert titles["Kim Jong-hoon"] == (
        "researcher at the Korea Institute for Industrial Economics and Trade"
    )
    assert titles["Koo Ja-yeol"] == "president of the Korea International Trade Association"


def test_no_title_for_a_bare_name(nlp: Language) -> None:
    text = "Hiroshige Seko visited Seoul. Later, Seko said the talks went well."
    assert set(person_titles(ents(nlp, text)).values()) == {None}


def test_portfolio_inside_a_title_is_not_an_org(nlp: Language) -> None:
    text = "Economy, Trade and Industry Minister Yasutoshi Nishimura spoke in Tokyo."
    found = ents(nlp, text)
    assert not [m for m in found if m.label == "ORG"]
    assert person_titles(found) == {"Yasutoshi Nishimura": "Economy, Trade and Industry Minister"}


def test_model_noise_is_filtered(nlp: Language) -> None:
    text = (
        "SEOUL, Aug. 2 (Yonhap) -- The Cabinet approved the plan. Demand for the extreme "
        "ultraviolet (EUV) resist rose, and Japanese suppliers still lead in EUV."
    )
    orgs = {m.text for m in ents(nlp, text) if m.label == "ORG"}
    assert not orgs & {"Yonhap", "Cabinet", "EUV"}


def test_place_inside_an_org_name_and_korean_names(nlp: Language) -> None:
    text = (
        'Imports fell, according to the Korea Customs Service. "It is a real risk," said '
        "Choi Do-yeon, an analyst at a Seoul brokerage."
    )
    found = ents(nlp, text)
    assert "Korea Customs Service" in {m.canonical for m in found if m.label == "ORG"}
    assert "Choi Do-yeon" in {m.canonical for m in found if m.label == "PERSON"}


def test_generic_ministry_gets_its_country(nlp: Language) -> None:
    text = "China's Commerce Ministry said on Monday that the Japanese Foreign Ministry erred."
    orgs = {m.canonical for m in ents(nlp, text) if m.label == "ORG"}
    assert orgs == {"Chinese Commerce Ministry", "Japanese Foreign Ministry"}


def test_common_word_is_not_a_person(nlp: Language) -> None:
    text = "Scallop producers in Hokkaido said exports had collapsed since the ban."
    assert not [m for m in ents(nlp, text) if m.label == "PERSON"]


# --- quotes ----------------------------------------------------------------------------------


def test_descriptor_speakers_drop_the_article(nlp: Language) -> None:
    text = '"We are watching closely," a senior official at the Foreign Ministry told reporters.'
    (q,) = quotes(nlp, text)
    assert (q.speaker, q.speaker_kind) == ("senior official at the Foreign Ministry", "descriptor")


def test_the_ministry_is_the_named_ministry_that_spoke(nlp: Language) -> None:
    text = (
        "The Ministry of Trade, Industry and Energy said its officials met counterparts from "
        "Japan's Ministry of Economy, Trade and Industry.\n\n"
        '"Both sides explained the changes made to their systems," the ministry said.'
    )
    (q,) = quotes(nlp, text)
    assert q.speaker_kind == "organisation"
    assert q.speaker_canonical == "Ministry of Trade, Industry and Energy"


def test_colon_after_a_non_speech_verb(nlp: Language) -> None:
    text = 'Koo Ja-yeol was blunt: "Japan must drop the remaining restrictions now."'
    (q,) = quotes(nlp, text)
    assert (q.speaker, q.speaker_kind) == ("Koo Ja-yeol", "named")


def test_attribution_in_the_next_sentence(nlp: Language) -> None:
    text = (
        '"Supply chains are more resilient than ever before." The remark came from Yasutoshi '
        "Nishimura, Japan's trade minister, at a news conference."
    )
    (q,) = quotes(nlp, text)
    assert (q.speaker, q.speaker_kind) == ("Yasutoshi Nishimura", "named")


def test_cue_before_the_quote_wins_over_the_next_sentence(nlp: Language) -> None:
    text = (
        'Members of a civic group held up placards and chanted, "Japan, stop distorting '
        'history now!" Police said the rally ended peacefully.'
    )
    (q,) = quotes(nlp, text)
    assert (q.speaker, q.cue) == ("Members of a civic group", "chanted")


def test_quoted_names_are_not_quotes(nlp: Language) -> None:
    text = 'The exhibition "Friendship Across the Strait" opened on Saturday in Tsushima.'
    assert quotes(nlp, text) == []


def test_no_inheritance_across_a_narrative_sentence(nlp: Language) -> None:
    text = (
        '"I do not feel comfortable buying it anymore," said Park Ji-young, an office worker.'
        '\n\nNot everyone agrees. "Consumers should be free to choose without shame." That '
        "comment was posted anonymously."
    )
    first, second = quotes(nlp, text)
    assert first.speaker == "Park Ji-young"
    assert (second.speaker, second.speaker_kind) == (None, "unknown")


def test_pronoun_prefers_the_subject_over_a_later_object(nlp: Language) -> None:
    text = (
        "Trade Minister Ahn Duk-geun met Japanese Economy Minister Yasutoshi Nishimura in Tokyo."
        '\n\n"We agreed to keep talking about export controls," he told reporters.'
    )
    (q,) = quotes(nlp, text)
    assert (q.speaker, q.speaker_kind) == ("Ahn Duk-geun", "pronoun")


def test_said_then_second_span_is_two_quotes_with_one_speaker(nlp: Language) -> None:
    text = (
        '"We will respond firmly to any new restriction," Ahn Duk-geun said. "Our companies '
        'cannot be hostage to politics."'
    )
    first, second = quotes(nlp, text)
    assert first.speaker == second.speaker == "Ahn Duk-geun"
    assert second.cue is None


# --- relevance -------------------------------------------------------------------------------


def test_trade_measure_in_a_history_story_is_relevant() -> None:
    result = score_relevance(
        "Seoul protests Japan's textbooks on Dokdo",
        "South Korea lodged a protest after Japan approved textbooks claiming Dokdo. The "
        "textbooks also describe the comfort women issue vaguely.\n\nThe row comes weeks after "
        "Japan lifted its 2019 export curbs on photoresist and hydrogen fluoride to South Korea.",
    )
    assert result.score >= 0.5
    assert any("trade measure" in e for e in result.evidence)


def test_us_china_chip_curbs_stay_irrelevant() -> None:
    result = score_relevance(
        "US tightens chip export curbs on China",
        "The United States tightened export controls on chips to China. Samsung and SK Hynix, "
        "which run plants in China, received waivers. Japan and the Netherlands joined the "
        "curbs on China.",
    )
    assert result.score < 0.5


def test_bylines_are_not_people_in_the_story(nlp: Language) -> None:
    text = (
        "By Kim Soo-yeon\n\nSEOUL, Aug. 2 (Yonhap) -- Trade Minister Ahn Duk-geun said the talks "
        "went well.\n\n(Reporting by Sakura Murakami; Editing by Lincoln Feast)\n\n"
        "Kim Eun-jung (ejkim@yna.co.kr)"
    )
    people = {m.canonical for m in ents(nlp, text) if m.label == "PERSON"}
    assert people == {"Ahn Duk-geun"}


def test_the_minister_is_the_titled_person(nlp: Language) -> None:
    text = (
        "Trade Minister Ahn Duk-geun met Japanese business leaders in Tokyo.\n\n"
        '"We have turned a page in our trade relations," the minister told reporters.'
    )
    (q,) = quotes(nlp, text)
    assert (q.speaker, q.speaker_kind, q.cue) == ("Ahn Duk-geun", "named", "told")


def test_the_official_keeps_the_fuller_earlier_description(nlp: Language) -> None:
    text = (
        "A senior official of the Ministry of Economy, Trade and Industry briefed reporters.\n\n"
        '"That is not something we are assuming at this stage," the official said.'
    )
    (q,) = quotes(nlp, text)
    assert q.speaker == "senior official of the Ministry of Economy, Trade and Industry"
    assert q.speaker_kind == "descriptor"


def test_name_particles_and_short_forms(nlp: Language) -> None:
    text = (
        "District mayor Stephan von Dassel said the district wanted time.\n\n"
        '"We need time to examine carefully the concerns," von Dassel said.'
    )
    people = {m.canonical for m in ents(nlp, text) if m.label == "PERSON"}
    assert people == {"Stephan von Dassel"}
    (q,) = quotes(nlp, text)
    assert q.speaker == "Stephan von Dassel"
