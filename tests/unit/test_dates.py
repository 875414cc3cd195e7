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
