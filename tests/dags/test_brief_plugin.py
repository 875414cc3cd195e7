"""The Trade brief plugin's app in process: who may see it, and which files it serves.

Whether a real login gets through (the UI's cookie, a token from ``/auth/token``) is checked
against a started Airflow in tests/e2e; here the app runs under a test client.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from airflow import plugins_manager
from fastapi import FastAPI
from fastapi.testclient import TestClient

import tradewatch_brief  # plugins/ is on sys.path once Airflow is imported (tests/dags)
from reportdb import DAY, build_report_db
from tradewatch.report import write_brief


@pytest.fixture
def reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "reports"
    monkeypatch.setenv("TRADEWATCH_REPORTS_DIR", str(folder))
    return folder


@pytest.fixture
def client(reports: Path) -> Iterator[TestClient]:
    """A client past the login check (what Airflow's get_user returns is not needed)."""
    tradewatch_brief.app.dependency_overrides[tradewatch_brief.require_airflow_user] = lambda: None
    try:
        yield TestClient(tradewatch_brief.app)
    finally:
        tradewatch_brief.app.dependency_overrides.clear()


def test_airflow_registers_the_app_and_the_nav_entry() -> None:
    plugins = {p.name: p for p in plugins_manager._get_plugins()[0]}
    plugin = plugins["tradewatch_brief"]
    app = plugin.fastapi_apps[0]["app"]  # Airflow imports the file as a module of its own
    assert isinstance(app, FastAPI)
    assert {r.path for r in app.routes} >= {"/", "/brief/", "/brief/{name}"}
    assert plugin.fastapi_apps[0]["url_prefix"] == "/tradewatch"
    (view,) = plugin.external_views
    assert view["name"] == "Trade brief" and view["destination"] == "nav"
    assert view["href"] == "tradewatch/brief/" and view["url_route"]


@pytest.mark.parametrize("path", ["/", "/brief/", f"/brief/{DAY}.html", "/brief/nope"])
def test_an_anonymous_request_is_refused(reports: Path, path: str) -> None:
    anonymous = TestClient(tradewatch_brief.app)
    response = anonymous.get(path, follow_redirects=False)
    assert response.status_code == 401
    assert "Not authenticated" in response.text and "Log in to Airflow" in response.text


def test_before_any_brief_the_page_says_where_they_will_be(client: TestClient, reports: Path):
    response = client.get("/brief/")
    assert response.status_code == 200
    assert "No brief has been written yet" in response.text and str(reports) in response.text


def test_serves_the_latest_and_each_day_with_a_fresh_day_list(
    client: TestClient, reports: Path, tmp_path: Path
) -> None:
    db = build_report_db(tmp_path / "tw.duckdb")
    write_brief(db, reports, day=DAY)
    older = date(2026, 11, 19)
    write_brief(db, reports, day=older)
    assert client.get("/", follow_redirects=False).headers["location"] == "brief/"
    latest = client.get("/brief/")
    assert latest.status_code == 200 and latest.headers["cache-control"] == "no-store"
    assert f'content="{DAY}"' in latest.text and f'href="{older}.html"' in latest.text
    # The day's own file was written before the older one existed; served, it lists it.
    day = client.get(f"/brief/{DAY}.html")
    assert day.status_code == 200 and f'href="{older}.html"' in day.text
    assert f'<strong aria-current="page">{DAY}</strong>' in day.text
    assert client.get(f"/brief/{older}.html").status_code == 200


@pytest.mark.parametrize(
    "name", ["2026-11-01.html", "latest.html", "20261120.html", "2026-11-20.htm", "..%2F..%2Fx"]
)
def test_only_existing_day_files_are_served(client: TestClient, reports: Path, name: str) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "latest.html").write_text("<p>x</p>", encoding="utf-8")
    response = client.get(f"/brief/{name}")
    assert response.status_code == 404
