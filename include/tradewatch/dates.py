"""Parsing the date strings feeds and pages carry, keeping the UTC offset they stated.

feedparser reads unknown zone names such as ``KST`` as UTC, which shifts Korean and
Japanese items by nine hours; so feed dates are parsed here from the raw string.

Accepted: ISO 8601, RFC 822, and the loose forms Korean and Japanese outlets print on their
pages: ``2023년 8월 14일 오전 10:32``, ``2023年8月14日（月）10時32分``, ``2023.08.14 10:32``,
``Aug. 14, 2023 10:32 KST``, ``14 August 2023``, ``August 14, 2023 at 10:32 a.m. JST``,
each optionally after a label such as ``Updated :`` or ``입력``. Zone rules:

* a stated zone (``KST``, ``+0900``, ``GMT+9``) always wins;
* a date written in Hangul or kanji (``년``/``年``, ``오후``/``午後``, ``(월)``/``（月）``) with
  no zone is Korean or Japanese local time, so it gets ``+09:00``: both countries have used
  UTC+9 all year since 1988, and nobody writes a UTC timestamp in ``年月日``;
* any other value without a zone (``2023.08.14 10:32``) is read as UTC with
  ``offset=None``: guessing the outlet's zone would silently shift stories when wrong.

Years outside :data:`EARLIEST_YEAR`..:data:`LATEST_YEAR` are rejected: CMS placeholders
such as Go's zero time ``0001-01-01T00:00:00Z`` or the Unix epoch are not publication
dates, and rejecting them lets the caller fall through to its next date source.

Usage::

    parse_datetime("Tue, 15 Aug 2023 09:05:00 KST")
    # ParsedDate(utc=datetime(2023, 8, 15, 0, 5, tzinfo=UTC), offset="+09:00")
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "ParsedDate",
    "as_utc",
    "format_offset",
    "parse_datetime",
]

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100
_MAX_LENGTH = 200  # longer values are prose, not dates

# Zone abbreviations seen in Korean, Japanese and wire feeds, as UTC offsets in hours.
ZONE_OFFSETS: dict[str, float] = {
    "KST": 9,
    "JST": 9,
    "UTC": 0,
    "GMT": 0,
    "UT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "PST": -8,
    "PDT": -7,
    "CET": 1,
    "CEST": 2,
    "BST": 1,
    "HKT": 8,
    "SGT": 8,
}
_LOCAL_OFFSET = timezone(timedelta(hours=9))
_TRAILING_ZONE = re.compile(r"\s+\(?([A-Za-z]{1,5})\)?\s*$")
_ISO_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
# email.utils guesses at anything (it reads "4:05 PM GMT+9" as 04:05 UTC, "0001" as 2001),
# so only real RFC 822 shapes go to it; other forms are for _parse_loose
_RFC822_SHAPE = re.compile(
    r"^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+(?:\d{2}|[1-9]\d{3})\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+(?:[+-]\d{4}|\(?[A-Za-z]{1,5}\)?))?$"
)

_LABEL = (
    r"(?:last\s+)?(?:updated|modified|edited|published|posted|released|created|date|"
    r"기사입력|최종수정|입력|수정|등록|更新日時|公開日時|配信日時|更新|公開|配信|掲載)"
)
_PREFIX = re.compile(rf"^\s*{_LABEL}(?:\s+on)?\s*[:：]?\s*", re.I)
# "Published : X  Updated : Y" keeps X
_SECOND_LABEL = re.compile(rf"[\s|/,]+{_LABEL}(?:\s+on)?\s*[:：]?\s.*$", re.I | re.S)
_ZONE = re.compile(
    r"(?:\(\s*)?(?:(?P<name>[A-Za-z]{2,4})\s*(?P<gsign>[+-])\s*(?P<gh>\d{1,2})(?::?(?P<gm>\d{2}))?"
    r"|(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})|(?P<abbr>[A-Za-z]{1,5}))(?:\s*\))?\s*$"
)
_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})\s*[년年]\s*(?P<mo>\d{1,2})\s*[월月]\s*(?P<d>\d{1,2})\s*[일日]"),
    re.compile(r"(?P<y>\d{4})\s*[./-]\s*(?P<mo>\d{1,2})\s*[./-]\s*(?P<d>\d{1,2})\b\.?"),
    re.compile(
        rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{{4}})\b",
        re.I,
    ),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_NAMES})\.?\s*,?\s+(?P<y>\d{{4}})\b",
        re.I,
    ),
)
_WEEKDAY = re.compile(
    r"\b(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?)\b\.?"
    r"|[(（]\s*[월화수목금토일月火水木金土日]\s*(?:요일|曜日?)?\s*[)）]"
    r"|[월화수목금토일]요일|[月火水木金土日]曜日",
    re.I,
)
_MERIDIEM = r"a\.\s?m\.|p\.\s?m\.|a\.?m\b|p\.?m\b|오전|오후|午前|午後"
_TIME = re.compile(
    rf"(?:(?P<pre>{_MERIDIEM})\s*)?(?P<h>\d{{1,2}})\s*"
    r"(?::\s*(?P<mi>\d{2})(?:\s*:\s*(?P<s>\d{2}))?"
    r"|[시時](?:\s*(?P<mi2>\d{1,2})\s*[분分])?(?:\s*(?P<s2>\d{1,2})\s*[초秒])?"
    r"|(?=\s*[ap]\.?\s?m))"
    rf"(?:\s*(?P<post>{_MERIDIEM}))?",
    re.I,
)
_FILLER = re.compile(r"^(?:[\s,.\-–—|/@]|\bat\b|\bon\b)*$", re.I)
_LOCAL_SCRIPT = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7af]")
_PM = frozenset({"pm", "오후", "午後"})
_AM = frozenset({"am", "오전", "午前"})


@dataclass(frozen=True)
class ParsedDate:
    """An instant in UTC plus the offset the source wrote it in (None if it gave none)."""

    utc: datetime
    offset: str | None


def as_utc(when: datetime) -> datetime:
    """``when`` as a plain ``datetime`` in UTC; a zoneless time is taken as UTC, like every
    time tradewatch stores. Plain, because Airflow hands over pendulum ``DateTime``s, which
    lose their zone in arithmetic with ``datetime.UTC``."""
    utc = when.replace(tzinfo=UTC) if when.utcoffset() is None else when.astimezone(UTC)
    return datetime(
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, tzinfo=UTC
    )


def format_offset(delta: timedelta) -> str:
    """``timedelta(hours=9)`` -> ``"+09:00"``."""
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def parse_datetime(value: str | None) -> ParsedDate | None:
    """Parse a feed or page date by the rules in the module docstring; never raises.

    None when the value is empty, unreadable, or outside the plausible years.
    """
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_LENGTH:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    local = bool(_LOCAL_SCRIPT.search(text))
    text = _SECOND_LABEL.sub("", _PREFIX.sub("", text, count=1), count=1).strip()
    parsed = _parse_iso(text) or _parse_rfc822(text) or _parse_loose(text, local)
    if parsed is None or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return None
    offset = parsed.utcoffset()
    if offset is None:
        return ParsedDate(utc=parsed.replace(tzinfo=UTC), offset=None)
    return ParsedDate(utc=parsed.astimezone(UTC), offset=format_offset(offset))


def _parse_iso(text: str) -> datetime | None:
    candidate = text.replace(" ", "T", 1) if "T" not in text and ":" in text else text
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    candidate = _ISO_COMPACT_OFFSET.sub(r"\1:\2", candidate)
    match = _TRAILING_ZONE.search(candidate)
    zone = None
    if match and match.group(1).upper() in ZONE_OFFSETS:
        zone = _hours(ZONE_OFFSETS[match.group(1).upper()])
        candidate = candidate[: match.start()]
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if zone is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _parse_rfc822(text: str) -> datetime | None:
    if not _RFC822_SHAPE.match(text):
        return None
    zone = None
    match = _TRAILING_ZONE.search(text)
    if match and match.group(1).upper() in ZONE_OFFSETS:
        zone = _hours(ZONE_OFFSETS[match.group(1).upper()])
        text = text[: match.start()]
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if zone is not None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _parse_loose(text: str, local: bool) -> datetime | None:
    """Dates with month names, dots or Hangul/kanji; every character must be accounted for.

    ``local``: the original value had Hangul or kanji, so a missing zone means UTC+9.
    """
    found = _search_date(text)
    if found is None:
        return None
    (year, month, day), rest = found
    rest = _WEEKDAY.sub(" ", rest)
    zone, rest = _take_zone(rest)
    match = _TIME.search(rest)
    if match is None:  # a bare date keeps its calendar day: midnight UTC, no offset
        return _build(year, month, day, (0, 0, 0), None) if _FILLER.match(rest) else None
    clock = _clock(match)
    rest = rest[: match.start()] + " " + rest[match.end() :]
    if clock is None or not _FILLER.match(rest):
        return None
    return _build(year, month, day, clock, zone or (_LOCAL_OFFSET if local else None))


def _build(
    year: int, month: int, day: int, clock: tuple[int, int, int], zone: timezone | None
) -> datetime | None:
    try:
        return datetime(year, month, day, *clock, tzinfo=zone)
    except ValueError:
        return None


def _search_date(text: str) -> tuple[tuple[int, int, int], str] | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        fields = match.groupdict()
        month = _month_number(fields["mon"]) if fields.get("mon") else int(fields["mo"])
        rest = text[: match.start()] + " " + text[match.end() :]
        return (int(fields["y"]), month, int(fields["d"])), rest
    return None


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _take_zone(rest: str) -> tuple[timezone | None, str]:
    """A trailing zone: ``KST``, ``(JST)``, ``+09:00``, ``GMT+9``; unknown names are kept."""
    match = _ZONE.search(rest.rstrip())
    if match is None:
        return None, rest
    try:
        if match["abbr"]:
            abbr = match["abbr"].upper()
            if abbr not in ZONE_OFFSETS:
                return None, rest
            zone = _hours(ZONE_OFFSETS[abbr])
        elif match["name"]:
            if match["name"].upper() not in {"GMT", "UTC", "UT"}:
                return None, rest
            zone = _signed(match["gsign"], match["gh"], match["gm"])
        else:
            zone = _signed(match["sign"], match["h"], match["m"])
    except ValueError:
        return None, rest
    return zone, rest[: match.start()]


def _clock(match: re.Match[str]) -> tuple[int, int, int] | None:
    """24-hour (hour, minute, second) of a :data:`_TIME` match; None if out of range."""
    hour = int(match["h"])
    meridiem = (match["pre"] or match["post"] or "").replace(".", "").replace(" ", "").lower()
    if meridiem in _PM and hour < 12:
        hour += 12
    elif meridiem in _AM and hour == 12:
        hour = 0
    clock = (hour, int(match["mi"] or match["mi2"] or 0), int(match["s"] or match["s2"] or 0))
    if hour > 23 or clock[1] > 59 or clock[2] > 59:
        return None
    return clock


def _signed(sign: str, hours: str, minutes: str | None) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta)


def _hours(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))
