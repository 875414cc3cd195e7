"""End to end in a real browser: an analyst triggers a run in the Airflow UI and reads the
brief it leads to under "Trade brief".

A fresh ``airflow standalone`` (tests/airflowtest.py) and headless Chromium: log in
through the login page, open ``tradewatch_daily``, fill the trigger form's
``sources_file`` with the bundled sample site, trigger, wait for the run and for the
``tradewatch_report`` run its load sets off (data-aware, on the DuckDB Asset), click
"Trade brief" and check the brief in the UI's frame: the speakers and quotes of the
ingested articles, and charts drawn with marks. The plugin's app must refuse whoever is
not logged in. Every step leaves a screenshot in ``artifacts/screenshots/e2e-trade-brief/``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import requests
import yaml
from playwright.sync_api import FrameLocator, Page

from airflowtest import Airflow, failure_report, standalone
from chromium import Shots, chromium
from tradewatch.devserver import serve_directory

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "include" / "samples"
USER, PASSWORD = "analyst", "e2e-analyst-password"
DAILY, REPORT = "tradewatch_daily", "tradewatch_report"
RUN_TIMEOUT = 420
UI_TIMEOUT_MS = 60_000


def samples_sources(path: Path, base: str) -> Path:
    """include/samples/sources.yaml pointed at the sample site served at ``base``."""
    doc = yaml.safe_load((SAMPLES / "sources.yaml").read_text(encoding="utf-8"))
    for source in doc["sources"]:
        source["url"] = source["url"].replace("http://127.0.0.1:8765", base)
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def check_refuses_strangers(airflow: Airflow) -> None:
    """The plugin's app answers only to what the REST API would accept."""
    url = f"{airflow.base}/tradewatch/brief/"
    anonymous = requests.get(url, timeout=30)
    assert anonymous.status_code == 401, anonymous.text
    assert "Trade brief" in anonymous.text and "<svg" not in anonymous.text
    forged = requests.get(url, headers={"Authorization": "Bearer not-a-jwt"}, timeout=30)
    assert forged.status_code == 403, forged.text
    cookie = requests.get(url, cookies={"_token": "not-a-jwt"}, timeout=30)
    assert cookie.status_code == 403, cookie.text
    assert airflow.api.session.get(url, timeout=30).status_code == 200  # a real token


def log_in(page: Page, airflow: Airflow, shots: Shots) -> None:
    page.goto(f"{airflow.base}/")
    page.get_by_label("Username").wait_for(timeout=UI_TIMEOUT_MS)
    shots.take(page, "login-page")
    page.get_by_label("Username").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{airflow.base}/", timeout=UI_TIMEOUT_MS)
    page.get_by_role("link", name="Trade brief").wait_for(timeout=UI_TIMEOUT_MS)
    shots.take(page, "logged-in")


def trigger_daily(page: Page, airflow: Airflow, sources: Path, shots: Shots) -> str:
    """Trigger tradewatch_daily from its page with the trigger form; returns the run id."""
    airflow.wait(
        f"DAG {DAILY} to be parsed",
        lambda: airflow.api.get(f"/dags/{DAILY}").status_code == 200,
        120,
    )
    page.goto(f"{airflow.base}/dags/{DAILY}")
    page.get_by_role("button", name="Trigger Dag").click(timeout=UI_TIMEOUT_MS)
    form = page.get_by_role("dialog")
    field = form.locator("#element_sources_file")
    field.fill(str(sources))
    shots.take(page, "trigger-form")
    form.get_by_role("button", name="Trigger", exact=True).click()
    page.wait_for_url(f"**/dags/{DAILY}/runs/*", timeout=UI_TIMEOUT_MS)
    run_id = page.url.split("/runs/", 1)[1]
    return requests.utils.unquote(run_id)


def wait_for_runs(page: Page, airflow: Airflow, run_id: str, shots: Shots) -> None:
    """The triggered run, then the tradewatch_report run its load set off, both green."""
    api = airflow.api

    def finished(dag_id: str, run: str) -> str | None:
        state = api.ok("GET", f"/dags/{dag_id}/dagRuns/{run}")["state"]
        return state if state in ("success", "failed") else None

    state = airflow.wait(f"run {run_id}", lambda: finished(DAILY, run_id), RUN_TIMEOUT)
    assert state == "success", failure_report(api, DAILY, run_id)
    run = api.ok("GET", f"/dags/{DAILY}/dagRuns/{run_id}")
    assert run["conf"]["sources_file"].endswith("samples-sources.yaml"), run["conf"]
    page.reload()
    shots.take(page, "daily-run-done")

    def reports_settled() -> list[dict] | None:
        """Every tradewatch_report run so far, once there is one and none is pending."""
        runs = api.ok("GET", f"/dags/{REPORT}/dagRuns", params={"limit": 50})["dag_runs"]
        if not runs or any(r["state"] not in ("success", "failed") for r in runs):
            return None
        return runs

    runs = airflow.wait(f"the {REPORT} runs the loads set off", reports_settled, RUN_TIMEOUT)
    assert {r["run_type"] for r in runs} == {"asset_triggered"}, runs
    failed = [r["dag_run_id"] for r in runs if r["state"] != "success"]
    assert not failed, [
        api.get(f"/dags/{REPORT}/dagRuns/{run}/taskInstances").text[-3000:] for run in failed
    ]


