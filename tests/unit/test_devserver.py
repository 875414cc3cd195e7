from pathlib import Path

import requests

from tradewatch.devserver import serve_directory


def test_serves_files_with_base_substituted(tmp_path: Path) -> None:
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "feed.xml").write_text("<rss><link>__BASE__/wire/a.html</link></rss>")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG__BASE__")
    with serve_directory(tmp_path) as base:
        feed = requests.get(f"{base}/wire/feed.xml", timeout=5)
        png = requests.get(f"{base}/logo.png", timeout=5)
        missing = requests.get(f"{base}/nope.html", timeout=5)
    assert base.startswith("http://127.0.0.1:")
    assert feed.text == f"<rss><link>{base}/wire/a.html</link></rss>"
    assert feed.headers["Content-Type"] == "application/xml"
    assert png.content == b"\x89PNG__BASE__"
    assert missing.status_code == 404
