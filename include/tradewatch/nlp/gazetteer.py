"""The gazetteer: canonical names of the domain's entities and every way of writing them.

Analysts count mentions per canonical name, so every alias ("METI", "Japan's trade
ministry", 経済産業省, 경제산업성) must land on one canonical string: the English name, in
whatever language the article is written. The gazetteer is plain YAML in
``include/gazetteer/`` so analysts can extend it without touching code; this module only
reads it (no spaCy), so the Korean analysis can use it without loading a model.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import tradewatch

__all__ = [
    "GAZETTEER_FILES",
    "Gazetteer",
    "GazetteerEntry",
    "GazetteerError",
    "gazetteer_dir",
    "load_gazetteer",
]

logger = logging.getLogger(__name__)

GAZETTEER_FILES = ("materials", "companies", "agencies", "media", "places", "policy", "people")
ENTRY_KINDS = frozenset({"", "media"})
# Fields holding the names an entry goes by in Korean and in Japanese text.
SCRIPT_FIELDS = ("ko", "ja")


class GazetteerError(ValueError):
    """A gazetteer file is malformed; the message names the file and entry."""


@dataclass(frozen=True)
class GazetteerEntry:
    """One canonical name with its label and the surface forms that mean it."""

    canonical: str
    label: str
    aliases: tuple[str, ...] = ()
    noun_aliases: tuple[str, ...] = ()
    kind: str = ""
    ko: tuple[str, ...] = ()  # as written in Korean text (삼성전자)
    ja: tuple[str, ...] = ()  # as written in Japanese text (サムスン電子)


@dataclass(frozen=True)
class Gazetteer:
    """All entries plus a case-insensitive alias index for matching NER output."""

    entries: tuple[GazetteerEntry, ...]
    index: dict[str, GazetteerEntry] = field(default_factory=dict, compare=False)

    def lookup(self, surface: str) -> GazetteerEntry | None:
        """Find the entry whose canonical or alias equals ``surface`` (case-insensitive), in
        any of the three languages."""
        return self.index.get(_key(surface))

    def names_in(self, lang: str) -> list[tuple[str, GazetteerEntry]]:
        """Every ``(name, entry)`` an entry goes by in ``lang`` (``ko``, ``ja``), longest
        first, so a matcher trying them in order prefers 산업통상자원부 to 산업부. Acronyms
        among the English names (JSR, WTO, METI) count too: Korean and Japanese copy
        writes them in Latin letters."""
        found = [(name, e) for e in self.entries for name in getattr(e, lang)]
        found += [
            (name, e)
            for e in self.entries
            for name in (e.canonical, *e.aliases)
            if len(name) > 1 and name.isascii() and name.isupper() and name.isalpha()
        ]
        return sorted(found, key=lambda pair: -len(pair[0]))


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
    for entry in entries:
        for surface in (*entry.ko, *entry.ja):
            index.setdefault(_key(surface), entry)
    logger.debug("loaded %d gazetteer entries from %s", len(entries), directory)
    return Gazetteer(entries=tuple(entries), index=index)


def _parse_entry(path: Path, index: int, item: Any) -> GazetteerEntry:
    where = f"{path.name}[{index}]"
    if not isinstance(item, dict) or not item.get("canonical") or not item.get("label"):
        raise GazetteerError(f"{where} needs 'canonical' and 'label'")
    aliases = item.get("aliases") or []
    noun_aliases = item.get("noun_aliases") or []
    scripts = {lang: item.get(lang) or [] for lang in SCRIPT_FIELDS}
    if not all(isinstance(v, list) for v in (aliases, noun_aliases, *scripts.values())):
        raise GazetteerError(f"{where}: 'aliases', 'noun_aliases', 'ko' and 'ja' must be lists")
    kind = str(item.get("kind") or "")
    if kind not in ENTRY_KINDS:
        raise GazetteerError(f"{where}: 'kind' must be one of {sorted(ENTRY_KINDS - {''})}")
    return GazetteerEntry(
        canonical=str(item["canonical"]),
        label=str(item["label"]).upper(),
        aliases=tuple(str(a) for a in aliases),
        noun_aliases=tuple(str(a) for a in noun_aliases),
        kind=kind,
        **{lang: tuple(str(a) for a in names) for lang, names in scripts.items()},
    )
