"""Gazetteer loading and entity canonicalisation.

Analysts count mentions per canonical name, so every alias ("METI", "Japan's trade ministry")
must land on one canonical string, and a bare surname ("Seko") must land on the full name
the article introduced earlier. The gazetteer is plain YAML so analysts can extend it
without touching code.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc, Span

import tradewatch
from tradewatch.models import EntityMention

__all__ = [
    "DOMAIN_LABELS",
    "KEPT_LABELS",
    "Gazetteer",
    "GazetteerEntry",
    "GazetteerError",
    "clean_span",
    "extract_entities",
    "gazetteer_dir",
    "load_gazetteer",
    "resolve_person",
    "ruler_patterns",
    "strip_titles",
]

logger = logging.getLogger(__name__)

GAZETTEER_FILES = ("materials", "companies", "agencies", "places", "policy")
DOMAIN_LABELS = frozenset({"MATERIAL", "POLICY"})
KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"}) | DOMAIN_LABELS

_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_EDGE_JUNK = " \t\r\n,;:.\"“”‘’'()-—"
_PERSON_TITLE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep)\.?|President|Prime|Premier|Minister|Vice|Deputy|"
    r"Trade|Foreign|Industry|Economy|Finance|Chief|Cabinet|Secretary|Chairman|Chairwoman|CEO|"
    r"Ambassador|Spokesman|Spokeswoman|Spokesperson|Director|General|Commissioner)\s+"
)
# NER often stops Korean names at the hyphen of the given name ("Moon Jae" of "Moon Jae-in").
_HYPHEN_TAIL = re.compile(r"-[a-z]+\b")
_NAME_SPLIT = re.compile(r"[\s]+")


class GazetteerError(ValueError):
    """A gazetteer file is malformed; the message names the file and entry."""


@dataclass(frozen=True)
class GazetteerEntry:
    """One canonical name with its label and the surface forms that mean it."""

    canonical: str
    label: str
    aliases: tuple[str, ...] = ()
    noun_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    """All entries plus a case-insensitive alias index for matching NER output."""

    entries: tuple[GazetteerEntry, ...]
    index: dict[str, GazetteerEntry] = field(default_factory=dict, compare=False)

    def lookup(self, surface: str) -> GazetteerEntry | None:
        """Find the entry whose canonical or alias equals ``surface`` (case-insensitive)."""
        return self.index.get(_key(surface))


def _key(surface: str) -> str:
    return " ".join(surface.replace("’", "'").split()).casefold()


def gazetteer_dir() -> Path:
    """The YAML directory: ``$TRADEWATCH_GAZETTEER_DIR`` or ``include/gazetteer``."""
    env = os.environ.get("TRADEWATCH_GAZETTEER_DIR")
    if env:
        return Path(env)
    return Path(tradewatch.__file__).resolve().parent.parent / "gazetteer"


def load_gazetteer(directory: str | Path | None = None) -> Gazetteer:
    """Read every gazetteer file once per directory (cached)."""
    return _load_gazetteer(Path(directory) if directory else gazetteer_dir())


@lru_cache(maxsize=8)
def _load_gazetteer(directory: Path) -> Gazetteer:
    entries: list[GazetteerEntry] = []
    for stem in GAZETTEER_FILES:
        path = directory / f"{stem}.yaml"
        if not path.exists():
            logger.warning("gazetteer file missing: %s", path)
            continue
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise GazetteerError(f"{path} is not valid YAML: {exc}") from None
        if not isinstance(raw, list):
            raise GazetteerError(f"{path} must be a list of entries")
        entries.extend(_parse_entry(path, i, item) for i, item in enumerate(raw))
    index: dict[str, GazetteerEntry] = {}
    for entry in entries:
        for surface in (entry.canonical, *entry.aliases, *entry.noun_aliases):
            index.setdefault(_key(surface), entry)
    logger.debug("loaded %d gazetteer entries from %s", len(entries), directory)
    return Gazetteer(entries=tuple(entries), index=index)


def _parse_entry(path: Path, index: int, item: Any) -> GazetteerEntry:
    where = f"{path.name}[{index}]"
    if not isinstance(item, dict) or not item.get("canonical") or not item.get("label"):
        raise GazetteerError(f"{where} needs 'canonical' and 'label'")
    aliases = item.get("aliases") or []
    noun_aliases = item.get("noun_aliases") or []
    if not isinstance(aliases, list) or not isinstance(noun_aliases, list):
        raise GazetteerError(f"{where}: 'aliases' and 'noun_aliases' must be lists")
    return GazetteerEntry(
        canonical=str(item["canonical"]),
        label=str(item["label"]).upper(),
        aliases=tuple(str(a) for a in aliases),
        noun_aliases=tuple(str(a) for a in noun_aliases),
    )


def ruler_patterns(gazetteer: Gazetteer, tokenize: Any) -> list[dict[str, Any]]:
    """EntityRuler patterns; ``tokenize`` is ``nlp.tokenizer`` so tokens line up.

    Plain aliases become phrase patterns (fast; the ruler matches them on the LOWER
    attribute). All-caps aliases (JSR, TOK, ROK) become case-sensitive token patterns so
    "tok" or "us" never fire, and ``noun_aliases`` token patterns that require a NOUN tag.
    """
    patterns: list[dict[str, Any]] = []
    for entry in gazetteer.entries:
        surfaces = [(s, False) for s in (entry.canonical, *entry.aliases)]
        surfaces += [(s, True) for s in entry.noun_aliases]
        for surface, noun_only in surfaces:
            exact = surface.isupper() or any(ch.isdigit() for ch in surface)
            pattern: str | list[dict[str, Any]] = surface
            if exact or noun_only:
                pattern = []
                for tok in tokenize(surface):
                    attrs: dict[str, Any] = {"ORTH": tok.text} if exact else {"LOWER": tok.lower_}
                    if noun_only:
                        attrs["POS"] = "NOUN"
                    pattern.append(attrs)
            if pattern:
                patterns.append({"label": entry.label, "pattern": pattern, "id": entry.canonical})
    return patterns


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim junk, a leading "the" and a possessive "'s" from ``text[start:end]``."""
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    m = _LEADING_THE.match(text, start, end)
    if m and m.end() < end:
        start = m.end()
    m = _TRAILING_POSSESSIVE.search(text[start:end])
    if m and m.start() > 0:
        end = start + m.start()
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    return start, end


