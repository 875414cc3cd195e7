"""Second-hand quotes: the speaker is whoever said the words, ``reported_by`` whoever the
article has them from. Passages are written here in the style of Korean and Japanese
English-language wire copy; the real spaCy model runs on each."""

from __future__ import annotations

import pytest
from spacy.language import Language

from quoting import quotes_of


@pytest.mark.parametrize(
    ("text", "speaker", "relay"),
    [
        (
            '"We will review the list again before the end of the year," Nishimura said, '
            "according to Kyodo News.",
            "Yasutoshi Nishimura",
            "Kyodo News",
        ),
        (
            'Yoon pledged to "restore the white list within weeks, not months," Yonhap reported.',
            "Yoon",
            "Yonhap",
        ),
        (
            '"The fab has enough photoresist for six months," said Kim Ki-nam, head of the '
            "chip division, reports the Korea Herald.",
            "Kim Ki-nam",
            "Korea Herald",
        ),
        (
            'According to the Nikkei, Samsung said it "has secured enough photoresist for six '
            'months."',
            "Samsung",
            "Nikkei",
        ),
    ],
)
def test_a_relayed_quote_keeps_its_speaker_and_names_the_relay(
    nlp: Language, text: str, speaker: str, relay: str
) -> None:
    (q,) = quotes_of(nlp, text)
    assert (q.speaker, q.reported_by) == (speaker, relay)


def test_a_quote_after_a_relayed_one_inherits_the_relay(nlp: Language) -> None:
    text = (
        '"We will review the list again before the end of the year," Nishimura said, '
        'according to Kyodo News. "Nothing has been decided on the timing yet."'
    )
    first, second = quotes_of(nlp, text)
    assert second.attribution == "inherited"
    assert (second.speaker, second.reported_by) == (first.speaker, "Kyodo News")


@pytest.mark.parametrize(
    ("text", "speaker", "kind", "relay"),
    [
        (
            "The Asahi Shimbun quoted Nishimura as saying the curbs "
            '"were never meant to punish Korean chipmakers."',
            "Yasutoshi Nishimura",
            "named",
            "Asahi Shimbun",
        ),
        (
            "Kyodo News quoted a senior government official as saying Tokyo "
            '"will not budge on the three materials."',
            "senior government official",
            "descriptor",
            "Kyodo News",
        ),
    ],
)
def test_quoted_as_saying_credits_the_one_quoted(
    nlp: Language, text: str, speaker: str, kind: str, relay: str
) -> None:
    (q,) = quotes_of(nlp, text)
    assert (q.speaker, q.speaker_kind, q.reported_by) == (speaker, kind, relay)


@pytest.mark.parametrize(
    "text",
    [
        # the speaker's own evidence, inside what the speaker said
        "Seko said that according to the ministry's own count, shipments of hydrogen "
        'fluoride "fell by almost half in a single quarter."',
        # "according to" is the attribution itself
        'According to Seko, "the review of the three materials is finished and nothing more '
        'is planned."',
        # the report belongs to the quote before
        'Kim said, "The ministry will watch every shipment," Yonhap reported. The next day '
        'the ministry said it had "no plans to add more items to the list."',
    ],
)
def test_no_relay_where_the_article_credits_the_quote_directly(nlp: Language, text: str) -> None:
    last = quotes_of(nlp, text)[-1]
    assert last.speaker is not None
    assert last.reported_by is None
