"""Read attribution corpora in brat standoff (PolNeAR's layout) as gold direct quotes.

Quote and speaker accuracy only mean something on news nobody here wrote, and the real
annotated corpora (PolNeAR among them) mark attributions, not direct quotes. This module
turns their annotations into the unit ``tradewatch eval`` scores:

* a folder holds ``text/<name>.txt`` (UTF-8 article text) and
  ``attributions/<name>_<annotator>.ann``; when several annotators did one article, the
  first file in name order is used;
* ``T`` lines are spans (``Source``, ``Cue``, ``Content``...; discontinuous spans as
  ``start end;start end``), ``E`` lines tie them into one attribution; the source may be
  missing (an implicit source); other lines (``#`` notes, stray text) are ignored;
* a **gold quote** is a stretch of text inside quotation marks (``"…"`` or ``“…”``, paired
  per paragraph; a quote left open at a paragraph end runs to that end, the wire style for
  quotes over several paragraphs) that lies inside an annotated ``Content`` span and has
  at least ``MIN_WORDS`` words there. When nested attributions cover it, the content span
  covering most of it owns it (a quote holding "I think ..." is the quote's speaker's),
  and of spans covering it equally the innermost does: in ``"...," Sanders said,
  according to CNN`` the words are Sanders's, reported by CNN;
* its **source** is the annotated ``Source`` span as written, with its class: ``pronoun``
  for a bare pronoun (he, she, they, it, I, we, who...), ``none`` for an implicit source,
  otherwise ``name`` (a name or a description: "Sen. X (D-Mo.)", "the newspaper").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MIN_WORDS",
    "PRONOUNS",
    "BratError",
    "GoldSegment",
    "GoldSource",
    "QuotedArticle",
    "load_brat_folder",
    "parse_ann",
    "quoted_regions",
]

MIN_WORDS = 4
PRONOUNS = frozenset(
    {"he", "she", "it", "they", "i", "we", "you", "who", "whom", "which", "that", "his", "her"}
    | {"him", "them", "its", "their", "me", "us", "my", "our", "one", "this", "these", "those"}
)
_SPAN_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")
_EVENT_LINE = re.compile(r"^(E\d+)\t(.*)$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_MARK = re.compile(r"[\"“”]")


class BratError(ValueError):
    """The folder or an annotation file is unusable; the message names the file."""


@dataclass(frozen=True)
class Span:
    id: str
    kind: str
    fragments: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True)
class GoldSource:
    """The annotated source of an attribution, as written, with its class."""

    text: str | None
    start: int
    end: int
    kind: str  # "name", "pronoun" or "none"


@dataclass(frozen=True)
class GoldSegment:
    """One gold direct quote: offsets of the quoted words and who the annotators credit."""

    start: int
    end: int
    source: GoldSource
    content: tuple[int, int]


@dataclass(frozen=True)
class QuotedArticle:
    """An article with its text and gold quotes, plus every annotated source (for
    resolving pronoun sources)."""

    name: str
    text: str
    segments: tuple[GoldSegment, ...]
    sources: tuple[GoldSource, ...]


@dataclass(frozen=True)
class _Attribution:
    content: Span
    source: Span | None


def load_brat_folder(folder: Path, limit: int | None = None) -> list[QuotedArticle]:
    """Every annotated article under ``folder`` (``text/`` and ``attributions/``), in name
    order; raise :class:`BratError` for a folder without that layout."""
    texts, anns = folder / "text", folder / "attributions"
    if not texts.is_dir() or not anns.is_dir():
        raise BratError(f"{folder} must hold text/ and attributions/ folders (brat standoff)")
    by_article: dict[str, Path] = {}
    for ann in sorted(anns.glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        by_article.setdefault(name, ann)
    articles: list[QuotedArticle] = []
    for name, ann in sorted(by_article.items()):
        txt = texts / f"{name}.txt"
        if not txt.exists():
            raise BratError(f"{ann} has no text file {txt}")
        articles.append(read_article(name, txt, ann))
        if limit is not None and len(articles) >= limit:
            break
    if not articles:
        raise BratError(f"{anns} holds no .ann files")
    return articles


def read_article(name: str, txt: Path, ann: Path) -> QuotedArticle:
    """One article: its text and the gold quotes its annotation implies."""
    try:
        text = txt.read_bytes().decode("utf-8")  # as written: brat offsets count "\r"
        attributions = parse_ann(ann.read_text(encoding="utf-8"), len(text))
    except (OSError, UnicodeDecodeError) as exc:
        raise BratError(f"cannot read {ann.name}: {exc}") from None
    except ValueError as exc:
        raise BratError(f"{ann}: {exc}") from None
    sources = tuple(
        sorted(
            {_source(text, a.source) for a in attributions if a.source is not None},
            key=lambda s: (s.start, s.end),
        )
    )
    return QuotedArticle(
        name=name, text=text, segments=_segments(text, attributions), sources=sources
    )


def parse_ann(raw: str, text_length: int) -> list[_Attribution]:
    """The attributions of one ``.ann`` file; offsets are checked against the text."""
    spans: dict[str, Span] = {}
    events: list[dict[str, str]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        span = _SPAN_LINE.match(line)
        if span:
            fragments = tuple(
                (int(a), int(b)) for a, b in (f.split() for f in span.group(3).split(";"))
            )
            if any(not 0 <= a <= b <= text_length for a, b in fragments):
                raise ValueError(f"line {number}: offsets {span.group(3)} outside the text")
            spans[span.group(1)] = Span(span.group(1), span.group(2), fragments)
            continue
        event = _EVENT_LINE.match(line)
        if event:
            roles = dict(part.split(":", 1) for part in event.group(2).split() if ":" in part)
            events.append(roles)
    attributions = []
    for roles in events:
        content = spans.get(roles.get("Content", ""))
        if content is None:
            continue
        attributions.append(_Attribution(content, spans.get(roles.get("Source", ""))))
    return attributions


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Offsets of the words inside quotation marks, paired paragraph by paragraph: a curly
    mark says which way it faces, a straight one opens when none is open and closes
    otherwise; a quote still open at the paragraph end runs to that end."""
    regions: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        open_at: int | None = None
        for mark in _MARK.finditer(text, paragraph.start(), paragraph.end()):
            char = mark.group()
            if open_at is None:
                if char != "”":
                    open_at = mark.end()
                continue
            if char == "“":
                regions.append((open_at, mark.start()))
                open_at = mark.end()
                continue
            regions.append((open_at, mark.start()))
            open_at = None
        if open_at is not None:
            regions.append((open_at, paragraph.end()))
    return [(a, b) for a, b in regions if b > a]


