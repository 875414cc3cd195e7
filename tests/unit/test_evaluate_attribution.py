"""Scoring quotes and speakers against brat gold, with hand-made predictions (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bratfiles import KYODO, YONHAP, Attr, locate, write_brat, write_wire_stories
from tradewatch.brat import load_brat_folder
from tradewatch.evaluate_attribution import evaluate_attribution, format_attribution, heads
from tradewatch.models import Analysis, Quote, SpeakerKind


def _quote(
    text: str,
    first: str,
    last: str | None = None,
    speaker: str | None = None,
    kind: SpeakerKind = "named",
    written: str | None = None,
) -> Quote:
    """A predicted quote from the start of ``first`` to the end of ``last`` (or ``first``)."""
    start, end = locate(text, first)
    if last is not None:
        end = locate(text, last)[1]
    return Quote(text[start:end], speaker, kind, "said", start, end, speaker_text=written)


def _analysis(*quotes: Quote) -> Analysis:
    return Analysis(relevant=True, relevance=1.0, quotes=list(quotes))


def test_counts_on_two_wire_stories(tmp_path: Path) -> None:
    write_wire_stories(tmp_path)
    kyodo, yonhap = load_brat_folder(tmp_path)
    predicted = [
        _analysis(
            # the official's words credited to the agency reporting them: wrong speaker
            _quote(KYODO, "The review will cover", "as well", "Kyodo News", "media"),
            # implicit source: counts for quotes only, whatever the speaker
            _quote(KYODO, "a step toward", "neighbours", "plan", "descriptor", "The plan"),
            _quote(KYODO, "Procurement managers", "suppliers", "Kim Soo-ah", "named"),
            _quote(KYODO, "I think", "cautious", "Kim Soo-ah", "pronoun", "she"),
        ),
        _analysis(
            # one prediction over a split quote matches both gold parts
            _quote(YONHAP, "We expect Tokyo", "promises alone", "Park Ji-hoon", "named"),
            _quote(YONHAP, "Nothing is off", "this stage", None, "unknown"),
            # only the first paragraph of the two-paragraph quote: the second is missed
            _quote(YONHAP, "Exporters on both sides", "different now", "Lee Min-jung"),
            _quote(YONHAP, "working-level talks", "next month", "Park Ji-hoon"),  # spurious
        ),
    ]
    report = evaluate_attribution([kyodo, yonhap], predicted)
    q = report.quotes
    # 9 gold quotes, 8 matched; 8 predictions, 7 matched
    assert (q.tp, q.fp, q.fn, q.predictions_matched) == (8, 1, 1, 7)
    assert q.precision == 7 / 8 and q.recall == 8 / 9
    assert report.as_dict()["quotes"] == {
        "tp": 8,
        "fp": 1,
        "fn": 1,
        "precision": 0.875,
        "recall": 0.8889,
        "f1": 0.8819,
        "predictions_matched": 7,
    }
    named, pronoun = report.named, report.pronoun
    # named: Park twice and Lee right, Kim right, the official wrong
    assert (named.correct, named.total, named.unknown) == (4, 5, 0)
    # pronoun: "she" right through the same pronoun, "he" without a speaker
    assert (pronoun.correct, pronoun.total, pronoun.unknown) == (1, 2, 1)
    assert report.pronoun_resolved == 1 and report.implicit == 1
    assert dict(report.predicted_kinds) == {"media": 1, "named": 4, "pronoun": 1, "unknown": 1}
    assert report.diffs == {
        "kyodo_0002": {
            "wrong_speakers": [
                {
                    "quote": "The review will cover photoresist and fluorinated polyimide as well",
                    "gold_source": "a senior ministry official",
                    "gold_resolved": "a senior ministry official",
                    "predicted": "Kyodo News",
                    "predicted_canonical": None,
                    "predicted_kind": "media",
                    "predicted_as_written": None,
                    "predicted_reported_by": None,
                }
            ]
        },
        "yonhap_0001": {
            "missed_quotes": ["What both governments want now is predictability"],
            "spurious_quotes": ["working-level talks would resume in Tokyo next month"],
            "wrong_speakers": [
                {
                    "quote": "Nothing is off the table at this stage",
                    "gold_source": "he",
                    "gold_resolved": "Park",
                    "predicted": None,
                    "predicted_canonical": None,
                    "predicted_kind": "unknown",
                    "predicted_as_written": None,
                    "predicted_reported_by": None,
                }
            ],
        },
    }
    summary = format_attribution(report)
    assert "2 articles, 9 gold quotes, 8 predicted" in summary
    assert "P 0.875  R 0.889  F1 0.882  (tp 8, fp 1, fn 1)" in summary
    assert (
        "speaker, named or descriptor source   0.800 (4/5; 0 with no speaker,"
        " 0 crediting the outlet in reported_by)" in summary
    )
    assert (
        "speaker, pronoun source (resolved)    0.500 (1/2; 1 with no speaker,"
        " 0 crediting the outlet in reported_by)" in summary
    )
    assert "nearest earlier named source: 1/2" in summary
    assert "implicit source (not scored for speaker): 1" in summary


def test_a_prediction_matches_the_gold_quote_it_overlaps_most(tmp_path: Path) -> None:
    write_wire_stories(tmp_path)
    yonhap = load_brat_folder(tmp_path)[1]
    gold = "Nothing is off the table at this stage"
    predicted = _analysis(
        # the gold quote's last word and the cue after it: under half of either, no match
        _quote(YONHAP, "stage", "he said", "Lee Min-jung"),
        # the first words only: the overlap is all of the shorter span, a match
        _quote(YONHAP, "Nothing is off", None, "Park Ji-hoon", "pronoun", "he"),
    )
    report = evaluate_attribution([yonhap], [predicted])
    assert (report.quotes.tp, report.quotes.fp, report.quotes.fn) == (1, 1, 4)
    assert report.pronoun.correct == 1
    assert gold not in report.diffs["yonhap_0001"]["missed_quotes"]
    assert report.diffs["yonhap_0001"]["spurious_quotes"][0].startswith("stage")


def test_each_gold_quote_takes_the_prediction_overlapping_it_most(tmp_path: Path) -> None:
    write_wire_stories(tmp_path)
    yonhap = load_brat_folder(tmp_path)[1]
    predicted = _analysis(
        _quote(YONHAP, "We expect", None, "Ahn Duk-geun"),
        _quote(YONHAP, "We expect Tokyo to honour the spirit", None, "Park Ji-hoon"),
    )
    report = evaluate_attribution([yonhap], [predicted])
    assert (report.quotes.tp, report.quotes.fp, report.quotes.predictions_matched) == (1, 1, 1)
    assert (report.named.correct, report.named.total) == (1, 1)
    assert report.diffs["yonhap_0001"]["spurious_quotes"] == ["We expect"]


NISHIMURA = (
    "TOKYO, June 2 (Kyodo) -- Economy Minister Yasutoshi Nishimura said Japan would keep "
    "South Korea on its list of trusted trading partners.\n\n"
    "“We will keep watching the impact on our companies closely,” he said on Friday.\n"
)


@pytest.mark.parametrize(
    ("speaker", "kind", "written", "right", "resolved"),
    [
        # named directly: right because it names the gold-side antecedent of "he"
        ("Yasutoshi Nishimura", "named", "Yasutoshi Nishimura", True, True),
        # through the same pronoun, even resolved to someone else
        ("Ahn Duk-geun", "pronoun", "he", True, False),
        # through the same pronoun and resolved to the antecedent
        ("Yasutoshi Nishimura", "pronoun", "he", True, True),
        # a different pronoun naming someone else
        ("Ahn Duk-geun", "pronoun", "she", False, False),
        # an unresolved pronoun that is not the annotated one
        (None, "pronoun", "they", False, False),
        # a descriptor that is not the antecedent
        ("the ministry", "organisation", "the ministry", False, False),
    ],
)
def test_pronoun_sources(
    tmp_path: Path,
    speaker: str | None,
    kind: SpeakerKind,
    written: str,
    right: bool,
    resolved: bool,
) -> None:
    write_brat(
        tmp_path,
        "kyodo_0100",
        NISHIMURA,
        [
            Attr(["Japan would keep South Korea on"], "Economy Minister Yasutoshi Nishimura"),
            Attr(["We will keep watching the impact on our companies closely,"], "he"),
        ],
    )
    [article] = load_brat_folder(tmp_path)
    quote = _quote(NISHIMURA, "We will keep watching", "closely", speaker, kind, written)
    report = evaluate_attribution([article], [_analysis(quote)])
    assert (report.pronoun.correct, report.pronoun.total) == (int(right), 1)
    assert report.named.total == 0
    assert report.pronoun_resolved == int(resolved)
    if not right:
        [wrong] = report.diffs["kyodo_0100"]["wrong_speakers"]
        assert wrong["gold_resolved"] == "Economy Minister Yasutoshi Nishimura"


def test_a_miss_crediting_the_relaying_outlet_is_counted_apart(tmp_path: Path) -> None:
    text = "“The curbs will stay for now,” Nishimura said, according to Kyodo News.\n"
    outer = Attr(["The curbs will stay for now,” Nishimura said"], "Kyodo News", "according to")
    write_brat(tmp_path, "kyodo_0300", text, [outer])
    [article] = load_brat_folder(tmp_path)
    quote = _quote(text, "The curbs", "for now", "Yasutoshi Nishimura", "named")
    other = _quote(text, "The curbs", "for now", "Yasutoshi Nishimura", "named")
    quote.reported_by, other.reported_by = "Kyodo News", "Nikkei"
    relayed = evaluate_attribution([article], [_analysis(quote)])
    assert (relayed.named.correct, relayed.named.total, relayed.named.relayed) == (0, 1, 1)
    assert "0 with no speaker, 1 crediting the outlet in reported_by" in format_attribution(relayed)
    wrong = relayed.diffs["kyodo_0300"]["wrong_speakers"][0]
    assert wrong["predicted_reported_by"] == "Kyodo News"
    elsewhere = evaluate_attribution([article], [_analysis(other)])
    assert (elsewhere.named.correct, elsewhere.named.relayed) == (0, 0)


def test_implicit_sources_count_for_quotes_only(tmp_path: Path) -> None:
    text = "Shipments resumed in what was called “the end of a long chill in materials trade.”\n"
    write_brat(tmp_path, "yonhap_0200", text, [Attr(["the end of a long chill"], None)])
    [article] = load_brat_folder(tmp_path)
    quote = _quote(text, "the end of", "materials trade", "Nobody", "named")
    report = evaluate_attribution([article], [_analysis(quote)])
    assert (report.quotes.tp, report.implicit) == (1, 1)
    assert report.named.total == report.pronoun.total == 0
    assert report.diffs == {}


def test_speaker_as_written_or_canonical_names_the_source(tmp_path: Path) -> None:
    text = "“Trade will not be used as a weapon again,” the prime minister told parliament.\n"
    write_brat(
        tmp_path,
        "kyodo_0300",
        text,
        [Attr(["Trade will not be used as a weapon again,"], "the prime minister")],
    )
    [article] = load_brat_folder(tmp_path)
    start, end = locate(text, "Trade will not be used as a weapon again")

    def quote(speaker: str, canonical: str | None, written: str | None) -> Quote:
        return Quote("", speaker, "descriptor", "told", start, end, canonical, written)

    by_written = quote("Fumio Kishida", None, "prime minister")
    by_canonical = quote("PM", "Prime Minister", None)
    neither = quote("Fumio Kishida", "Fumio Kishida", "Fumio Kishida")
    scores = [
        evaluate_attribution([article], [_analysis(q)]).named.correct
        for q in (by_written, by_canonical, neither)
    ]
    assert scores == [1, 1, 0]


@pytest.mark.parametrize(
    ("phrase", "appositives", "expected"),
    [
        ("Sen. Claire McCaskill (D-Mo.)", False, {"mccaskill"}),
        ("a senior adviser to the campaign", False, {"adviser"}),
        ("the report released last year", False, {"report"}),
        ("Cruz himself", False, {"cruz"}),
        ("Ahn Duk-geun Jr.", False, {"duk-geun"}),
        ("South Korea's trade ministry", False, {"ministry"}),
        ("government sources", False, {"source"}),
        ("Lee Min-jung, a senior adviser to the KITA chairman,", True, {"min-jung", "adviser"}),
        ("His former partner at the firm, Kenji Sato", True, {"partner", "sato"}),
        ("Former Minister of Trade Yoo Myung-hee", True, {"minister", "myung-hee"}),
        ("Former Minister of Trade Yoo Myung-hee", False, {"minister"}),
        ("Trade Minister Yoo Myung-hee", False, {"myung-hee"}),
        ("Kim Soo-ah, who heads the materials desk", True, {"soo-ah"}),
        ("who", False, set()),
    ],
)
def test_heads(phrase: str, appositives: bool, expected: set[str]) -> None:
    assert heads(phrase, appositives=appositives) == expected


def test_articles_and_analyses_must_pair_up(tmp_path: Path) -> None:
    write_wire_stories(tmp_path)
    with pytest.raises(ValueError, match="2 articles but 1 analyses"):
        evaluate_attribution(load_brat_folder(tmp_path), [_analysis()])