def expected_speakers(airflow: Airflow) -> dict[str, str]:
    """Speaker -> latest quote of the brief's window, from the snapshot's views."""
    snapshot = airflow.data / "tradewatch_read.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        (day,) = con.execute("SELECT max(day) FROM report_articles").fetchone()
        rows = con.execute(
            "SELECT speaker, quote FROM report_quotes "
            "WHERE identified AND day BETWEEN ? AND ? "
            "QUALIFY row_number() OVER (PARTITION BY speaker ORDER BY published_at DESC, seq) = 1",
            [day - timedelta(days=29), day],
        ).fetchall()
    assert rows, "the sample site gave no identified quotes"
    return dict(rows)


def marks_drawn(frame: FrameLocator, chart: str) -> int:
    bars = frame.locator(f"{chart} svg .mark-rect path")
    boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
    return sum(1 for box in boxes if box and box["width"] * box["height"] > 0)


def read_the_brief(page: Page, airflow: Airflow, shots: Shots) -> None:
    page.goto(f"{airflow.base}/")
    page.get_by_role("link", name="Trade brief").click()
    page.wait_for_url("**/plugin/trade-brief**", timeout=UI_TIMEOUT_MS)
    frame = page.frame_locator("iframe[title='Trade brief']")
    heading = frame.locator("h1")
    heading.wait_for(timeout=UI_TIMEOUT_MS)
    assert heading.inner_text().startswith("Korea–Japan trade brief")
    shots.take(page, "trade-brief")

    speakers = frame.locator("#speakers").inner_text()
    for speaker, quote in expected_speakers(airflow).items():
        assert speaker in speakers, (speaker, speakers)
        assert quote[:40] in speakers, (quote, speakers)
    assert frame.locator("#articles li").count() >= 1
    assert marks_drawn(frame, "#topics") >= 1
    assert marks_drawn(frame, "#materials") + marks_drawn(frame, "#organisations") >= 2
    frame.locator("#speakers").screenshot(path=str(shots.folder / "trade-brief-speakers.png"))
    frame.locator("#topics").screenshot(path=str(shots.folder / "trade-brief-topics.png"))
    health = frame.locator("#health").inner_text()
    for source in ("demo-koreatimes", "demo-kyodo", "demo-nhk"):
        assert source in health


def stranger_sees_nothing(browser, airflow: Airflow, shots: Shots) -> None:
    """A browser without the login cookie gets the refusal, not the brief."""
    page = browser.new_page()
    response = page.goto(f"{airflow.base}/tradewatch/brief/")
    assert response is not None and response.status == 401
    assert "Not authenticated" in page.inner_text("body")
    shots.take(page, "anonymous-refused")
    page.close()


def test_an_analyst_triggers_a_run_and_reads_the_trade_brief(tmp_path: Path) -> None:
    shots = Shots("e2e-trade-brief")
    started = datetime.now(UTC)
    with serve_directory(SAMPLES) as samples_base:
        sources = samples_sources(tmp_path / "samples-sources.yaml", samples_base)
        # Also the sources_file default, should the scheduler start a run once it is unpaused.
        with (
            chromium() as browser,
            standalone(tmp_path, USER, PASSWORD, TRADEWATCH_SOURCES=str(sources)) as airflow,
        ):
            check_refuses_strangers(airflow)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(UI_TIMEOUT_MS)
            log_in(page, airflow, shots)
            run_id = trigger_daily(page, airflow, sources, shots)
            wait_for_runs(page, airflow, run_id, shots)
            read_the_brief(page, airflow, shots)
            stranger_sees_nothing(browser, airflow, shots)

    reports = tmp_path / "data" / "reports"
    written = sorted(p.name for p in reports.glob("*.html"))
    assert "latest.html" in written and len(written) >= 2, written
    assert all(p.stat().st_mtime >= started.timestamp() for p in reports.glob("*.html"))
