"""HTML of the brief and of its list of days, through Jinja2 with autoescaping.

Titles, quotes, speakers, entity names, reasons and URLs come from fetched pages and are
untrusted: every value is escaped, links are only made of http(s) URLs, and the page
carries a Content-Security-Policy that allows no script, no network and no frames, so it
stays inert even opened from disk or an email.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from tradewatch import __version__
from tradewatch.report.facts import BriefFacts

__all__ = [
    "DAYS_END",
    "DAYS_START",
    "RECENT_DAYS",
    "render_brief",
    "render_day_index",
    "topic_label",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
DAYS_START = "<!-- tradewatch:days -->"
DAYS_END = "<!-- /tradewatch:days -->"
RECENT_DAYS = 14


def topic_label(topic: str) -> str:
    """``wto_dispute`` -> ``WTO dispute``: how a topic tag reads on the page."""
    return re.sub(r"\bwto\b", "WTO", topic.replace("_", " "))


def _web_url(value: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None (no javascript:, data: or file:)."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _signed(value: int) -> str:
    return f"+{value:,}" if value > 0 else f"−{-value:,}" if value < 0 else "±0"


_LANGUAGE_NAMES = {"en": "English", "ko": "Korean", "ja": "Japanese"}


def _language_name(code: str | None) -> str:
    """``ko`` -> ``Korean``; a code the brief has no name for reads as itself."""
    return _LANGUAGE_NAMES.get(code or "", code or "unknown")


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M UTC") -> str:
    return value.strftime(fmt) if value else "—"


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters.update(
    web_url=_web_url, signed=_signed, when=_when, topic=topic_label, language=_language_name
)


def render_day_index(days: list[date], current: date | None) -> str:
    """The list of briefs (links to ``YYYY-MM-DD.html`` beside the page), newest first."""
    html = _ENV.get_template("days.html").render(
        days=days, current=current, recent=RECENT_DAYS, start=DAYS_START, end=DAYS_END
    )
    return html.rstrip("\n")


def render_brief(
    facts: BriefFacts,
    *,
    charts: dict[str, str | None],
    days: list[date],
    built_at: datetime,
    database: str,
) -> str:
    """The whole self-contained page; ``charts`` are SVG strings from vl-convert."""
    return _ENV.get_template("brief.html").render(
        f=facts,
        p=facts.period,
        charts={name: Markup(svg) if svg else None for name, svg in charts.items()},
        day_index=Markup(render_day_index(days, facts.period.day)),
        built_at=built_at,
        database=database,
        version=__version__,
    )
