"""The brief opened from disk (file://) in headless Chromium: what a reader sees."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page

from chromium import Shots, chromium
from reportdb import (
    AHN,
    DAY,
    HOSTILE_QUOTE,
    HOSTILE_TITLE,
    JA_QUOTE,
    KO_QUOTE,
    add_korean_and_japanese,
    build_report_db,
)
from tradewatch.report import write_brief

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = build_report_db(tmp_path_factory.mktemp("db") / "tw.duckdb")
    out = tmp_path_factory.mktemp("reports")
    write_brief(db, out, day=DAY - timedelta(days=1))
    write_brief(db, out, day=DAY)
    return out


def marks_drawn(page: Page, chart: str) -> int:
    """Bars of the chart in ``chart`` that the browser laid out with a non-empty box."""
    bars = page.locator(f"{chart} svg .mark-rect path")
    return sum(
        1
        for i in range(bars.count())
        if (box := bars.nth(i).bounding_box()) and box["height"] * box["width"] > 0
    )


def test_the_brief_reads_right_offline_in_a_browser(reports: Path) -> None:
    shots = Shots("brief-file")
    requests: list[str] = []
    dialogs: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto((reports / "latest.html").as_uri())
        shots.take(page, "latest")

        assert page.locator("h1").inner_text() == f"Korea–Japan trade brief · {DAY:%A, %d %B %Y}"
        speakers = page.locator("#speakers")
        assert AHN in speakers.inner_text() and "Yasutoshi Nishimura" in speakers.inner_text()
        quote = speakers.locator("blockquote", has_text="We will respond firmly")
        assert HOSTILE_QUOTE in quote.inner_text()  # shown as text, not run
        assert quote.locator("a").get_attribute("href") == "http://wire.example/a1-day"
        assert HOSTILE_TITLE in page.locator("#articles").inner_text()

        assert page.locator("#topics svg").count() == 1
        assert marks_drawn(page, "#topics") >= 3
        assert marks_drawn(page, "#materials") >= 2 and marks_drawn(page, "#organisations") >= 3
        page.locator("#topics svg").screenshot(path=str(shots.folder / "topics-chart.png"))

        page.get_by_role("link", name=str(DAY - timedelta(days=1))).click()
        page.wait_for_url(f"**/{DAY - timedelta(days=1)}.html")
        assert "Seoul weighs response" in page.locator("#articles").inner_text()
        shots.take(page, "previous-day")

    assert dialogs == []
    assert requests and all(url.startswith("file://") for url in requests), requests


def test_korean_and_japanese_are_drawn_with_fonts_that_have_their_glyphs(tmp_path: Path) -> None:
    """A missing CJK font shows boxes, not an error: ask Chromium which fonts drew the text."""
    db = add_korean_and_japanese(build_report_db(tmp_path / "tw.duckdb"))
    brief = write_brief(db, tmp_path / "reports", day=DAY).path
    shots = Shots("brief-languages")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(brief.as_uri())
        shots.take(page, "brief")
        assert page.locator("#languages").inner_text().count(" on ") == 3
        assert page.locator('blockquote[lang="ko"]').inner_text().startswith(f"“{KO_QUOTE}”")
        assert page.locator('blockquote[lang="ja"]').inner_text().startswith(f"“{JA_QUOTE}”")
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]

        def fonts(selector: str) -> dict[str, int]:
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            return {font["familyName"]: font["glyphCount"] for font in used}

        for selector, script in (
            ('blockquote[lang="ko"]', "KR"),
            ('blockquote[lang="ja"]', "JP"),
            ('#articles span[lang="ko"]', "KR"),
            ('#articles span[lang="ja"]', "JP"),
        ):
            used = fonts(selector)
            assert used and all("CJK" in family for family in used), (selector, used)
            assert any(family.endswith(script) for family in used), (selector, used)
        page.locator("#speakers").screenshot(path=str(shots.folder / "speakers.png"))
