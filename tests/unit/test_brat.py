"""Reading brat standoff attribution folders into gold direct quotes (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bratfiles import (
    YONHAP,
    YONHAP_ATTRIBUTIONS,
    Attr,
    locate,
    write_brat,
    write_wire_stories,
)
from tradewatch.brat import BratError, load_brat_folder, parse_ann, quoted_regions


def _quotes(folder: Path) -> dict[str, list[tuple[str, str | None, str]]]:
    """Per article: (quoted words, source as written, source class) of each gold quote."""
    return {
        a.name: [(a.text[s.start : s.end], s.source.text, s.source.kind) for s in a.segments]
        for a in load_brat_folder(folder)
    }


def test_parse_ann_discontinuous_spans_and_missing_sources() -> None:
    raw = "\n".join(
        [
            "T1\tSource 0 7\tOfficials",
            "T2\tCue 8 12\tsaid",
            "T5\tContent 10 20;30 40\tsplit content",
            "T6\tContent 41 49\tno source",
            "#1\tAnnotatorNotes T5\tsplit by the cue",
            "a stray line an annotator typed",
            "E1\tCue:T2 Source:T1 Content:T5",
            "E2\tCue:T2 Content:T6",
            "E3\tCue:T2 Source:T9 Content:T6",
            "E4\tCue:T2 Source:T1",
        ]
    )
    first, second, third = parse_ann(raw, text_length=50)
    assert first.content.fragments == ((10, 20), (30, 40))
    assert (first.content.start, first.content.end) == (10, 40)
    assert first.source is not None and first.source.fragments == ((0, 7),)
    assert second.content.fragments == ((41, 49),) and second.source is None
    assert third.source is None  # Source:T9 names no span


def test_parse_ann_rejects_offsets_beyond_the_text() -> None:
    with pytest.raises(ValueError, match="line 2: offsets 10 20;30 60 outside the text"):
        parse_ann("T1\tSource 0 7\tX\nT2\tContent 10 20;30 60\tY", text_length=50)


def test_offsets_beyond_the_text_name_the_file(tmp_path: Path) -> None:
    write_brat(tmp_path, "yonhap_0001", YONHAP, YONHAP_ATTRIBUTIONS)
    (tmp_path / "text" / "yonhap_0001.txt").write_text(YONHAP[:200], encoding="utf-8")
    with pytest.raises(BratError, match=r"yonhap_0001_a1\.ann: line \d+: offsets"):
        load_brat_folder(tmp_path)


def test_quoted_regions_pair_marks_per_paragraph() -> None:
    text = (
        'Ahn said “talks will go on” and "nothing is settled" yet.\n'
        "“Exports of the three materials are back to normal,\n"
        '"The second paragraph closes it," he said. A lone ” mark opens nothing.'
    )
    regions = [text[a:b] for a, b in quoted_regions(text)]
    assert regions == [
        "talks will go on",
        "nothing is settled",
        "Exports of the three materials are back to normal,",  # open at the paragraph end
        "The second paragraph closes it,",
    ]


def test_gold_quotes_of_two_wire_stories(tmp_path: Path) -> None:
    write_wire_stories(tmp_path)
    park = "Trade Minister Park Ji-hoon"
    lee = (
        "Lee Min-jung, a senior researcher at the Korea Institute for Industrial Economics "
        "and Trade"
    )
    assert _quotes(tmp_path) == {
        "kyodo_0002": [
            # innermost of two contents holding it equally: the official, not Kyodo
            (
                "The review will cover photoresist and fluorinated polyimide as well",
                "a senior ministry official",
                "name",
            ),
            ("a step toward fully normal trade ties between the neighbours", None, "none"),
            (
                "Procurement managers have already moved orders back to Japanese suppliers",
                "Kim Soo-ah, who heads the materials desk at the Korea International Trade "
                "Association",
                "name",
            ),
            # the content covering most of the quote owns it: hers, not "I"'s
            ("I think the worst is behind us, but we remain cautious", "she", "pronoun"),
        ],
        "yonhap_0001": [
            ("We expect Tokyo to honour the spirit of last year's agreement", park, "name"),
            ("Our chipmakers cannot plan on promises alone", park, "name"),
            ("Nothing is off the table at this stage", "he", "pronoun"),
            (
                "Exporters on both sides have adjusted since 2019, and the supply chain looks "
                "very different now",
                lee,
                "name",
            ),
            ("What both governments want now is predictability", lee, "name"),
        ],
    }
    kyodo = load_brat_folder(tmp_path)[0]
    assert [s.text for s in kyodo.sources] == [
        "government sources",
        "a senior ministry official",
        "Kyodo News",
        "Kim Soo-ah, who heads the materials desk at the Korea International Trade Association",
        "I",
        "she",
    ]
    implicit = kyodo.segments[1].source
    assert (implicit.start, implicit.end) == (-1, -1)


def test_gold_quotes_need_four_words_inside_a_content_span(tmp_path: Path) -> None:
    text = (
        "Seoul called the curbs “economic retaliation” again, a ministry official said.\n"
        "“Chip exports rose for a third month,” the customs agency said on Friday.\n"
        "The ministry said “all pending licence applications were approved within ninety "
        "days” last quarter.\n"
    )
    write_brat(
        tmp_path,
        "yonhap_0003",
        text,
        [
            # three quoted words inside a content span: a scare quote, not a gold quote
            Attr(["Seoul called the curbs “economic retaliation” again"], "a ministry official"),
            # the customs agency's quote is not annotated at all
            # content covering only part of the quote: the gold quote is that part
            Attr(["all pending licence applications were approved"], "The ministry", "said"),
        ],
    )
    [article] = load_brat_folder(tmp_path)
    assert [article.text[s.start : s.end] for s in article.segments] == [
        "all pending licence applications were approved"
    ]
    content = locate(text, "all pending licence applications were approved")
    assert article.segments[0].content == content


def test_source_classes(tmp_path: Path) -> None:
    text = (
        "“Japan has to move first on the remaining items,” Choi said.\n"
        "“The door to dialogue remains open in Tokyo,” they said.\n"
        "“Exports of etching gas will be reviewed again,” it was reported.\n"
    )
    write_brat(
        tmp_path,
        "yonhap_0004",
        text,
        [
            Attr(["Japan has to move first on the remaining items,"], "Choi"),
            Attr(["The door to dialogue remains open in Tokyo,"], "they"),
            Attr(["Exports of etching gas will be reviewed again,"], None, "reported"),
        ],
    )
    [article] = load_brat_folder(tmp_path)
    assert [(s.source.text, s.source.kind) for s in article.segments] == [
        ("Choi", "name"),
        ("they", "pronoun"),
        (None, "none"),
    ]


def test_first_annotator_by_file_name_is_used(tmp_path: Path) -> None:
    write_brat(tmp_path, "yonhap_0001", YONHAP, YONHAP_ATTRIBUTIONS, annotator="b2")
    write_brat(tmp_path, "yonhap_0001", YONHAP, YONHAP_ATTRIBUTIONS[:2], annotator="a1")
    [article] = load_brat_folder(tmp_path)
    assert [s.source.text for s in article.segments] == ["Trade Minister Park Ji-hoon"] * 2


def test_offsets_count_carriage_returns(tmp_path: Path) -> None:
    """brat counts every character of the file as written, "\\r" included."""
    text = YONHAP.replace("\n", "\r\n")
    write_brat(tmp_path, "yonhap_0001", "", [])
    (tmp_path / "text" / "yonhap_0001.txt").write_bytes(text.encode("utf-8"))
    ann = tmp_path / "attributions" / "yonhap_0001_a1.ann"
    start, end = locate(text, "Nothing is off the table at this stage,")
    ann.write_text(f"T1\tSource 0 5\tSEOUL\nT2\tContent {start} {end}\tx\nE1\tSource:T1 Content:T2")
    [article] = load_brat_folder(tmp_path)
    assert article.text == text
    [segment] = article.segments
    assert article.text[segment.start : segment.end] == "Nothing is off the table at this stage"


def test_limit_and_name_order(tmp_path: Path) -> None:
    write_wire_stories(tmp_path)
    assert [a.name for a in load_brat_folder(tmp_path)] == ["kyodo_0002", "yonhap_0001"]
    assert [a.name for a in load_brat_folder(tmp_path, limit=1)] == ["kyodo_0002"]


def test_folder_without_the_layout(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    with pytest.raises(BratError, match="must hold text/ and attributions/"):
        load_brat_folder(tmp_path)
    (tmp_path / "attributions").mkdir()
    with pytest.raises(BratError, match=r"holds no \.ann files"):
        load_brat_folder(tmp_path)
    (tmp_path / "attributions" / "kyodo_0009_a1.ann").write_text("")
    with pytest.raises(BratError, match=r"kyodo_0009_a1\.ann has no text file"):
        load_brat_folder(tmp_path)
