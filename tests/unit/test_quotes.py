"""Direct quotes and speakers over wire-style passages, with the real spaCy model."""

from __future__ import annotations

import pytest
from spacy.language import Language

from quoting import only, quotes_of


def test_short_form_after_quote_resolves_to_full_name(nlp: Language) -> None:
    text = (
        "Japanese Trade Minister Hiroshige Seko defended the new licensing rules on Tuesday.\n\n"
        '"We have lost trust in South Korea\'s export management," Seko said.'
    )
    q = only(quotes_of(nlp, text))
    assert q.quote == "We have lost trust in South Korea's export management"
    assert text[q.start_char : q.end_char] == q.quote
    assert (q.speaker, q.speaker_kind, q.cue) == ("Hiroshige Seko", "named", "said")
    assert q.speaker_canonical == "Hiroshige Seko"


def test_curly_quotes_and_inverted_said_with_appositive(nlp: Language) -> None:
    text = (
        "“The measures are a legitimate review of export controls, not retaliation,” said "
        "Yasutoshi Nishimura, Japan’s minister of economy, trade and industry."
    )
    q = only(quotes_of(nlp, text))
    assert q.quote == "The measures are a legitimate review of export controls, not retaliation"
    assert (q.speaker, q.speaker_kind, q.cue) == ("Yasutoshi Nishimura", "named", "said")


def test_split_quote_is_one_quote(nlp: Language) -> None:
    text = (
        "Trade Minister Sung Yun-mo visited a chemical plant in Gongju on Monday.\n\n"
        '"We will not be shaken by these curbs," he said, "and we will make our own '
        'hydrogen fluoride within a year."'
    )
    q = only(quotes_of(nlp, text))
    assert q.quote == (
        "We will not be shaken by these curbs, and we will make our own hydrogen fluoride "
        "within a year."
    )
    span = text[q.start_char : q.end_char]
    assert span.startswith("We will not be shaken") and span.endswith("within a year.")
    assert '," he said, "' in span
    assert (q.speaker, q.speaker_kind, q.cue) == ("Sung Yun-mo", "pronoun", "said")


def test_multi_paragraph_quote(nlp: Language) -> None:
    text = (
        'Seko told a news conference in Tokyo: "We are asking Seoul to show that its export '
        "control system works, and that will take time.\n\n"
        '"Until then, individual licenses will be required for all three materials."\n\n'
        "The ministry gave no date for a review."
    )
    q = only(quotes_of(nlp, text))
    assert q.quote == (
        "We are asking Seoul to show that its export control system works, and that will "
        "take time. Until then, individual licenses will be required for all three materials."
    )
    assert text[q.start_char : q.end_char].count("\n\n") == 1
    assert (q.speaker, q.speaker_kind, q.cue) == ("Seko", "named", "told")


