from datetime import UTC, datetime

from tradewatch.models import (
    Analysis,
    Article,
    Candidate,
    EntityMention,
    Fetched,
    FetchLogEntry,
    Quote,
    from_dict,
    to_dict,
)

WHEN = datetime(2023, 8, 14, 1, 32, tzinfo=UTC)


def test_article_with_analysis_round_trips_through_json_data() -> None:
    article = Article(
        article_id="abc",
        url="http://x/a",
        canonical_url="http://x/a",
        source="wire",
        title="T",
        text="안덕근 said",
        fetched_at=WHEN,
        published_at=WHEN,
        published_offset="+09:00",
        published_from="jsonld",
        analysis=Analysis(
            relevant=True,
            relevance=0.8,
            topics=["export_controls"],
            entities=[EntityMention("안덕근", "PERSON", "Ahn Duk-geun", 0, 3)],
            quotes=[Quote("We act.", "Ahn Duk-geun", "named", "said", 5, 12)],
            extraction_version="v",
        ),
    )
    data = to_dict(article)
    assert data["published_at"] == "2023-08-14T01:32:00+00:00"
    assert from_dict(Article, data) == article


def test_fetched_and_log_round_trip() -> None:
    fetched = Fetched(
        Candidate("http://x/a", "wire", published_at=WHEN), "http://x/a", 200, WHEN, "raw/a.gz"
    )
    assert from_dict(Fetched, to_dict(fetched)) == fetched
    entry = FetchLogEntry(url="http://x", kind="feed", outcome="ok", requested_at=WHEN)
    assert from_dict(FetchLogEntry, to_dict(entry)) == entry
