"""Airflow plugin: the daily trade brief inside the Airflow UI ("Trade brief" in the nav).

A FastAPI app mounted on the API server at ``/tradewatch`` serves the briefs the
``tradewatch_report`` DAG writes (``$TRADEWATCH_REPORTS_DIR``, default
``$TRADEWATCH_DATA_DIR/reports``): ``/tradewatch/brief/`` is the newest day,
``/tradewatch/brief/YYYY-MM-DD.html`` any earlier one, each listing every day there is. The
external view puts that page in the UI's navigation, shown in the UI's plugin iframe.

Airflow does not protect plugin apps, so every route checks the caller the way the REST
API does: Airflow's own ``get_user`` (the JWT the UI keeps in the ``_token`` cookie, or an
``Authorization: Bearer`` token) and then the auth manager's permission for the website
view. No or an expired token gives 401, an invalid token or a user without that
permission 403.

Airflow imports every module of this folder in every component and task process, so the
Airflow API modules (over a second to import) and the report code are imported only when
a request arrives, in the API server. The pages are read from disk in FastAPI's thread
pool (plain ``def`` routes), not on the event loop.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

URL_PREFIX = "/tradewatch"
NO_STORE = {"Cache-Control": "no-store"}


async def require_airflow_user(request: Request) -> None:
    """Refuse anyone the Airflow API server would refuse: no login, or no website access."""
    from airflow.api_fastapi.auth.managers.models.resource_details import AccessView
    from airflow.api_fastapi.core_api.security import (
        bearer_scheme,
        get_user,
        requires_access_view,
    )

    user = await get_user(request, None, await bearer_scheme(request))
    requires_access_view(AccessView.WEBSITE)(request, user)


app = FastAPI(
    title="tradewatch trade brief",
    dependencies=[Depends(require_airflow_user)],
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
)


def _reports_dir() -> Path:
    from tradewatch.config import default_reports_dir

    return default_reports_dir()


def _page(path: Path, day: date | None) -> HTMLResponse:
    from tradewatch.report.files import brief_days, with_day_index

    days = brief_days(path.parent)
    current = day or (days[0] if days else None)
    text = with_day_index(path.read_text(encoding="utf-8"), days, current)
    return HTMLResponse(text, headers=NO_STORE)


@app.exception_handler(StarletteHTTPException)
async def _refused(request: Request, exc: StarletteHTTPException) -> Response:
    """A short page instead of JSON: this app is looked at in a browser."""
    home = request.scope.get("root_path", "").removesuffix(URL_PREFIX) + "/"
    login = ""
    if exc.status_code == 401:
        login = f'<p><a href="{html.escape(home)}">Log in to Airflow</a></p>'
    body = (
        "<!DOCTYPE html><html lang='en'><meta charset='utf-8'><title>Trade brief</title>"
        f"<body><h1>Trade brief</h1><p>{html.escape(str(exc.detail))}</p>{login}</body></html>"
    )
    return HTMLResponse(body, status_code=exc.status_code, headers=exc.headers)


@app.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse("brief/")


@app.get("/brief/", response_class=HTMLResponse)
def latest_brief() -> HTMLResponse:
    """The newest day's brief, or a page saying when the first one will appear."""
    from tradewatch.report.files import LATEST

    latest = _reports_dir() / LATEST
    if latest.is_file():
        return _page(latest, None)
    body = (
        "<!DOCTYPE html><html lang='en'><meta charset='utf-8'><title>Trade brief</title>"
        "<body><h1>Trade brief</h1><p>No brief has been written yet. The "
        "<code>tradewatch_report</code> DAG writes one after every successful load of "
        f"<code>tradewatch_daily</code>, into <code>{html.escape(str(_reports_dir()))}</code>."
        "</p></body></html>"
    )
    return HTMLResponse(body, headers=NO_STORE)


@app.get("/brief/{name}", response_class=HTMLResponse)
def brief_of_day(name: str) -> HTMLResponse:
    """``YYYY-MM-DD.html``: that day's brief (only names of that form are served)."""
    from tradewatch.report.files import brief_path

    stem, dot, ext = name.partition(".")
    try:
        day = date.fromisoformat(stem)
    except ValueError:
        day = None
    if day is None or dot + ext != ".html" or stem != day.isoformat():
        raise HTTPException(404, f"no brief called {name!r}")
    path = brief_path(_reports_dir(), day)
    if not path.is_file():
        raise HTTPException(404, f"no brief for {day.isoformat()}")
    return _page(path, day)


class TradewatchBriefPlugin(AirflowPlugin):
    """Registers the app and its navigation entry."""

    name = "tradewatch_brief"
    fastapi_apps: ClassVar[list[dict[str, Any]]] = [
        {"app": app, "url_prefix": URL_PREFIX, "name": "Trade brief"}
    ]
    external_views: ClassVar[list[dict[str, Any]]] = [
        {
            "name": "Trade brief",
            # relative: the UI resolves it against its base URL, so a sub-path deploy works
            "href": "tradewatch/brief/",
            "url_route": "trade-brief",
            "destination": "nav",
        }
    ]