def strip_titles(name: str) -> str:
    """Drop leading titles: "Trade Minister Hiroshige Seko" -> "Hiroshige Seko"."""
    while True:
        shorter = _PERSON_TITLE.sub("", name, count=1)
        if shorter == name or not shorter.strip():
            return name.strip()
        name = shorter


def resolve_person(name: str, full_names: Sequence[str]) -> str:
    """Map a short form ("Seko", "Mr. Seko") to the latest full name containing it."""
    short = strip_titles(name)
    parts = _NAME_SPLIT.split(short)
    if len(parts) != 1:
        return short
    for full in reversed(full_names):
        if short in _NAME_SPLIT.split(full):
            return full
    return short


def extract_entities(doc: Doc, gazetteer: Gazetteer | None = None) -> list[EntityMention]:
    """Entity mentions with canonical names, in text order, from a processed ``doc``.

    Ruler-made spans carry their canonical in ``ent_id_``; NER spans are looked up in the
    gazetteer, and single-word PERSON mentions are resolved against the article's full names
    (first pass collects full names so a surname before the full name still resolves).
    """
    gaz = gazetteer or load_gazetteer()
    text = doc.text
    cleaned = [m for m in (_clean(ent, text, gaz) for ent in doc.ents) if m is not None]
    named = [
        (m.canonical, m.start_char) for m in cleaned if m.label == "PERSON" and " " in m.canonical
    ]
    full_names = [name for name, _ in named]
    for mention in cleaned:
        if " " in mention.canonical:
            continue
        if mention.label == "PERSON":
            earlier = [name for name, start in named if start < mention.start_char]
            mention.canonical = resolve_person(mention.canonical, earlier or full_names)
        elif mention.label in {"ORG", "GPE", "NORP"} and gaz.lookup(mention.text) is None:
            resolved = resolve_person(mention.text, full_names)
            if resolved != mention.text:
                mention.label, mention.canonical = "PERSON", resolved
    taken = [(m.start_char, m.end_char) for m in cleaned]
    taken += [(e.start_char, e.end_char) for e in doc.ents]
    cleaned.extend(_surname_mentions(text, taken, named))
    return sorted(cleaned, key=lambda m: m.start_char)


def _surname_mentions(
    text: str, taken: Sequence[tuple[int, int]], named: Sequence[tuple[str, int]]
) -> list[EntityMention]:
    """Bare surnames the statistical NER missed ("Seko denied...", "Seko said").

    Small models tag the full name on first mention but often miss the later short form,
    which is exactly the form quotes are attributed with. Only the first and last part of a
    full name count, not hyphenated given names, and only outside any existing entity span
    (so "Park" in "Olympic Park" stays a facility).
    """
    parts: dict[str, None] = {}
    for name, _ in named:
        words = name.split()
        for word in (words[0], words[-1]):
            if len(word) >= 3 and "-" not in word and word[0].isupper():
                parts.setdefault(word)
    if not parts:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, parts)) + r")\b(?![-'’]\w)")
    found: list[EntityMention] = []
    for m in pattern.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        earlier = [n for n, start in named if start < m.start()]
        canonical = resolve_person(m.group(0), earlier or [n for n, _ in named])
        found.append(
            EntityMention(
                text=m.group(0),
                label="PERSON",
                canonical=canonical,
                start_char=m.start(),
                end_char=m.end(),
            )
        )
    return found


def _clean(ent: Span, text: str, gaz: Gazetteer) -> EntityMention | None:
    label = ent.label_
    if label not in KEPT_LABELS:
        return None
    start, end = clean_span(text, ent.start_char, ent.end_char)
    if start >= end:
        return None
    if label == "PERSON" and not ent.ent_id_:
        tail = _HYPHEN_TAIL.match(text, end)
        if tail:
            end = tail.end()
        start = end - len(strip_titles(text[start:end]))
    surface = text[start:end]
    canonical = ent.ent_id_ or ""
    entry = gaz.lookup(canonical) if canonical else gaz.lookup(surface)
    if entry is not None:
        label, canonical = entry.label, entry.canonical
    else:
        canonical = " ".join(surface.split())
    return EntityMention(
        text=surface, label=label, canonical=canonical, start_char=start, end_char=end
    )