def test_told_reporters_with_pronoun(nlp: Language) -> None:
    text = (
        "President Moon Jae-in chaired an emergency meeting with business leaders.\n\n"
        '"Japan will pay a heavy price if it hurts our economy," he told reporters.'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("Moon Jae-in", "pronoun", "told")


def test_pronoun_takes_latest_person_outside_quotes(nlp: Language) -> None:
    text = (
        "Prime Minister Shinzo Abe spoke in Osaka, and Trade Minister Hiroshige Seko spoke "
        "later in Tokyo.\n\n"
        '"Our message to Moon Jae-in has not changed at all," he said.'
    )
    q = only(quotes_of(nlp, text))
    assert q.speaker == "Hiroshige Seko"
    assert q.speaker_kind == "pronoun"


def test_pronoun_without_any_person_stays_unresolved(nlp: Language) -> None:
    q = only(quotes_of(nlp, '"The shipments have simply stopped coming in," he said.'))
    assert (q.speaker, q.speaker_kind, q.cue) == (None, "pronoun", "said")


def test_according_to_descriptor(nlp: Language) -> None:
    text = (
        '"Stocks of high-purity etching gas will last about two months," according to an '
        "industry source in Seoul."
    )
    q = only(quotes_of(nlp, text))
    assert q.speaker_kind == "descriptor"
    assert q.speaker is not None and q.speaker.startswith("industry source")
    assert q.cue == "according to"


def test_leading_according_to(nlp: Language) -> None:
    text = (
        'According to a senior Foreign Ministry official, "Tokyo has not responded to any '
        'of our requests for talks."'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == (
        "senior Foreign Ministry official",
        "descriptor",
        "according to",
    )


def test_named_org_in_a_statement(nlp: Language) -> None:
    text = (
        '"The revised rules do not amount to an embargo on South Korea," METI said in a statement.'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("METI", "organisation", "said")
    assert q.speaker_canonical == "Ministry of Economy, Trade and Industry"


def test_colon_introduced_descriptor_with_org_inside(nlp: Language) -> None:
    text = (
        'A senior official at the Ministry of Trade, Industry and Energy said: "We will '
        'respond firmly and in kind to these unjust measures."'
    )
    q = only(quotes_of(nlp, text))
    assert q.speaker == "senior official at the Ministry of Trade, Industry and Energy"
    assert (q.speaker_kind, q.cue, q.speaker_canonical) == ("descriptor", "said", None)


def test_generic_ministry_is_an_unnamed_organisation(nlp: Language) -> None:
    text = '"Korean firms must diversify their suppliers of key materials," the ministry said.'
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("ministry", "organisation", "said")
    assert (q.speaker_canonical, q.speaker_text) == (None, "the ministry")


def test_foreign_ministry_official_descriptor(nlp: Language) -> None:
    text = (
        '"Removing Seoul from the white list is about security, not history," a Foreign '
        "Ministry official told Kyodo News on condition of anonymity."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == (
        "Foreign Ministry official",
        "descriptor",
        "told",
    )


def test_partial_quote_inside_indirect_speech(nlp: Language) -> None:
    text = (
        "Cheong Wa Dae spokeswoman Ko Min-jung said the curbs were "
        '"an act of economic retaliation over our court rulings."'
    )
    q = only(quotes_of(nlp, text))
    assert q.quote == "an act of economic retaliation over our court rulings."
    assert (q.speaker, q.speaker_kind, q.cue) == ("Ko Min-jung", "named", "said")


@pytest.mark.parametrize(
    "text",
    [
        'Tokyo dropped Seoul from its so-called "white list" of trusted partners.',
        'Officials called the plan "economic retaliation" and vowed to respond.',
        'Japan says the rules are "not an embargo," but Seoul disagrees.',
    ],
)
def test_scare_quotes_are_not_quotes(nlp: Language, text: str) -> None:
    assert quotes_of(nlp, text) == []


def test_floating_quote_inherits_previous_speaker(nlp: Language) -> None:
    text = (
        "Economy Minister Hong Nam-ki met the heads of Samsung Electronics and SK Hynix.\n\n"
        '"The government will support localization of key chip materials," Hong said. '
        '"We have set aside 2 trillion won for the next seven years."\n\n'
        '"No company will be left to face this alone."'
    )
    first, second, third = quotes_of(nlp, text)
    assert (first.speaker, first.cue) == ("Hong Nam-ki", "said")
    for floating in (second, third):
        assert (floating.speaker, floating.speaker_kind) == ("Hong Nam-ki", "named")
        assert floating.cue is None


def test_quote_after_a_sentence_attributing_someone_else_is_theirs(nlp: Language) -> None:
    text = (
        '"The curbs will hurt Japanese suppliers too," Hong Nam-ki said. Analysts in Tokyo '
        "noted that Stella Chemifa's profit had already fallen.\n\n"
        '"Nobody knows how long this standoff will last."'
    )
    first, second = quotes_of(nlp, text)
    assert first.speaker == "Hong Nam-ki"
    assert (second.speaker, second.speaker_kind, second.cue) == (
        "Analysts in Tokyo",
        "descriptor",
        "noted",
    )


def test_quote_after_a_narrative_sentence_about_no_one_is_unknown(nlp: Language) -> None:
    text = (
        '"The curbs will hurt Japanese suppliers too," Hong Nam-ki said. The yen fell 2 '
        "percent against the dollar on Tuesday.\n\n"
        '"Nobody knows how long this standoff will last."'
    )
    first, second = quotes_of(nlp, text)
    assert first.speaker == "Hong Nam-ki"
    assert (second.speaker, second.speaker_kind, second.cue) == (None, "unknown", None)


def test_unattributed_quote_is_unknown(nlp: Language) -> None:
    q = only(quotes_of(nlp, '"Trade should never be used as a weapon between neighbors."'))
    assert (q.speaker, q.speaker_kind, q.cue, q.speaker_canonical) == (None, "unknown", None, None)


def test_quoted_person_inside_quote_is_not_the_speaker(nlp: Language) -> None:
    text = (
        "Trade Minister Yoo Myung-hee briefed lawmakers.\n\n"
        '"I told Hiroshi Kajiyama that we want dialogue, not threats," she said.'
    )
    q = only(quotes_of(nlp, text))
    assert q.speaker == "Yoo Myung-hee"


def test_several_quotes_keep_order_and_offsets(nlp: Language) -> None:
    text = (
        "SEOUL, Aug. 2 (Yonhap) -- South Korea vowed to respond after Japan's Cabinet "
        "approved removing it from the white list.\n\n"
        '"We will take stern countermeasures against this reckless decision," President '
        "Moon Jae-in said in a televised address.\n\n"
        'Japanese Chief Cabinet Secretary Yoshihide Suga told reporters: "The decision '
        'is not aimed at any particular country."\n\n'
        '"It is deeply regrettable," an official at Samsung Electronics said.'
    )
    found = quotes_of(nlp, text)
    assert [q.speaker for q in found] == [
        "Moon Jae-in",
        "Yoshihide Suga",
        "official at Samsung Electronics",
    ]
    assert [q.speaker_kind for q in found] == ["named", "named", "descriptor"]
    assert [q.start_char for q in found] == sorted(q.start_char for q in found)
    for q in found:
        assert text[q.start_char : q.end_char] == q.quote


def test_appositive_relative_clause_does_not_steal_the_speaker(nlp: Language) -> None:
    q = only(quotes_of(nlp, '"This is a rule-based measure," Seko, who also heads METI, said.'))
    assert (q.speaker, q.speaker_kind, q.cue) == ("Seko", "named", "said")


def test_quote_ending_with_full_stop_is_not_attributed_to_next_sentence(nlp: Language) -> None:
    text = '"We regret the decision by Seoul today." Moon Jae-in said talks would go on.'
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == (None, "unknown")


def test_question_with_lowercase_pronoun_cue(nlp: Language) -> None:
    text = (
        "Trade Minister Yoo Myung-hee spoke at the National Assembly.\n\n"
        '"Why should our companies pay for a court ruling?" she asked lawmakers.'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("Yoo Myung-hee", "pronoun", "asked")


def test_unterminated_quote_is_dropped(nlp: Language) -> None:
    text = '"We will respond in due course, Seko said on Friday in Tokyo.\n\nThe ministry declined.'
    assert quotes_of(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "speaker", "kind", "canonical"),
    [
        (
            '"The impact on our chip lines will be limited," Japan\'s Foreign Ministry said.',
            "Foreign Ministry",
            "organisation",
            "Japanese Foreign Ministry",
        ),
        (
            '"The Japanese side has not explained its reasons," Seoul said.',
            "Seoul",
            "organisation",
            "Seoul",
        ),
        (
            '"We have enough stock for three months at most," officials said.',
            "officials",
            "descriptor",
            None,
        ),
        (
            '"We are reviewing all options to secure supplies," an SK Hynix spokesman said.',
            "SK Hynix spokesman",
            "descriptor",
            None,
        ),
        (
            '"Our members are suffering badly from the curbs," said the Korea International '
            "Trade Association, which represents 70,000 firms.",
            "Korea International Trade Association",
            "organisation",
            "Korea International Trade Association",
        ),
    ],
)
def test_organisations_and_groups(
    nlp: Language, text: str, speaker: str, kind: str, canonical: str | None
) -> None:
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.speaker_canonical) == (speaker, kind, canonical)
