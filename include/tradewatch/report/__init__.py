"""The daily trade brief: one self-contained HTML page per day, built from the reporting
views of the read-only snapshot (``facts``), with charts rendered to inline SVG
(``charts``), through autoescaping templates (``render``), into a folder of days
(``files``). ``write_brief`` (``brief``) does all of it."""

from tradewatch.report.brief import (
    DEFAULT_DAYS,
    BriefResult,
    write_brief,
    write_briefs_after_loads,
)

__all__ = ["DEFAULT_DAYS", "BriefResult", "write_brief", "write_briefs_after_loads"]