def _segments(text: str, attributions: list[_Attribution]) -> tuple[GoldSegment, ...]:
    segments: list[GoldSegment] = []
    for start, end in quoted_regions(text):
        best: tuple[tuple[int, int], int, int, _Attribution] | None = None
        for attribution in attributions:
            size = attribution.content.end - attribution.content.start
            for c_start, c_end in attribution.content.fragments:
                lo, hi = max(start, c_start), min(end, c_end)
                if hi > lo and (best is None or (hi - lo, -size) > best[0]):
                    best = ((hi - lo, -size), lo, hi, attribution)
        if best is None:
            continue
        _, lo, hi, attribution = best
        while lo < hi and not text[lo].isalnum():
            lo += 1
        while hi > lo and not text[hi - 1].isalnum():
            hi -= 1
        if len(_WORD.findall(text[lo:hi])) < MIN_WORDS:
            continue
        source = (
            _source(text, attribution.source)
            if attribution.source is not None
            else GoldSource(None, -1, -1, "none")
        )
        content = (attribution.content.start, attribution.content.end)
        segments.append(GoldSegment(lo, hi, source, content))
    return tuple(segments)


def _source(text: str, span: Span) -> GoldSource:
    written = " ".join(text[a:b] for a, b in span.fragments)
    written = " ".join(written.split())
    kind = "pronoun" if written.casefold() in PRONOUNS else "name"
    return GoldSource(written, span.start, span.end, kind)
