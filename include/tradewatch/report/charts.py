"""The brief's charts: Vega-Lite specs built with Altair, rendered to SVG by vl-convert.

vl-convert runs Vega in an embedded JavaScript engine, without a browser or the network
(``allowed_base_urls=[]``: a spec can only use the data inlined in it), so every chart is
finished SVG markup by the time the page is written, and the page needs no JavaScript.
Vega's SVG renderer escapes text, so entity names and topics from articles stay text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import altair as alt
import vl_convert

from tradewatch.report.facts import EntityCount, Period
from tradewatch.report.render import topic_label

__all__ = ["entity_bars_svg", "topic_trend_svg"]

VEGA_LITE_VERSION = "6.4"
WIDTH = 860
TOPIC_COLORS = "tableau20"
NEW_COLOR, SEEN_COLOR = "#d95f02", "#4c78a8"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>\s*")


def topic_trend_svg(
    topic_days: list[tuple[date, str, int]], topics: list[str], period: Period
) -> str | None:
    """Stacked daily bars of relevant articles per topic over the window; None if empty."""
    if not topic_days:
        return None
    values = [
        {"day": _utc_iso(day), "topic": topic_label(topic), "articles": n}
        for day, topic, n in topic_days
    ]
    first = _utc_iso(period.start)
    last = _utc_iso(period.day + timedelta(days=1))
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X(
                "utcyearmonthdate(day):T",
                title=None,
                scale=alt.Scale(domain=[first, last]),
                axis=alt.Axis(format="%b %d", labelAngle=0, tickCount=8),
            ),
            y=alt.Y("sum(articles):Q", title="articles (once per topic)", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "topic:N",
                title="topic",
                scale=alt.Scale(domain=[topic_label(t) for t in topics], scheme=TOPIC_COLORS),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=220),
            ),
            order=alt.Order("topic:N"),
        )
        .properties(
            width=WIDTH,
            height=220,
            title=f"Relevant articles per topic, {period.start:%b %d} – {period.day:%b %d, %Y}",
        )
    )
    return _svg(chart)


def entity_bars_svg(entities: list[EntityCount], title: str) -> str | None:
    """Horizontal bars of articles per entity in the window, new ones highlighted."""
    if not entities:
        return None
    values = [
        {
            "name": e.canonical,
            "articles": e.articles,
            "status": "first seen in this period" if e.new else "seen before",
        }
        for e in entities
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y(
                "name:N",
                title=None,
                sort=[e.canonical for e in entities],
                axis=alt.Axis(labelLimit=220),
            ),
            x=alt.X("articles:Q", title="articles", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=["seen before", "first seen in this period"],
                    range=[SEEN_COLOR, NEW_COLOR],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=260, height=alt.Step(18), title=title)
    )
    return _svg(chart)


def _utc_iso(day: date) -> str:
    return datetime.combine(day, time()).isoformat() + "Z"


def _svg(chart: alt.Chart) -> str:
    svg = vl_convert.vegalite_to_svg(
        chart.to_dict(), vl_version=VEGA_LITE_VERSION, allowed_base_urls=[]
    )
    return _XML_DECLARATION.sub("", svg)
