"""The brief's charts: Vega-Lite specifications rendered to SVG by vl-convert.

vl-convert runs Vega-Lite and Vega in an embedded JavaScript engine, without a browser or
the network (``allowed_base_urls=[]``: a spec can only use the data inlined in it), so
every chart is finished SVG markup by the time the page is written, and the page needs no
JavaScript. Vega's SVG renderer escapes text, so entity names and topics from articles
stay text. The specs are plain Vega-Lite JSON (what Altair would produce): building them
through Altair cost a second of import time per brief, a fifth of the time budget.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import vl_convert

from tradewatch.report.facts import EntityCount, Period
from tradewatch.report.render import topic_label

__all__ = ["entity_bars_svg", "topic_trend_svg"]

VEGA_LITE_VERSION = "6.4"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
WIDTH = 860
TOPIC_COLORS = "tableau20"
NEW_COLOR, SEEN_COLOR = "#d95f02", "#4c78a8"
NEW, SEEN = "first seen in this period", "seen before"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>\s*")


def topic_trend_svg(
    topic_days: list[tuple[date, str, int]], topics: list[str], period: Period
) -> str | None:
    """Stacked daily bars of relevant articles per topic over the window; None if empty."""
    if not topic_days:
        return None
    spec = {
        "title": f"Relevant articles per topic, {period.start:%b %d} – {period.day:%b %d, %Y}",
        "width": WIDTH,
        "height": 220,
        "data": {
            "values": [
                {"day": _utc_iso(day), "topic": topic_label(topic), "articles": n}
                for day, topic, n in topic_days
            ]
        },
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "day",
                "timeUnit": "utcyearmonthdate",
                "type": "temporal",
                "title": None,
                "scale": {"domain": [_utc_iso(period.start), _utc_iso(period.day + timedelta(1))]},
                "axis": {"format": "%b %d", "labelAngle": 0, "tickCount": 8},
            },
            "y": {
                "field": "articles",
                "aggregate": "sum",
                "type": "quantitative",
                "title": "articles (once per topic)",
                "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "topic",
                "type": "nominal",
                "title": "topic",
                "scale": {"domain": [topic_label(t) for t in topics], "scheme": TOPIC_COLORS},
                "legend": {"orient": "bottom", "columns": 3, "labelLimit": 220},
            },
            "order": {"field": "topic", "type": "nominal"},
        },
    }
    return _svg(spec)


def entity_bars_svg(entities: list[EntityCount], title: str) -> str | None:
    """Horizontal bars of articles per entity in the window, new ones highlighted."""
    if not entities:
        return None
    spec = {
        "title": title,
        "width": 260,
        "height": {"step": 18},
        "data": {
            "values": [
                {"name": e.canonical, "articles": e.articles, "status": NEW if e.new else SEEN}
                for e in entities
            ]
        },
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "name",
                "type": "nominal",
                "title": None,
                "sort": [e.canonical for e in entities],
                "axis": {"labelLimit": 220},
            },
            "x": {
                "field": "articles",
                "type": "quantitative",
                "title": "articles",
                "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "status",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [SEEN, NEW], "range": [SEEN_COLOR, NEW_COLOR]},
                "legend": {"orient": "bottom"},
            },
        },
    }
    return _svg(spec)


def _utc_iso(day: date) -> str:
    return datetime.combine(day, time()).isoformat() + "Z"


def _svg(spec: dict[str, Any]) -> str:
    svg = vl_convert.vegalite_to_svg(
        {"$schema": SCHEMA, **spec}, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[]
    )
    return _XML_DECLARATION.sub("", svg)
