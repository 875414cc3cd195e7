"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright.

Playwright's own browser download is not reachable here, so it launches the system
browser (``$TRADEWATCH_CHROMIUM``, default ``/usr/bin/chromium``; ``.ci/run`` installs the
Debian package). Without it the browser tests skip on a developer's machine and fail in CI
(``CI`` set), where a skipped browser test would hide that nothing was checked.

Screenshots go to ``artifacts/screenshots/<test>/NN-step.png`` (git-ignored), so a person
can look at what each step showed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

__all__ = ["CHROMIUM", "SCREENSHOTS", "Shots", "chromium"]

CHROMIUM = Path(os.environ.get("TRADEWATCH_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_browser() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = (
        f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
        "or point TRADEWATCH_CHROMIUM at a Chromium binary"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless system Chromium, closed afterwards."""
    _require_browser()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Shots:
    """Numbered full-page screenshots of one test's steps, in a fresh folder."""

    def __init__(self, name: str) -> None:
        self.folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
