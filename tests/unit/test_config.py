import os
from pathlib import Path

import pytest

from tradewatch.config import (
    GDELT_ENDPOINT,
    SOURCE_TYPES,
    ConfigError,
    load_sources,
    nlp_processes,
    worker_processes,
)
from tradewatch.extract_many import extract_processes
from tradewatch.sources import DISCOVERERS

MINIMAL = """\
allow_private_network: true
sources:
  - name: demo-wire
    type: rss
    url: http://127.0.0.1:8000/feed.xml
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_contract_form(tmp_path: Path) -> None:
    config = load_sources(_write(tmp_path, MINIMAL))
    assert config.allow_private_network is True
    assert [(s.name, s.type, s.url) for s in config.sources] == [
        ("demo-wire", "rss", "http://127.0.0.1:8000/feed.xml")
    ]
    assert config.get("demo-wire").type == "rss"


def test_an_edited_sources_file_is_read_again(tmp_path: Path) -> None:
    """Reads are kept while the file is unchanged; an edit (same size, too) is seen."""
    path = _write(tmp_path, MINIMAL)
    assert load_sources(path).sources[0].name == "demo-wire"
    path.write_text(MINIMAL.replace("demo-wire", "demo-feed"), encoding="utf-8")
    assert load_sources(path).sources[0].name == "demo-feed"
    path.write_text("sources: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lists no sources"):
        load_sources(path)


def test_private_network_defaults_off(tmp_path: Path) -> None:
    text = MINIMAL.replace("allow_private_network: true\n", "")
    assert load_sources(_write(tmp_path, text)).allow_private_network is False


def test_extra_keys_become_options(tmp_path: Path) -> None:
    text = MINIMAL + "    lang: en\n"
    assert load_sources(_write(tmp_path, text)).sources[0].options == {"lang": "en"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [", "not valid YAML"),
        ("just a string", "must be a mapping"),
        ("sources: []", "lists no sources"),
        ("sources:\n  - name: a\n    type: rss\n", "missing url"),
        ("sources:\n  - name: a\n    type: carrier-pigeon\n    url: http://x/", "unknown source"),
        ("sources:\n  - name: a\n    type: rss\n    url: ftp://x/feed", "http or https"),
        ("sources:\n  - name: a\n    type: gdelt\n    url: http://x/", "needs the option 'query'"),
        (
            "sources:\n  - {name: a, type: gdelt, query: Korea, max_records: 500}",
            "max_records must be a whole number from 1 to 250",
        ),
        (
            "sources:\n  - {name: a, type: gdelt, query: '  '}",
            "query must be a non-empty string",
        ),
        (
            "sources:\n  - {name: a, type: sitemap, url: 'http://x/', from_robot: true}",
            "unknown option 'from_robot'",
        ),
        (
            "sources:\n  - {name: a, type: sitemap, url: 'http://x/', from_robots: 'yes'}",
            "from_robots must be true or false",
        ),
        ("sources:\n  - {name: a, type: html_listing, url: 'http://x/'}", "'item_selector'"),
        (
            "sources:\n  - {name: a, type: html_listing, url: 'http://x/', item_selector: 'li['}",
            "item_selector is not a valid CSS selector",
        ),
        (
            "sources:\n  - {name: a, type: html_listing, url: 'http://x/', item_selector: li,"
            " date_format: YYYY-MM-DD}",
            "strptime format",
        ),
        (
            "sources:\n  - {name: a, type: json_feed, url: 'http://x/', items_path: 'data..items'}",
            "items_path must be a dotted path",
        ),
        (
            "sources:\n  - {name: a, type: json_feed, url: 'http://x/', base_url: 'ftp://x/'}",
            "base_url must be an http or https URL",
        ),
        (
            "sources:\n  - {name: a, type: rss, url: 'http://x/1'}\n"
            "  - {name: a, type: rss, url: 'http://x/2'}\n",
            "duplicate source name",
        ),
        ("allow_private_network: yes-please\nsources: []", "true or false"),
    ],
)
def test_bad_files_give_one_line_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_sources(_write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_new_source_types_load_with_their_options(tmp_path: Path) -> None:
    text = """\
sources:
  - {name: g, type: gdelt, query: '(Korea OR Japan) export', max_records: 100}
  - {name: s, type: sitemap, url: 'https://x.example/', from_robots: true, max_depth: 1}
  - name: h
    type: html_listing
    url: https://x.example/press/
    item_selector: ul.press > li
    date_selector: span.date
    date_format: '%Y.%m.%d'
  - {name: j, type: json_feed, url: 'https://x.example/news.json', items_path: data.0.items}
"""
    config = load_sources(_write(tmp_path, text))
    assert config.get("g").url == GDELT_ENDPOINT
    assert config.get("g").options == {"query": "(Korea OR Japan) export", "max_records": 100}
    assert config.get("h").options["date_format"] == "%Y.%m.%d"
    assert config.get("j").options == {"items_path": "data.0.items"}


def test_every_source_type_has_a_discoverer() -> None:
    assert set(SOURCE_TYPES) == set(DISCOVERERS)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "nope.yaml")


def test_bundled_sources_file_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_sources(root / "include" / "sources.yaml")
    assert config.allow_private_network is False
    assert {s.name for s in config.sources} >= {"yonhap", "korea-herald", "japan-times"}


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
@pytest.mark.parametrize("name", ["TRADEWATCH_NLP_PROCESSES", "TRADEWATCH_PROCESSES"])
def test_bad_processes_setting_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        nlp_processes()


def test_nlp_processes_default_is_cores_within_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADEWATCH_NLP_PROCESSES", raising=False)
    monkeypatch.delenv("TRADEWATCH_PROCESSES", raising=False)
    assert 1 <= nlp_processes() <= len(os.sched_getaffinity(0))
    monkeypatch.setenv("TRADEWATCH_NLP_PROCESSES", "3")
    assert nlp_processes() == 3


def test_one_setting_caps_every_stages_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADEWATCH_NLP_PROCESSES", raising=False)
    monkeypatch.setenv("TRADEWATCH_PROCESSES", "1")
    assert worker_processes() == nlp_processes() == extract_processes(10_000) == 1
    monkeypatch.setenv("TRADEWATCH_NLP_PROCESSES", "2")
    assert nlp_processes() == 2
