import json
from pathlib import Path

import pytest

from tradewatch.evaluate import GoldError, evaluate, format_report, load_gold
from tradewatch.models import Analysis, EntityMention, Quote

GOLD = [
    {
        "id": "g1",
        "title": "Japan lifts curbs",
        "text": "...",
        "relevant": True,
        "topics": ["export_controls"],
        "persons": ["Ahn Duk-geun", "Yasutoshi Nishimura"],
        "orgs": ["Ministry of Economy, Trade and Industry"],
        "places": ["Japan", "South Korea"],
        "materials": ["photoresist"],
        "quotes": [
            {
                "opening": "It’s a necessary step",
                "speaker": "Ahn Duk-geun",
                "speaker_kind": "named",
            },
            {
                "opening": "We will keep talking",
                "speaker": "Ahn Duk-geun",
                "speaker_kind": "pronoun",
            },
            {
                "opening": "Nothing has changed",
                "speaker": "Foreign Ministry official",
                "speaker_kind": "descriptor",
            },
        ],
    },
    {
        "id": "g2",
        "title": "Baseball",
        "text": "...",
        "relevant": False,
        "topics": [],
        "persons": [],
        "orgs": [],
        "places": ["Japan"],
        "materials": [],
        "quotes": [],
    },
]


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _quote(text: str, speaker: str | None, kind: str = "named") -> Quote:
    return Quote(text, speaker, kind, "said", 0, len(text))  # type: ignore[arg-type]


def test_scores_count_exactly(tmp_path: Path) -> None:
    gold = load_gold(_write(tmp_path, GOLD))
    predicted = [
        Analysis(
            relevant=True,
            relevance=0.9,
            entities=[
                EntityMention("Ahn", "PERSON", "Ahn Duk-geun", 0, 3),
                EntityMention("METI", "ORG", "Ministry of Economy, Trade and Industry", 0, 4),
                EntityMention("Cabinet", "ORG", "Cabinet", 0, 7),
                EntityMention("Japan", "GPE", "Japan", 0, 5),
                EntityMention("S. Korea", "GPE", "South Korea", 0, 8),
                EntityMention("resist", "MATERIAL", "photoresist", 0, 6),
            ],
            quotes=[
                _quote("It's a  necessary step, and we took it", "Ahn Duk-geun"),
                _quote("We will keep talking to Tokyo.", "Nishimura", "pronoun"),
                _quote("Something else entirely", None, "unknown"),
            ],
        ),
        Analysis(
            relevant=True, relevance=0.6, entities=[EntityMention("Japan", "GPE", "Japan", 0, 5)]
        ),
    ]
    report = evaluate(gold, predicted)
    assert (report.relevance.tp, report.relevance.fp, report.relevance.fn) == (1, 1, 0)
    assert (report.quotes.tp, report.quotes.fp, report.quotes.fn) == (2, 1, 1)
    assert report.speakers_correct == 1 and report.kinds_correct == 2
    persons = report.entities["persons"]
    assert (persons.tp, persons.fp, persons.fn) == (1, 0, 1)
    orgs = report.entities["orgs"]
    assert (orgs.tp, orgs.fp, orgs.fn) == (1, 1, 0)
    assert report.entities["places"].f1 == 1.0
    assert report.entities["materials"].recall == 1.0
    assert report.diffs["g1"]["missed_quotes"] == ["Nothing has changed"]
    assert report.diffs["g1"]["wrong_speakers"][0]["predicted"] == "Nishimura"
    assert report.diffs["g2"]["relevance"]["predicted"] is True
    text = format_report(report)
    assert "speaker accuracy  0.500" in text and "quotes" in text


def test_descriptor_speaker_ignores_article(tmp_path: Path) -> None:
    gold = load_gold(_write(tmp_path, GOLD[:1]))
    predicted = [
        Analysis(
            relevant=True,
            relevance=1.0,
            quotes=[_quote("Nothing has changed.", "a Foreign Ministry official", "descriptor")],
        )
    ]
    report = evaluate(gold, predicted)
    assert report.quotes.tp == 1 and report.speakers_correct == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "gold.jsonl:1"), ('{"id": "x"}', "KeyError"), ("", "holds no articles")],
)
def test_bad_gold_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(content)
    with pytest.raises(GoldError, match=message):
        load_gold(path)
