"""Row-id ranges of a few keys, so their rows are read without the rest of the table."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from tradewatch.store.row_ranges import row_ranges


def _ranges(keys: list[str]) -> list[tuple[int, int]]:
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE t AS SELECT 'k' || i AS id FROM range(20000) r(i)")
        con.register("wanted", pa.table({"key": keys}))
        return row_ranges(con, "t", "id", "SELECT key FROM wanted")
    finally:
        con.close()


def test_rows_of_one_vector_are_one_range_and_others_their_own() -> None:
    recent = [f"k{i}" for i in range(18432, 20000)]
    assert _ranges(recent) == [(18432, 19999)]
    assert _ranges(["k5", "k9000", "k9100", "k10300", "k19999"]) == [
        (5, 5),
        (9000, 9100),
        (10300, 10300),
        (19999, 19999),
    ]


def test_keys_not_stored_give_no_range() -> None:
    assert _ranges(["nope"]) == []
