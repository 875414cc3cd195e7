from pathlib import Path

import requests

from tradewatch.devserver import SiteServer, serve_directory


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


def test_etag_and_304(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text("<rss/>")
    with serve_directory(tmp_path) as base:
        first = requests.get(f"{base}/feed.xml", timeout=5)
        again = requests.get(
            f"{base}/feed.xml", headers={"If-None-Match": first.headers["ETag"]}, timeout=5
        )
        stale = requests.get(f"{base}/feed.xml", headers={"If-None-Match": '"old"'}, timeout=5)
    assert first.status_code == 200 and first.headers["ETag"].startswith('"')
    assert again.status_code == 304 and again.content == b""
    assert stale.status_code == 200 and stale.text == "<rss/>"


def test_every_request_is_recorded_with_when_it_arrived_and_was_answered(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>a</p>")
    server = SiteServer(tmp_path).start()
    try:
        for path in ("/a.html", "/missing.html"):
            requests.get(f"{server.base_url}{path}", timeout=5)
    finally:
        server.stop()
    first, second = server.served
    assert (first.path, second.path) == ("/a.html", "/missing.html")
    assert first.arrived <= first.finished <= second.arrived <= second.finished
