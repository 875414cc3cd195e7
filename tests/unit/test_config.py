from pathlib import Path

import pytest

from tradewatch.config import ConfigError, load_sources

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
        ("sources:\n  - name: a\n    type: gdelt\n    url: http://x/", "not supported yet"),
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


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "nope.yaml")


def test_bundled_sources_file_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_sources(root / "include" / "sources.yaml")
    assert config.allow_private_network is False
    assert {s.name for s in config.sources} >= {"yonhap", "korea-herald", "japan-times"}
