from datetime import UTC, datetime

import pytest

from tradewatch.dates import parse_datetime


@pytest.mark.parametrize(
    ("raw", "utc", "offset"),
    [
        ("Tue, 15 Aug 2023 09:05:00 KST", datetime(2023, 8, 15, 0, 5, tzinfo=UTC), "+09:00"),
        ("Mon, 14 Aug 2023 10:32:00 JST", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), "+09:00"),
        ("Mon, 14 Aug 2023 10:32:00 +0900", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), "+09:00"),
        ("Mon, 14 Aug 2023 10:32:00 GMT", datetime(2023, 8, 14, 10, 32, tzinfo=UTC), "+00:00"),
        ("2023-08-14T10:32:00+09:00", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), "+09:00"),
        ("2023-08-14T10:32:00+0900", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), "+09:00"),
        ("2023-08-14T01:32:00Z", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), "+00:00"),
        ("2023-08-14 10:32:00 KST", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), "+09:00"),
        ("2023-08-14T10:32:00", datetime(2023, 8, 14, 10, 32, tzinfo=UTC), None),
        ("2023-08-14", datetime(2023, 8, 14, tzinfo=UTC), None),
    ],
)
def test_parses_with_offset_kept(raw: str, utc: datetime, offset: str | None) -> None:
    parsed = parse_datetime(raw)
    assert parsed is not None
    assert parsed.utc == utc
    assert parsed.utc.tzinfo is UTC
    assert parsed.offset == offset


@pytest.mark.parametrize("raw", [None, "", "   ", "yesterday", "32 Foo 2023", "2023-13-45"])
def test_unreadable_is_none(raw: str | None) -> None:
    assert parse_datetime(raw) is None


KST = "+09:00"


@pytest.mark.parametrize(
    ("raw", "utc", "offset"),
    [
        # Hangul or kanji with no zone: Korean/Japanese local time, UTC+9
        ("2023년 8월 14일 10:32", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("2023년 08월 14일 오후 3:10", datetime(2023, 8, 14, 6, 10, tzinfo=UTC), KST),
        ("2023.08.14(월) 오전 12:05", datetime(2023, 8, 13, 15, 5, tzinfo=UTC), KST),
        ("2023年8月14日 10時32分", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("2023年8月14日（月）午後3時5分", datetime(2023, 8, 14, 6, 5, tzinfo=UTC), KST),
        ("２０２３年８月１４日　１０時", datetime(2023, 8, 14, 1, 0, tzinfo=UTC), KST),
        ("입력 2023.08.14 10:32", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("更新日時：2023年8月14日 10:32", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        # a stated zone beats the script rule
        ("2023年8月14日 10:32 UTC", datetime(2023, 8, 14, 10, 32, tzinfo=UTC), "+00:00"),
        # a date alone keeps its calendar day, whatever the script
        ("2023년 8월 14일", datetime(2023, 8, 14, tzinfo=UTC), None),
        ("2023年8月14日", datetime(2023, 8, 14, tzinfo=UTC), None),
        # dotted and slashed Korean style: UTC unless a zone is written
        ("2023.08.14 10:32", datetime(2023, 8, 14, 10, 32, tzinfo=UTC), None),
        ("2023. 8. 14. 10:32", datetime(2023, 8, 14, 10, 32, tzinfo=UTC), None),
        ("2023.08.14 10:32 KST", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("2023/08/14 10:32 (KST)", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("2023-8-14 10:32 +0900", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        # English month names, AP abbreviations, a.m./p.m., labels
        ("Aug. 14, 2023 10:32 KST", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("Sept. 5, 2023, 12:15 p.m. (KST)", datetime(2023, 9, 5, 3, 15, tzinfo=UTC), KST),
        ("14 August 2023", datetime(2023, 8, 14, tzinfo=UTC), None),
        ("14th August, 2023 18:00 JST", datetime(2023, 8, 14, 9, 0, tzinfo=UTC), KST),
        ("August 14, 2023 at 10:32 a.m. JST", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("August 14, 2023 at 12 a.m. JST", datetime(2023, 8, 13, 15, 0, tzinfo=UTC), KST),
        ("Monday, August 14, 2023 4:05 PM GMT+9", datetime(2023, 8, 14, 7, 5, tzinfo=UTC), KST),
        ("Thurs., Aug. 17, 2023", datetime(2023, 8, 17, tzinfo=UTC), None),
        ("Updated : 2023-08-14 10:32", datetime(2023, 8, 14, 10, 32, tzinfo=UTC), None),
        ("Posted on Aug 14, 2023 10:32 KST", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        ("Updated: 2023-08-14T10:32:00+09:00", datetime(2023, 8, 14, 1, 32, tzinfo=UTC), KST),
        (
            "Published : Aug 14, 2023 - 15:32 Updated : Aug 15, 2023 - 09:00",
            datetime(2023, 8, 14, 15, 32, tzinfo=UTC),
            None,
        ),
        ("Tue, 15 Aug 23 09:05:00 KST", datetime(2023, 8, 15, 0, 5, tzinfo=UTC), KST),
    ],
)
def test_localized_and_odd_forms(raw: str, utc: datetime, offset: str | None) -> None:
    parsed = parse_datetime(raw)
    assert parsed is not None, raw
    assert (parsed.utc, parsed.offset) == (utc, offset)
    assert parsed.utc.tzinfo is UTC


@pytest.mark.parametrize(
    "raw",
    [
        "2023.08.14 (Yonhap)",
        "Aug. 14, 2023 10:32 XYZ",
        "2023년 13월 14일",
        "2023年8月14日 25時",
        "Aug. 32, 2023",
        "14 Smarch 2023",
        "2023.08.14 10:32 and then some words",
        "Seoul, Aug. 14, 2023",
        "10:32",
        "August 2023",
        "0001-01-01T00:00:00Z",  # Go's zero time from a CMS: a placeholder, not a date
        "1970-01-01T00:00:00+00:00",  # the Unix epoch, likewise
        "2230-01-01T00:00:00+09:00",
        "9999-12-31T23:59:59-14:00",
        "Mon, 01 Jan 0001 00:00:00 +0100",
        "2023-08-14T10:32:00+24:00",
        "2023.08.14 10:32 +9900",
        "x" * 500,
    ],
)
def test_garbage_and_placeholders_are_none(raw: str) -> None:
    assert parse_datetime(raw) is None
