"""Shared fixtures: the fixture news site served for real on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from servers.site import SITE, SITE_FEEDS, write_sources
from tradewatch.devserver import serve_directory


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real spaCy model with the project's pipes, loaded once per session."""
    from tradewatch.nlp import load_model  # spaCy loads only for the tests that need it

    return load_model()


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Base URL of the fixture site, served by a real HTTP server for the whole session."""
    with serve_directory(SITE) as base:
        yield base


@pytest.fixture
def sources_file(tmp_path: Path, site_url: str) -> Path:
    """A sources file for the fixture site, in the test's temp dir."""
    return write_sources(tmp_path / "sources.yaml", site_url)


@pytest.fixture(scope="session")
def make_sources(site_url: str):
    """Factory: ``make_sources(path, feeds=SITE_FEEDS)`` writes a sources file for the site."""

    def make(path: Path, feeds: list[tuple[str, str, str]] = SITE_FEEDS) -> Path:
        return write_sources(path, site_url, feeds)

    return make


@pytest.fixture(scope="session")
def expected() -> list[dict]:
    """Gold expectations for every fixture article (written with the site)."""
    return yaml.safe_load((SITE / "EXPECTED.yaml").read_text(encoding="utf-8"))
