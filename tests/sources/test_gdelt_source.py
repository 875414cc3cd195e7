"""GDELT DOC 2.0 source against a local replica that answers by time slice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from servers.gdelt import GdeltReplica as Replica
from tradewatch.archive import RawArchive
from tradewatch.config import ConfigError, load_sources
from tradewatch.fetching import HttpClient, HttpConfig
from tradewatch.models import SourceSpec
from tradewatch.sources import Discovery, Window, discover_source
from tradewatch.sources.gdelt import parse_artlist

ARTICLES = json.loads(
    (Path(__file__).parents[1] / "fixtures/replicas/gdelt/artlist.json").read_text("utf-8")
)
FAST = HttpConfig(retries=0, min_host_gap=0)
DAY = Window(datetime(2023, 8, 14, tzinfo=UTC), datetime(2023, 8, 15, tzinfo=UTC))
TOO_SHORT = (
    b"<html><body>Your search contained a keyword that was too short. Please lengthen it."
    b"<br>See the documentation for details.</body></html>"
)
SLOW_DOWN = b"Please limit requests to one every 5 seconds or contact us for larger queries.\n"


@pytest.fixture
def replica() -> Iterator[Replica]:
    with Replica(ARTICLES) as server:
        yield server


def _discover(
    replica: Replica, tmp_path: Path, window: Window = DAY, **options: object
) -> tuple[Discovery, HttpClient]:
    spec = SourceSpec(
        name="gdelt-kj",
        type="gdelt",
        url=replica.url,
        options={"query": '(Korea OR Seoul) (Japan OR Tokyo) "export"', **options},
    )
    client = HttpClient(FAST, allow_private_network=True)
    with client:
        return discover_source(spec, client, RawArchive(tmp_path), window), client


def test_one_query_for_the_window_keeps_english_articles(replica: Replica, tmp_path: Path) -> None:
    found, client = _discover(replica, tmp_path, min_interval_seconds=0)
    [params] = replica.requests
    assert params == {
        "query": '(Korea OR Seoul) (Japan OR Tokyo) "export" sourcelang:english',
        "mode": "artlist",
        "format": "json",
        "maxrecords": "250",
        "startdatetime": "20230814000000",
        "enddatetime": "20230815000000",
    }
    assert found.error is None
    assert [c.url for c in found.candidates][:2] == [
        "https://en.wire-seoul.example/view/AEN20230814000351320",
        "https://www.tokyo-daily.example/business/2023/08/14/photoresist-exports/",
    ]
    assert len(found.candidates) == 6
    first = found.candidates[0]
    assert first.source == "gdelt-kj"
    assert first.title == "S. Korea, Japan to resume vice-ministerial trade talks next month"
    assert first.published_at == datetime(2023, 8, 14, 0, 30, tzinfo=UTC)
    assert first.published_raw == "20230814T003000Z"
    assert "ko.wire-seoul" not in " ".join(c.url for c in found.candidates)
    assert any("skipped 1 articles" in w and "other than english" in w for w in found.warnings)
    assert {c.lang for c in found.candidates} == {"en"}
    assert any("about the last 90 days" in w for w in found.warnings)
    snapshot = RawArchive(tmp_path).read(found.snapshot_path or "")
    assert b"photoresist" in snapshot.body and snapshot.meta["source"] == "gdelt-kj"
    assert [e.outcome for e in client.log if e.kind == "feed"] == ["ok"]


def test_capped_slices_are_halved_until_they_fit(replica: Replica, tmp_path: Path) -> None:
    found, _ = _discover(
        replica, tmp_path, max_records=3, min_slice_minutes=1, min_interval_seconds=0
    )
    assert len(found.candidates) == 6
    assert len({c.url for c in found.candidates}) == 6
    assert not [w for w in found.warnings if "cap" in w]
    assert len(replica.requests) > 1
    first, second = replica.requests[0], replica.requests[1]
    assert (first["startdatetime"], first["enddatetime"]) == ("20230814000000", "20230815000000")
    assert (second["startdatetime"], second["enddatetime"]) == ("20230814000000", "20230814120000")
    assert {r["maxrecords"] for r in replica.requests} == {"3"}


def test_slice_still_capped_at_minimum_is_a_warning(replica: Replica, tmp_path: Path) -> None:
    found, _ = _discover(
        replica, tmp_path, max_records=3, min_slice_minutes=600, min_interval_seconds=0
    )
    [warning] = [w for w in found.warnings if "cap" in w]
    assert "3-article cap for 2023-08-14T00:00:00Z–2023-08-14T12:00:00Z" in warning
    assert found.error is None and len(found.candidates) == 4


def test_text_error_with_200_is_the_polls_error(replica: Replica, tmp_path: Path) -> None:
    replica.scripted.append((200, "text/html", TOO_SHORT))
    found, client = _discover(replica, tmp_path, min_interval_seconds=0)
    assert found.candidates == []
    assert found.error is not None
    assert "Your search contained a keyword that was too short" in found.error
    assert "\n" not in found.error and "<br>" not in found.error
    assert [e.outcome for e in client.log if e.kind == "feed"] == ["ok"]


def test_rate_limit_text_is_retried_once(replica: Replica, tmp_path: Path) -> None:
    replica.scripted.append((200, "text/plain", SLOW_DOWN))
    found, _ = _discover(replica, tmp_path, min_interval_seconds=0)
    assert found.error is None and len(found.candidates) == 6
    assert len(replica.requests) == 2

    replica.requests.clear()
    replica.scripted.extend([(200, "text/plain", SLOW_DOWN)] * 2)
    found, _ = _discover(replica, tmp_path, min_interval_seconds=0)
    assert "Please limit requests to one every 5 seconds" in (found.error or "")


def test_failed_half_is_a_warning_when_others_answered(replica: Replica, tmp_path: Path) -> None:
    capped = json.dumps({"articles": ARTICLES[:3]}).encode()
    replica.scripted.extend(
        [(200, "application/json", capped), (503, "text/plain", b"Service Unavailable")]
    )
    found, _ = _discover(
        replica, tmp_path, max_records=3, min_slice_minutes=720, min_interval_seconds=0
    )
    assert found.error is None
    assert any("http_error: HTTP 503" in w and "2023-08-14T00:00:00Z" in w for w in found.warnings)
    assert len(found.candidates) >= 3


def test_http_error_and_bad_json_are_errors(replica: Replica, tmp_path: Path) -> None:
    replica.scripted.append((503, "text/plain", b"down"))
    found, _ = _discover(replica, tmp_path, min_interval_seconds=0)
    assert "GDELT fetch failed: http_error: HTTP 503" in (found.error or "")
    replica.scripted.append((200, "application/json", b'{"articles": [{"url": "http://x/"'))
    found, _ = _discover(replica, tmp_path, min_interval_seconds=0)
    assert "invalid JSON" in (found.error or "") and found.candidates == []


def test_unbounded_window_queries_the_last_24_hours(replica: Replica, tmp_path: Path) -> None:
    found, _ = _discover(replica, tmp_path, window=Window(), min_interval_seconds=0)
    [params] = replica.requests
    start = datetime.strptime(params["startdatetime"], "%Y%m%d%H%M%S")
    end = datetime.strptime(params["enddatetime"], "%Y%m%d%H%M%S")
    assert end - start == timedelta(hours=24)
    assert abs(end.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(hours=1)
    assert found.error is None and found.candidates == []


def test_sources_file_entry_runs_through_the_registry(replica: Replica, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "allow_private_network: true\nsources:\n"
        f"  - {{name: kj, type: gdelt, url: '{replica.url}', query: 'Korea Japan trade',"
        " min_interval_seconds: 0, max_records: 250}\n",
        encoding="utf-8",
    )
    spec = load_sources(sources).get("kj")
    with HttpClient(FAST, allow_private_network=True) as client:
        found = discover_source(spec, client, RawArchive(tmp_path), DAY)
    assert {c.source for c in found.candidates} == {"kj"}
    assert replica.requests[0]["query"] == "Korea Japan trade sourcelang:english"


def test_a_source_can_ask_for_korean_and_japanese_articles_too(
    replica: Replica, tmp_path: Path
) -> None:
    found, _ = _discover(replica, tmp_path, min_interval_seconds=0, languages=["english", "korean"])
    [params] = replica.requests
    assert params["query"].endswith("(sourcelang:english OR sourcelang:korean)")
    korean = [c for c in found.candidates if c.lang == "ko"]
    assert [c.url for c in korean] == ["https://ko.wire-seoul.example/view/AKR20230814033300003"]
    assert korean[0].title == "한일 수출규제 해제 이후 첫 무역 협의"
    assert len(found.candidates) == 7
    assert not any("skipped" in w for w in found.warnings)


def test_a_gdelt_language_it_does_not_know_is_refused_at_load_time(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - {name: kj, type: gdelt, query: 'Korea Japan', languages: [klingon]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="languages must be a list of GDELT source languages"):
        load_sources(sources)


def test_parse_artlist_reads_empty_and_odd_answers() -> None:
    assert parse_artlist(b"{}") == ([], None)
    assert parse_artlist(b'{"articles": [1, {"url": "http://a/"}]}') == (
        [{"url": "http://a/"}],
        None,
    )
    assert parse_artlist(b"")[1] == "GDELT answered with text instead of JSON: empty body"
    assert "no 'articles' list" in (parse_artlist(b'{"articles": "none"}')[1] or "")
