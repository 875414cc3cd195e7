"""Who said it, on layouts real copy uses: titles around names, texts and outlets as sources,
attribution outside the quote's sentence, transcripts, captions and pronouns that must agree.

Every passage is written here in the style of Korean and Japanese English-language wire copy;
the real spaCy model runs on each.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from quoting import only, quotes_of
from tradewatch.models import Quote


def who(q: Quote) -> tuple[str | None, str, str | None]:
    return q.speaker, q.speaker_kind, q.attribution


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            '"We will not accept a trade deal that ignores our farmers," said Rep. Kim '
            "Min-seok (Democratic Party), who chairs the committee.",
            "Kim Min-seok",
        ),
        (
            '"Our port workers will pay for this decision in Tokyo," said Gov. Park Wan-su of '
            "South Gyeongsang Province.",
            "Park Wan-su",
        ),
        (
            '"The export curbs were always about security, not history," said retired Lt. Gen. '
            "Yamaguchi Noboru.",
            "Yamaguchi Noboru",
        ),
        (
            '"Nobody in Seoul expected the curbs to last this long," Chung Eui-yong, a senior '
            "adviser to the presidential office, told reporters.",
            "Chung Eui-yong",
        ),
        (
            # the parser ends the subject at "Capt": the name after the title speaks
            '"The export curbs will not change our plans for the Pyeongtaek line," said Army '
            "Capt. Ahn Jae-won, who spoke at the base.",
            "Ahn Jae-won",
        ),
    ],
)
def test_titles_and_affiliations_around_a_name(nlp: Language, text: str, speaker: str) -> None:
    q = only(quotes_of(nlp, text))
    assert who(q) == (speaker, "named", "cue")


def test_a_document_is_its_own_kind(nlp: Language) -> None:
    text = (
        '"Japan remains a reliable supplier of high-purity hydrogen fluoride to its partners," '
        "the ministry's statement read."
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("ministry's statement", "document", "cue")
    assert (q.speaker_text, q.cue, q.speaker_canonical) == (
        "the ministry's statement",
        "read",
        None,
    )


def test_outlets_are_media_named_or_not(nlp: Language) -> None:
    named = only(
        quotes_of(
            nlp,
            '"Shipments of photoresist to South Korea resumed on Monday," Kyodo News reported, '
            "citing trade officials.",
        )
    )
    assert (named.speaker, named.speaker_kind, named.speaker_canonical) == (
        "Kyodo News",
        "media",
        "Kyodo News",
    )
    described = only(
        quotes_of(
            nlp,
            "The daily did not say how it obtained the memo.\n\n"
            '"Seoul will answer any new restriction within a week," the newspaper said.',
        )
    )
    assert (described.speaker, described.speaker_kind) == ("newspaper", "media")


def test_a_named_organisation_links_to_its_canonical_entity(nlp: Language) -> None:
    text = (
        "The Ministry of Economy, Trade and Industry announced the decision on Friday.\n\n"
        '"The measures were reviewed in line with our export control rules," METI said in '
        "a statement."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.speaker_canonical) == (
        "METI",
        "organisation",
        "Ministry of Economy, Trade and Industry",
    )


def test_whoever_is_quoted_as_saying_said_it(nlp: Language) -> None:
    text = (
        "Trade Minister Ahn Duk-geun spoke to the Korea Herald on Tuesday.\n\n"
        '"The two governments have rebuilt trust step by step," the newspaper quoted him as '
        "saying."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.speaker_text) == ("Ahn Duk-geun", "pronoun", "him")


@pytest.mark.parametrize(
    ("text", "speaker", "kind", "cue"),
    [
        (
            "Trade Minister Hiroshige Seko wrote on Twitter:\n\n"
            '"The review of export controls is not retaliation and has nothing to do with the '
            'wartime labor issue."',
            "Hiroshige Seko",
            "named",
            "wrote",
        ),
        (
            "The ministry said in a statement:\n\n"
            '"We will respond firmly to any measure that harms our companies."',
            "ministry",
            "organisation",
            "said",
        ),
    ],
)
def test_attribution_in_the_paragraph_before(
    nlp: Language, text: str, speaker: str, kind: str, cue: str
) -> None:
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue, q.attribution) == (
        speaker,
        kind,
        cue,
        "previous_sentence",
    )


def test_a_quote_paragraph_after_the_paragraph_that_introduces_its_speaker(
    nlp: Language,
) -> None:
    text = (
        "Park Jae-hyun, who runs a small chemical supplier in Ansan, has watched orders from "
        "Samsung fall for three months. He now sells to Chinese buyers.\n\n"
        '"If the curbs last another year, half of the suppliers in this town will be gone."'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.speaker_text, q.attribution) == (
        "Park Jae-hyun",
        "pronoun",
        "He",
        "previous_sentence",
    )


def test_question_and_answer_labels(nlp: Language) -> None:
    text = (
        "The following is an excerpt from the interview.\n\n"
        "Q: Will the curbs be lifted?\n\n"
        'A: "We have seen real progress, and I expect a decision soon."\n\n'
        'KIM: "Our companies have already diversified their suppliers of photoresist."'
    )
    answer, labelled = quotes_of(nlp, text)
    assert who(answer) == (None, "unknown", None)  # "A" names nobody
    assert (labelled.speaker_text, labelled.speaker_kind, labelled.attribution) == (
        "KIM",
        "named",
        "transcript",
    )


def test_a_transcript_quoted_paragraph_by_paragraph_is_one_quote_per_turn(
    nlp: Language,
) -> None:
    text = (
        "Economy Minister Hong Nam-ki appeared on a KBS talk show on Sunday.\n\n"
        '"HOST: Will the government retaliate against the curbs?\n\n'
        '"HONG: We are preparing every option. But our first choice is dialogue.\n\n'
        '"That has not changed since July.\n\n'
        '"HOST: And if dialogue fails?"'
    )
    host, hong, host_again = quotes_of(nlp, text)
    assert host.quote == "Will the government retaliate against the curbs?"
    assert hong.quote.startswith("We are preparing every option.")
    assert hong.quote.endswith("That has not changed since July.")
    assert (hong.speaker, hong.speaker_text, hong.attribution) == (
        "Hong Nam-ki",
        "HONG",
        "transcript",
    )
    assert host_again.quote == "And if dialogue fails?"
    assert host.speaker_text == host_again.speaker_text == "HOST"
    for q in (host, hong, host_again):
        assert not q.quote.startswith(("HOST", "HONG"))


def test_pronoun_agrees_in_gender(nlp: Language) -> None:
    she = only(
        quotes_of(
            nlp,
            "Foreign Minister Kang Kyung-wha met her Japanese counterpart Taro Kono in "
            "Bangkok on Thursday.\n\n"
            '"We agreed that dialogue must continue at every level," she told reporters after '
            "the talks.",
        )
    )
    assert (she.speaker, she.speaker_kind, she.speaker_text) == (
        "Kang Kyung-wha",
        "pronoun",
        "she",
    )
    he = only(
        quotes_of(
            nlp,
            "Japanese Foreign Minister Taro Kono met South Korean Foreign Minister Kang "
            "Kyung-wha in Bangkok on Thursday.\n\n"
            '"Seoul must correct its violation of international law," he said.',
        )
    )
    assert (he.speaker, he.speaker_text) == ("Taro Kono", "he")


def test_a_chain_of_he_goes_back_to_the_name_that_began_it(nlp: Language) -> None:
    text = (
        "Trade Minister Hiroshige Seko met Hong Nam-ki in Geneva on Monday. He later flew to "
        "Tokyo, where he briefed Prime Minister Shinzo Abe's aides on the talks. He was "
        "upbeat.\n\n"
        '"We made more progress than either side expected," he said.'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == ("Hiroshige Seko", "pronoun")


def test_it_resolves_to_the_organisation(nlp: Language) -> None:
    text = (
        "Samsung Electronics said it had secured enough photoresist for the third quarter.\n\n"
        '"Our production lines are running normally," it said in a statement.'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.speaker_text) == ("Samsung Electronics", "pronoun", "it")


def test_wrote_adding_keeps_the_parts_in_one_quote_with_one_speaker(nlp: Language) -> None:
    text = (
        '"The curbs were a mistake from the start," Ahn Duk-geun wrote in a statement, adding, '
        '"We expect Tokyo to restore the white list status within weeks."'
    )
    q = only(quotes_of(nlp, text))
    assert q.quote == (
        "The curbs were a mistake from the start, We expect Tokyo to restore the white list "
        "status within weeks."
    )
    assert (q.speaker, q.speaker_kind, q.cue) == ("Ahn Duk-geun", "named", "wrote")


def test_dash_attributions(nlp: Language) -> None:
    text = (
        '"We stopped buying Japanese beer in July and we are not going back." ― Lee Ji-eun, '
        "29, Seoul\n\n"
        '"Politics should not decide what I drink on a Friday night." ― Oh Sang-min, 41, '
        "Incheon"
    )
    first, second = quotes_of(nlp, text)
    assert who(first) == ("Lee Ji-eun", "named", "dash")
    assert who(second) == ("Oh Sang-min", "named", "dash")


def test_caption_lines_name_the_quote_they_stand_before(nlp: Language) -> None:
    text = (
        "Residents of Tsushima described the summer in a few words.\n\n"
        "Kim Jae-won, 52, inn owner\n\n"
        '"Half of my rooms were empty in August, and the ferries were full of empty seats."\n\n'
        "Matsuda Keiko, 67, souvenir seller\n\n"
        '"I miss the Korean tourists. They came every weekend before the boycott."'
    )
    first, second = quotes_of(nlp, text)
    assert who(first) == ("Kim Jae-won", "named", "caption")
    assert who(second) == ("Matsuda Keiko", "named", "caption")


def test_the_verb_whose_clause_holds_the_quote_beats_a_nearby_one(nlp: Language) -> None:
    text = (
        'Yoo Myung-hee said the restrictions were "applied only to Korea, with no reasonable '
        'grounds," and that Tokyo had produced no evidence of the handling it has alleged.'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.cue, q.attribution) == ("Yoo Myung-hee", "said", "cue")


def test_a_partial_quote_in_narrative_takes_the_clause_subject(nlp: Language) -> None:
    text = (
        "Hong Nam-ki likened the curbs to a blockade that would leave suppliers "
        '"with nowhere to sell their chemicals."'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.cue, q.attribution) == ("Hong Nam-ki", "likened", "narrative")


def test_a_passive_cue_does_not_make_its_subject_the_speaker(nlp: Language) -> None:
    text = (
        "Tokyo's decision drew criticism from business groups. \"The curbs punish companies on "
        'both sides of the strait for a political dispute." That comment was posted '
        "anonymously on a trade forum."
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == (None, "unknown", None)


def test_a_speech_verb_the_tagger_takes_for_a_noun(nlp: Language) -> None:
    text = (
        "\u201cOur factories run on Japanese precision parts, and that will not change "
        "overnight,\u201d the federation's annual report read."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("federation's annual report", "document", "read")


def test_a_later_quote_in_the_paragraph_keeps_its_speaker(nlp: Language) -> None:
    text = (
        '"The talks were useful but far too short," Hiroshige Seko told reporters in Tokyo. '
        'The next round is due in Seoul in March. "We expect a clear answer from Korea by then."'
    )
    first, second = quotes_of(nlp, text)
    assert who(first) == ("Hiroshige Seko", "named", "cue")
    assert who(second) == ("Hiroshige Seko", "named", "inherited")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            '"Tokyo has never explained these export curbs to anyone," Yoo Myung-hee charged '
            "at a briefing in Seoul.",
            "Yoo Myung-hee",
        ),
        (
            '"Would the ministry consider lifting the curbs before the summit?" the reporter '
            "pressed.",
            "reporter",
        ),
    ],
)
def test_sharper_speech_verbs_attribute(nlp: Language, text: str, speaker: str) -> None:
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.attribution) == (speaker, "cue")


@pytest.mark.parametrize(
    ("text", "speaker", "kind"),
    [
        (
            "Exporters expect the curbs to stay through the summer - Korea Development "
            'Institute: "Shipments of etching gas to Korean chipmakers fell by two thirds in '
            'the second quarter."',
            "Korea Development Institute",
            "organisation",
        ),
        (
            "The ministry published its review on Friday. From the ministry's report: "
            '"Japanese suppliers have lost a quarter of their Korean market since July."',
            "ministry's report",
            "document",
        ),
        (
            "Hiroshige Seko was asked whether the curbs would be lifted before the summit. "
            'Seko\'s reply was: "That depends entirely on what Seoul does about the rulings."',
            "Hiroshige Seko",
            "named",
        ),
        (
            'Former secretary of state Hiroshige Seko Jr:"These are not countermeasures, and '
            'they are fully consistent with WTO rules."',
            "Hiroshige Seko Jr",
            "named",
        ),
        (
            "Shinzo Abe spoke in Osaka. Here\u2019s Abe in 2019: \u201cThe measures are a review "
            "of export controls and not retaliation of any kind.\u201d",
            "Shinzo Abe",
            "named",
        ),
    ],
)
def test_clauses_ending_in_a_colon_name_the_source(
    nlp: Language, text: str, speaker: str, kind: str
) -> None:
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.attribution) == (speaker, kind, "colon")


def test_a_name_line_ending_in_a_colon_over_a_quote_paragraph(nlp: Language) -> None:
    text = (
        "Officials in Tokyo gave a different account on Monday.\n\n"
        "Former trade minister Hiroshige Seko:\n\n"
        '"These are not countermeasures, and they are fully consistent with WTO rules."'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == ("Hiroshige Seko", "named")


def test_the_subject_next_to_the_verb_not_a_timestamp_run_into_it(nlp: Language) -> None:
    text = (
        "6:50 p.m.\n\nWith his deputy, trade official Kim Jae-won, standing by his side, "
        "Hiroshige Seko has told reporters that \u201cthe controls will stay in place until "
        "Seoul answers.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Hiroshige Seko", "named", "cue")


def test_a_statement_and_a_comma_introduce_its_words(nlp: Language) -> None:
    text = (
        "Immediately after the ruling, Hiroshige Seko released a statement, \u201cLast night, "
        "our exporters were hit by a court ruling that ignores the 1965 treaty. It was the "
        "worst decision since the war.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Hiroshige Seko", "named", "colon")


def test_questioners_are_people(nlp: Language) -> None:
    text = (
        "At a briefing in Seoul on Monday, Tokyo's questioners ranged from skeptical to "
        'hostile: "Is it time for your strategy on export controls to change?"'
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Tokyo's questioners", "descriptor", "colon")


def test_a_short_quote_is_not_the_subject_of_the_cue_after_it(nlp: Language) -> None:
    text = (
        '"Rubbish," tweeted a spokesman for the ruling party. "What does Seoul know about '
        'chemicals . . ."'
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("spokesman for the ruling party", "descriptor", "previous_sentence")


def test_a_cue_glued_to_the_quote_by_a_comma(nlp: Language) -> None:
    text = (
        "Trade Minister Hiroshige Seko said,\u201cLook, the export controls have nothing to do "
        "with the court ruling in Seoul.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Hiroshige Seko", "named", "cue")


def test_the_object_of_prompted_states_the_words(nlp: Language) -> None:
    text = (
        "The court ruling prompted the Korea International Trade Association to state, "
        "\u201cExporters will lose billions of won this year because of the new curbs.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == ("Korea International Trade Association", "organisation")


def test_a_partial_quote_after_the_speakers_argument(nlp: Language) -> None:
    text = (
        "Hiroshige Seko has argued that the controls are lawful under the 1965 treaty. Even "
        "so, there is still \u201croom for talks with Seoul on the list of chemicals.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Hiroshige Seko", "named", "previous_sentence")


def test_what_the_speaker_was_doing_is_not_part_of_the_description(nlp: Language) -> None:
    text = (
        '"The curbs will hurt chipmakers in both economies for years," said a senior trade '
        "official speaking to reporters in Seoul."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == ("senior trade official", "descriptor")


@pytest.mark.parametrize(
    ("lead", "speaker"),
    [
        (
            "a Foreign Ministry official under the condition of anonymity also",
            "Foreign Ministry official",
        ),
        ("a senior trade official speaking on condition of anonymity", "senior trade official"),
        ("an industry ministry official who requested anonymity", "industry ministry official"),
        ("a chip executive requesting not to be named", "chip executive"),
        ("a METI official on condition that he not be identified", "METI official"),
    ],
)
def test_a_phrase_that_only_hides_a_name_is_not_part_of_the_description(
    nlp: Language, lead: str, speaker: str
) -> None:
    text = f'"We will keep talking with Tokyo about the white list," {lead} said on Tuesday.'
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == (speaker, "descriptor")


def test_a_fronted_of_phrase_is_not_the_speaker(nlp: Language) -> None:
    text = (
        "Of Abe, Park Ji-hoon, who has given money to Moon Jae-in, said, \u201cHe is flat-out "
        "wrong. I think he is a decent man.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Park Ji-hoon", "named", "cue")


def test_a_participle_after_added_speaks_for_who_added(nlp: Language) -> None:
    text = (
        "Yoo cannot say that \u201cfrom her perspective,\u201d Moon added, saying it should be "
        "\u201cup to the negotiators to move forward or not.\u201d"
    )
    q = quotes_of(nlp, text)[-1]
    assert (q.speaker, q.speaker_kind) == ("Moon Jae-in", "named")


def test_a_cue_closing_the_sentence_governs_its_earlier_partial_quotes(nlp: Language) -> None:
    text = (
        'The pledge to "bring the chip supply chain home" and "end our reliance on Japan" '
        "appeals to voters in industrial towns who lost jobs when the curbs hit, said Lee "
        "Jae-won, a trade economist at Korea University."
    )
    first, second = quotes_of(nlp, text)
    assert who(first) == ("Lee Jae-won", "named", "cue")
    assert who(second) == ("Lee Jae-won", "named", "cue")


def test_a_second_partial_quote_of_the_sentence_keeps_its_speaker(nlp: Language) -> None:
    text = (
        "The real problem, says Park Sung-ho, a professor of economics at Seoul National "
        "University, is that the curbs were \u201ca political weapon dressed up as export "
        "control,\u201d not a question of security (think Samsung and SK Hynix) but of "
        "\u201cpressure on Seoul over the wartime labor rulings.\u201d"
    )
    first, second = quotes_of(nlp, text)
    assert who(first) == ("Park Sung-ho", "named", "cue")
    assert who(second) == ("Park Sung-ho", "named", "inherited")


def test_a_surname_the_tagger_took_for_a_noun_is_a_name(nlp: Language) -> None:
    text = (
        '"Our chipmakers have three weeks of hydrogen fluoride left, and the ministry knows '
        'it," Pettis said during a briefing on his show after the talks, adding that while '
        'there are "still some exporters angry over the white list," Tokyo already "paid a '
        'heavy price in lost sales to Korean buyers."'
    )
    found = quotes_of(nlp, text)
    assert [(q.speaker, q.speaker_kind) for q in found] == [("Pettis", "named")] * 3


def test_that_quote_from_x_names_the_source(nlp: Language) -> None:
    text = (
        "\u201cWe will never accept export curbs that are tied to history.\u201d That quote from "
        "Trade Minister Yoo Myung-hee appeared on the front page of the Korea Herald in 2019, as "
        "Japan tightened shipments of hydrogen fluoride."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.attribution, q.cue) == (
        "Yoo Myung-hee",
        "named",
        "remark",
        "from",
    )


def test_a_name_that_only_modifies_a_noun_does_not_end_the_speakers_turn(nlp: Language) -> None:
    text = (
        "\u201cThis is a warning to every supplier in Osaka,\u201d said Tanaka Hideo, who runs a "
        "chemicals trading house in Sakai. But the giant Moon poster outside the Seoul office of "
        "the trade association has not hurt his sales. \u201cOur orders are up for the third "
        "month in a row.\u201d"
    )
    first, second = quotes_of(nlp, text)
    assert who(first) == ("Tanaka Hideo", "named", "cue")
    assert who(second) == ("Tanaka Hideo", "named", "inherited")


def test_the_statement_after_a_described_statement_is_still_a_document(nlp: Language) -> None:
    text = (
        "A separate statement issued by Samsung Electronics late Tuesday made no mention of the "
        "talks in Tokyo. Instead, the statement talked about the company's plan to \u201csecure "
        "a stable supply of hydrogen fluoride from several countries.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker_kind, q.speaker_text, q.attribution) == (
        "document",
        "the statement",
        "narrative",
    )


def test_a_speech_verb_tagged_as_a_noun_before_a_colon_is_a_cue(nlp: Language) -> None:
    text = (
        "The principle was written into the 1965 treaty on basic relations. Article 33 affirms: "
        "\u201cNo contracting party shall restrict exports of strategic materials to the other "
        "party without prior consultation.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.cue, q.attribution) == ("Article 33", "affirms", "cue")


def test_a_footnote_speaks_for_its_text(nlp: Language) -> None:
    text = (
        "The ministry's review covered only exports of three chemicals. A footnote in the review "
        "makes that clear: \u201cThese findings do not apply to shipments of photoresist licensed "
        "before July 2019.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.attribution) == (
        "footnote in the review",
        "document",
        "colon",
    )


def test_a_quote_after_a_lone_adverb_opens_its_sentence(nlp: Language) -> None:
    text = (
        "Trade Minister Hiroshige Seko defended the curbs in parliament on Friday. Specifically, "
        "\u201cthe review of export controls is about security and has nothing to do with the "
        "wartime labor rulings.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Hiroshige Seko", "named", "previous_sentence")


def test_who_sang_the_words_speaks_them(nlp: Language) -> None:
    text = (
        "As the protesters sang outside the Japanese embassy on Saturday, \u201cWe will not buy, "
        "we will not go, we will not forget.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("protesters", "descriptor", "sang")


def test_a_participle_on_the_recipient_of_a_text_speaks_for_its_sender(nlp: Language) -> None:
    text = (
        "Within hours of the announcement, the trade ministry blasted out an email to exporters "
        "stating, \u201cShipments of hydrogen fluoride to South Korea will need individual "
        "licences from Thursday.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("trade ministry", "organisation", "stating")


def test_a_relative_clause_on_an_apposition_speaks_for_the_name(nlp: Language) -> None:
    text = (
        "Choi Min-soo, a Busan native who writes a weekly column on the chip industry (his "
        "latest is on the photoresist shortage \u201cwhere the supplier becomes the "
        "customer\u201d), has long argued for local production."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("Choi Min-soo", "named", "writes")


def test_a_sign_someone_holds_up_says_its_own_words(nlp: Language) -> None:
    text = (
        "Outside the Japanese embassy in Seoul, Kim Hye-jin held up a sign saying \u201cBoycott "
        "Japan, we will not buy Japanese goods.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.speaker_text) == ("sign", "document", "a sign")


def test_an_aside_naming_the_speaker_after_the_quotes_subject(nlp: Language) -> None:
    text = (
        "President Yoon Suk Yeol, a top aide said, \u201cis very confident about the talks with "
        "Tokyo on the export curbs.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("top aide", "descriptor", "said")


def test_a_cue_in_an_aside_between_dashes_does_not_govern_the_quote(nlp: Language) -> None:
    text = (
        "If Tokyo is indeed using the licences to punish Seoul for the court rulings \u2014 as "
        "many analysts believe, and Korean officials are alleging, but Japan strongly denies "
        "\u2014 \u201cwhy would anyone invest in a new hydrogen fluoride plant here?\u201d asked "
        "Lee Jae-won, a trade economist at Korea University."
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Lee Jae-won", "named", "cue")


def test_a_relative_clause_on_a_text_someone_released_speaks_for_them(nlp: Language) -> None:
    text = (
        "In July, the Korea International Trade Association released a report that said, "
        "\u201cExporters of memory chips face the longest delays in licences for hydrogen "
        "fluoride since 2019.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == ("Korea International Trade Association", "organisation")


@pytest.mark.parametrize(
    ("text", "speaker", "how"),
    [
        (
            "Chipmakers agree - Kim Hyun-chul: \u201cLicences for hydrogen fluoride now take "
            "ninety days, up from thirty days before the curbs.\u201d",
            "Kim Hyun-chul",
            "transcript",
        ),
        (
            "EXPORTERS WARN OF LONGER DELAYS - Kim Hyun-chul and Lee Ji-won: \u201cLicences for "
            "hydrogen fluoride now take ninety days, up from thirty days before the curbs.\u201d",
            "Kim Hyun-chul and Lee Ji-won",
            "colon",
        ),
    ],
)
def test_a_name_after_a_dash_before_the_colon_beats_the_headlines_cue(
    nlp: Language, text: str, speaker: str, how: str
) -> None:
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.attribution) == (speaker, "named", how)


def test_whose_argument_it_was_speaks_its_partial_quote(nlp: Language) -> None:
    text = (
        "Trade Minister Yoo Myung-hee's argument in Geneva was that Tokyo \u201cturned export "
        "controls into a weapon against a neighbour.\u201d"
    )
    q = only(quotes_of(nlp, text))
    assert who(q) == ("Yoo Myung-hee", "named", "narrative")


def test_a_subject_parsed_from_the_quote_before_does_not_hide_the_sentences_own(
    nlp: Language,
) -> None:
    text = (
        "The first two volunteers inside the door are Kim Min-ji and Park Soo-yeon, retired "
        "workers who remember the 2019 boycott well.\n\n"
        '"I am calling from the Korea Chemical Traders Association. How are you today?" Kim, '
        "a retired worker from a chemical plant, said pleasantly into the phone. \"We're "
        'talking with members like you who -."\n\n'
        "She pauses.\n\n"
        '"Well, thank you so much -."'
    )
    last = quotes_of(nlp, text)[-1]
    assert (last.speaker, last.speaker_text, last.attribution) == (
        "Kim Min-ji",
        "She",
        "previous_sentence",
    )


def test_a_speech_verb_tagged_as_a_noun_after_a_number(nlp: Language) -> None:
    text = (
        '"You seem to have picked a new list of chemicals out of thin air to justify the curbs '
        'on Korean buyers," the two write.'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("two", "descriptor", "write")


def test_a_clause_whose_subject_cannot_speak_keeps_the_quotes_speaker(nlp: Language) -> None:
    text = (
        "Two trade economists, Lee Jae-won and Park Sung-ho, found in 2020 that Korean fabs are "
        '"the most exposed in the world" and Korean stockpiles of hydrogen fluoride are "the '
        'thinnest in the whole region."'
    )
    first, second = quotes_of(nlp, text)
    assert (second.speaker, second.attribution) == (first.speaker, "inherited")
    assert first.speaker == "Two trade economists"


def test_a_name_in_the_possessive_is_not_the_speaker(nlp: Language) -> None:
    text = (
        '"It is about time Seoul and Tokyo talked like neighbours again," exhorted Yoon\'s '
        "introducer, actress Kim Hye-soo."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind) == ("Kim Hye-soo", "named")


def test_the_subject_of_an_object_relative_clause_speaks(nlp: Language) -> None:
    text = (
        "President Yoon Suk Yeol spoke for an hour. Much of Yoon’s anger was also directed at "
        "Seko, who Yoon on Tuesday called “a horrible, short-sighted trade minister.”"
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.cue) == ("Yoon Suk Yeol", "called")


def test_a_relative_clause_missing_its_closing_comma_describes_the_speaker(
    nlp: Language,
) -> None:
    text = (
        'The association has lobbied for months. "Our members cannot plan a fab around a list '
        "that changes every quarter. We are finding that over and over, on every material, "
        'Tokyo says different things to different buyers,"Park Sung-wook, who is chairman of '
        "the Korea Semiconductor Industry Association said in a statement provided to Yonhap."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.cue) == ("Park Sung-wook", "named", "said")


def test_a_contrasting_clause_keeps_its_own_subject_for_a_partial_quote(nlp: Language) -> None:
    text = (
        "South Korean President Yoon Suk Yeol on Monday signed an order restoring Japan to the "
        "white list, while Ahn Duk-geun, the trade minister, proposed the two sides "
        '"sit down again before the end of the month."'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.attribution, q.cue) == ("Ahn Duk-geun", "narrative", "proposed")


def test_a_second_trailing_participle_after_a_dash_speaks_for_the_sentence(
    nlp: Language,
) -> None:
    text = (
        "Trade Minister Ahn Duk-geun pushed back on those claims Thursday, saying that the "
        "agreement had the correct safeguards but was waylaid by public mistrust - and arguing "
        'that he and Nishimura shared "almost all the same views on export controls."'
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.cue) == ("Ahn Duk-geun", "arguing")


def test_a_headline_run_into_the_sentence_is_not_its_subject(nlp: Language) -> None:
    text = (
        "METI issues ‘full and final end’ to chip curbs.\n\n"
        "TOKYO, March 16 (Kyodo) — The Ministry of Economy, Trade and Industry released a "
        "statement on Thursday, offering “a full and final end” to the curbs on three chip "
        "materials."
    )
    q = only(quotes_of(nlp, text))
    assert (q.speaker, q.speaker_kind, q.attribution) == (
        "Ministry of Economy, Trade and Industry",
        "organisation",
        "narrative",
    )
