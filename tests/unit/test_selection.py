from datetime import UTC, datetime

from tradewatch.fetching import FetchResult
from tradewatch.models import Candidate
from tradewatch.selection import is_transient, select_candidates
from tradewatch.store.fetch_state import FetchMemory, normalize_title


def _c(url: str, title: str | None = None, source: str = "wire") -> Candidate:
    return Candidate(url=url, source=source, title=title)


def test_known_urls_skipped_after_canonicalization() -> None:
    memory = FetchMemory(known_urls={"http://w.example/a"})
    found = select_candidates(
        [_c("http://W.example/a?utm_source=rss#top"), _c("http://w.example/b")], memory
    )
    assert [url for url, _ in found.to_fetch] == ["http://w.example/b"]
    assert found.known == 1
    forced = select_candidates([_c("http://w.example/a")], memory, force=True)
    assert [url for url, _ in forced.to_fetch] == ["http://w.example/a"]


def test_same_headline_same_source_skipped_other_source_kept() -> None:
    memory = FetchMemory(
        recent_titles={("wire", normalize_title("Japan lifts curbs on chip materials")): "a1"}
    )
    found = select_candidates(
        [
            _c("http://w.example/new-url", "JAPAN LIFTS CURBS ON CHIP MATERIALS"),
            _c("http://other.example/x", "Japan lifts curbs on chip materials", "other"),
            _c("http://other.example/y", "Japan lifts curbs on chip materials!", "other"),
        ],
        memory,
    )
    assert [url for url, _ in found.to_fetch] == ["http://other.example/x"]
    assert [(c.url, why) for c, why in found.title_duplicates] == [
        ("http://w.example/new-url", "a1"),
        ("http://other.example/y", "http://other.example/x"),
    ]


def test_pending_retried_once_and_invalid_rejected() -> None:
    memory = FetchMemory(pending=[_c("http://w.example/late"), _c("http://w.example/a")])
    found = select_candidates([_c("http://w.example/a", "fresh title"), _c("no-scheme")], memory)
    assert [(url, c.title) for url, c in found.to_fetch] == [
        ("http://w.example/a", "fresh title"),
        ("http://w.example/late", None),
    ]
    assert [c.url for c, _ in found.invalid] == ["no-scheme"]


def test_transient_outcomes() -> None:
    def result(outcome: str, status: int | None = None) -> FetchResult:
        return FetchResult("u", "u", outcome, status, fetched_at=datetime.now(UTC))

    assert is_transient(result("timeout"))
    assert is_transient(result("deferred", 429))
    assert is_transient(result("http_error", 503))
    assert not is_transient(result("http_error", 404))
    assert not is_transient(result("blocked"))
    assert not is_transient(result("too_large", 200))
