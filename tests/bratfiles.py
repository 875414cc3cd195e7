"""Write small brat standoff folders (PolNeAR's layout) for tests.

``write_brat(folder, name, text, [Attr(...)])`` writes ``text/NAME.txt`` and
``attributions/NAME_ANNOTATOR.ann``; spans are given as phrases of the text (``("he", 1)``
= its second occurrence) and their offsets are looked up, so tests never count characters.
``YONHAP`` and ``KYODO`` are two annotated wire stories (fictional) for the brat tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

Phrase = str | tuple[str, int]


@dataclass(frozen=True)
class Attr:
    """One annotated attribution; several ``content`` phrases make a discontinuous span."""

    content: Sequence[Phrase]
    source: Phrase | None = None
    cue: Phrase | None = None


def locate(text: str, phrase: Phrase) -> tuple[int, int]:
    """Offsets of ``phrase`` as whole words (its ``nth`` occurrence, from 0) in ``text``."""
    words, nth = (phrase, 0) if isinstance(phrase, str) else phrase
    found = list(re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", text))
    if len(found) <= nth:
        raise ValueError(f"{words!r} occurs {len(found)} times, not {nth + 1}")
    return found[nth].span()


def ann_lines(text: str, attributions: Sequence[Attr]) -> list[str]:
    """The ``T``/``E`` lines of an .ann file for ``attributions``."""
    lines: list[str] = []

    def span(kind: str, phrases: Sequence[Phrase]) -> str:
        tid = f"T{sum(line.startswith('T') for line in lines) + 1}"
        fragments = [locate(text, p) for p in phrases]
        offsets = ";".join(f"{a} {b}" for a, b in fragments)
        written = " ".join(" ".join(text[a:b].split()) for a, b in fragments)
        lines.append(f"{tid}\t{kind} {offsets}\t{written}")
        return tid

    events: list[str] = []
    for number, attr in enumerate(attributions, start=1):
        roles = []
        if attr.cue is not None:
            roles.append(f"Cue:{span('Cue', [attr.cue])}")
        if attr.source is not None:
            roles.append(f"Source:{span('Source', [attr.source])}")
        roles.append(f"Content:{span('Content', attr.content)}")
        events.append(f"E{number}\t{' '.join(roles)}")
    return lines + events


def write_brat(
    folder: Path,
    name: str,
    text: str,
    attributions: Sequence[Attr],
    *,
    annotator: str = "a1",
    extra: Sequence[str] = (),
) -> Path:
    """Write the article and its annotation (plus ``extra`` raw lines); return the .ann."""
    (folder / "text").mkdir(parents=True, exist_ok=True)
    (folder / "attributions").mkdir(parents=True, exist_ok=True)
    (folder / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    ann = folder / "attributions" / f"{name}_{annotator}.ann"
    ann.write_text("\n".join([*ann_lines(text, attributions), *extra]) + "\n", encoding="utf-8")
    return ann


YONHAP = (
    "SEOUL, March 3 (Yonhap) -- South Korea will keep pressing Japan to scrap its remaining "
    "checks on hydrogen fluoride shipments, the trade ministry said Tuesday.\n\n"
    '"We expect Tokyo to honour the spirit of last year\'s agreement," Trade Minister '
    'Park Ji-hoon told reporters in Sejong. "Our chipmakers cannot plan on promises alone."\n\n'
    'Park said working-level talks would resume in Tokyo next month. "Nothing is off the '
    'table at this stage," he said.\n\n'
    '"Exporters on both sides have adjusted since 2019, and the supply chain looks very '
    "different now.\n\n"
    '"What both governments want now is predictability," said Lee Min-jung, a senior '
    "researcher at the Korea Institute for Industrial Economics and Trade.\n"
)
YONHAP_ATTRIBUTIONS = [
    Attr(
        [
            "South Korea will keep pressing Japan to scrap its remaining checks on hydrogen "
            "fluoride shipments"
        ],
        "the trade ministry",
        "said",
    ),
    # a split quote: one discontinuous content span
    Attr(
        [
            "We expect Tokyo to honour the spirit of last year's agreement,",
            "Our chipmakers cannot plan on promises alone.",
        ],
        "Trade Minister Park Ji-hoon",
        "told",
    ),
    Attr(["working-level talks would resume in Tokyo next month"], ("Park", 1), ("said", 1)),
    Attr(["Nothing is off the table at this stage,"], "he", ("said", 2)),
    # a quote over two paragraphs: the first is left open at its end
    Attr(
        [
            "Exporters on both sides have adjusted since 2019, and the supply chain looks very "
            'different now.\n\n"What both governments want now is predictability,'
        ],
        "Lee Min-jung, a senior researcher at the Korea Institute for Industrial Economics "
        "and Trade",
        ("said", 3),
    ),
]
KYODO = (
    "TOKYO, March 4 (Kyodo) -- Japan's industry ministry plans to review its export "
    "guidelines for semiconductor materials bound for South Korea in June, government "
    "sources said Wednesday.\n\n"
    "“The review will cover photoresist and fluorinated polyimide as well,” a senior "
    "ministry official said, according to Kyodo News.\n\n"
    "The plan has been described as “a step toward fully normal trade ties between the "
    "neighbours.”\n\n"
    "“Procurement managers have already moved orders back to Japanese suppliers,” said "
    "Kim Soo-ah, who heads the materials desk at the Korea International Trade Association. "
    "“I think the worst is behind us, but we remain cautious,” she added.\n"
)
KYODO_ATTRIBUTIONS = [
    Attr(
        [
            "Japan's industry ministry plans to review its export guidelines for semiconductor "
            "materials bound for South Korea in June"
        ],
        "government sources",
        "said",
    ),
    # nested: the official's words, reported by Kyodo; both contents hold the whole quote
    Attr(
        ["The review will cover photoresist and fluorinated polyimide as well,"],
        "a senior ministry official",
        ("said", 1),
    ),
    Attr(
        [
            "“The review will cover photoresist and fluorinated polyimide as well,” a senior "
            "ministry official said"
        ],
        "Kyodo News",
        "according to",
    ),
    Attr(["a step toward fully normal trade ties between the neighbours."], None, "described"),
    Attr(
        ["Procurement managers have already moved orders back to Japanese suppliers,"],
        "Kim Soo-ah, who heads the materials desk at the Korea International Trade Association",
        ("said", 2),
    ),
    # "I think ..." inside her quote: her content covers more of the quote than I's does
    Attr(["I think the worst is behind us, but we remain cautious,"], "she", "added"),
    Attr(["the worst is behind us"], "I", "think"),
]


def write_wire_stories(folder: Path) -> None:
    """Both stories, annotated, under ``folder``."""
    write_brat(folder, "yonhap_0001", YONHAP, YONHAP_ATTRIBUTIONS)
    write_brat(folder, "kyodo_0002", KYODO, KYODO_ATTRIBUTIONS)
