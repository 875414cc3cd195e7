"""A small DuckDB file for the reporting tests, loaded through the real loader.

Articles around :data:`DAY` (relevant and not, a syndicated copy, one outside the 30-day
window, one after the day), quotes by named people, a description and an organisation,
mentions including a never-seen-before entity, and two runs whose fetch log and pending
fetches hold failures with reasons. Titles, quotes, names and one URL are hostile, as
text from the web can be.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tradewatch.models import (
    Analysis,
    Article,
    Candidate,
    EntityMention,
    FetchLogEntry,
    PendingFetch,
    Quote,
)
from tradewatch.store import connect, load_batch
from tradewatch.store.load import FetchOutcomes, RunRecord

__all__ = [
    "DAY",
    "HOSTILE_ENTITY",
    "HOSTILE_QUOTE",
    "HOSTILE_TITLE",
    "JA_QUOTE",
    "JA_TITLE",
    "JS_URL",
    "KO_QUOTE",
    "KO_TITLE",
    "add_korean_and_japanese",
    "build_report_db",
]

DAY = date(2026, 11, 20)
HOSTILE_TITLE = 'Photoresist curbs <script>alert("title")</script> & the "white list"'
HOSTILE_QUOTE = "<img src=x onerror=alert(1)> We will respond firmly to the export curbs"
HOSTILE_ENTITY = "NewCo <b>Chem</b>"
JS_URL = "javascript:alert(document.cookie)"


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _quote(text: str, quote: str, speaker: str | None, kind: str, canonical: str | None) -> Quote:
    start = text.index(quote)
    return Quote(quote, speaker, kind, "said", start, start + len(quote), canonical, speaker, "cue")


def _article(
    article_id: str,
    day: date,
    *,
    title: str,
    source: str = "wire",
    topics: tuple[str, ...] = ("export_controls",),
    quotes: tuple[tuple[str, str | None, str, str | None], ...] = (),
    mentions: tuple[tuple[str, str], ...] = (),
    relevant: bool = True,
    url: str | None = None,
    text: str | None = None,
    lang: str = "en",
) -> Article:
    body = text or " ".join(f'"{q}," {s or "someone"} said.' for q, s, _, _ in quotes) or title
    for name, _ in mentions:
        body += f" {name} was mentioned."
    found = [
        EntityMention(n, label, n, body.index(n), body.index(n) + len(n)) for n, label in mentions
    ]
    return Article(
        article_id=article_id,
        url=url or f"http://{source}.example/{article_id}",
        canonical_url=f"http://{source}.example/{article_id}",
        source=source,
        title=title,
        text=body,
        fetched_at=_at(DAY, 23),
        published_at=_at(day, 3),
        published_offset="+09:00",
        published_from="jsonld",
        lang=lang,
        content_hash=f"hash-{body}",
        analysis=Analysis(
            relevant=relevant,
            relevance=0.9 if relevant else 0.1,
            topics=list(topics) if relevant else [],
            evidence=["export controls"],
            entities=found,
            quotes=[_quote(body, q, s, k, c) for q, s, k, c in quotes],
            extraction_version="test-1",
            lang=lang,
        ),
    )


def _relayed(article_id: str, day: date, **kw) -> Article:
    """An article whose quotes the reporter has second hand, from Kyodo News."""
    article = _article(article_id, day, **kw)
    assert article.analysis is not None
    for quote in article.analysis.quotes:
        quote.reported_by = "Kyodo News"
    return article


AHN = "Ahn Duk-geun"
KO_TITLE = '안덕근 장관 "日 수출규제에 단호히 대응"'
KO_QUOTE = "일본의 부당한 수출규제에는 단호하게 대응하겠다"
JA_TITLE = "西村経産相、韓国との対話継続を表明"
JA_QUOTE = "韓国とはあらゆるレベルで対話を続けていく"
METI = "Ministry of Economy, Trade and Industry"


def _articles_before() -> list[Article]:
    return [
        _article(
            "a6-old",
            DAY - timedelta(days=40),
            title="METI reviews chip material licences",
            topics=("semiconductor_materials",),
            quotes=(("Licences will be reviewed case by case", METI, "organisation", METI),),
            mentions=(("photoresist", "MATERIAL"), (METI, "ORG")),
        ),
        _article(
            "a5-yesterday",
            DAY - timedelta(days=1),
            title="Seoul weighs response to white list removal",
            topics=("white_list",),
            quotes=(("We are looking at every option we have", AHN, "named", AHN),),
            mentions=(("photoresist", "MATERIAL"), (AHN, "PERSON")),
        ),
    ]


def _articles_of_the_day() -> list[Article]:
    first = _article(
        "a1-day",
        DAY,
        title=HOSTILE_TITLE,
        topics=("export_controls", "semiconductor_materials"),
        quotes=(
            (HOSTILE_QUOTE, AHN, "named", AHN),
            ("The rules are being applied to everyone", "senior official", "descriptor", None),
        ),
        mentions=(
            ("photoresist", "MATERIAL"),
            ("Samsung Electronics", "ORG"),
            (AHN, "PERSON"),
            (HOSTILE_ENTITY, "ORG"),
        ),
    )
    copy = _article(
        "a3-copy",
        DAY,
        title="Copy: " + HOSTILE_TITLE,
        source="partner",
        text=first.text,
        topics=("export_controls", "semiconductor_materials"),
    )
    return [
        first,
        _relayed(
            "a2-day",
            DAY,
            title="Tokyo says white list talks will continue",
            source="herald",
            topics=("white_list",),
            url=JS_URL,
            quotes=(
                (
                    "Dialogue with Seoul will continue at every level",
                    "Yasutoshi Nishimura",
                    "named",
                    "Yasutoshi Nishimura",
                ),
            ),
            mentions=(("hydrogen fluoride", "MATERIAL"), (METI, "ORG")),
        ),
        copy,
        _article("a4-sports", DAY, title="Baseball final in Seoul", relevant=False),
        _article(
            "a7-later",
            DAY + timedelta(days=2),
            title="Exporters await the next licence review",
            topics=("export_controls",),
            mentions=(("photoresist", "MATERIAL"),),
        ),
    ]


def _log(run_id: str, when: datetime) -> list[FetchLogEntry]:
    def entry(kind: str, outcome: str, source: str, url: str, **kw) -> FetchLogEntry:
        return FetchLogEntry(url, kind, outcome, when, source=source, run_id=run_id, **kw)

    return [
        entry("poll", "ok", "wire", "http://wire.example/feed.xml"),
        entry(
            "poll", "failed", "herald", "http://herald.example/rss", reason="HTTP 503 after 3 tries"
        ),
        entry("poll", "no_history", "partner", "http://partner.example/feed"),
        entry(
            "article",
            "http_error",
            "wire",
            "http://wire.example/gone",
            status=404,
            reason="404 Not Found",
        ),
        entry("article", "from_archive", "wire", "http://wire.example/a1-day"),
        entry("article", "ok", "wire", "http://wire.example/a5", status=200),
    ]


def _pending(run_id: str, when: datetime) -> list[PendingFetch]:
    return [
        PendingFetch(
            "http://wire.example/slow",
            Candidate("http://wire.example/slow", "wire", title="Chipmakers brace for new rules"),
            "timeout",
            "read timed out after 20 s",
            when,
            run_id=run_id,
        ),
        PendingFetch(
            "http://wire.example/removed",
            Candidate("http://wire.example/removed", "wire", title="Removed story"),
            "http_error",
            "410 Gone",
            when,
            permanent=True,
            run_id=run_id,
        ),
    ]


def build_report_db(path: Path) -> Path:
    """Load the scenario into a new DuckDB file at ``path`` (two runs) and return it."""
    con = connect(path)
    try:
        older = datetime.now(UTC) - timedelta(hours=2)
        load_batch(
            con,
            _articles_before(),
            [
                FetchLogEntry(
                    "http://wire.example/feed.xml", "poll", "ok", older, "wire", run_id="r-old"
                )
            ],
            log_key="r-old",
            run=RunRecord("r-old", "scheduled", "test", started_at=older),
        )
        now = datetime.now(UTC) - timedelta(minutes=5)
        load_batch(
            con,
            _articles_of_the_day(),
            _log("r-latest", now),
            log_key="r-latest",
            outcomes=FetchOutcomes(failures=_pending("r-latest", now)),
            run=RunRecord(
                "r-latest",
                "manual",
                "test",
                status="partial",
                started_at=now,
                counts={
                    "discover": {"sources_polled": 3, "sources_failed": 1, "sources_no_history": 1}
                },
            ),
        )
    finally:
        con.close()
    return path


def add_korean_and_japanese(path: Path) -> Path:
    """Load a Korean and a Japanese article of :data:`DAY` into the file at ``path``.

    Their speakers are written in Hangul and kanji but resolve to the same people as the
    English quotes, so the brief ranks them together.
    """
    korean = _article(
        "k1-day",
        DAY,
        title=KO_TITLE,
        source="yonhap-ko",
        lang="ko",
        text=f'안덕근 산업통상자원부 장관은 "{KO_QUOTE}"고 말했다. 포토레지스트 수입은 늘었다.',
    )
    japanese = _article(
        "j1-day",
        DAY,
        title=JA_TITLE,
        source="nhk-ja",
        lang="ja",
        topics=("white_list",),
        text=f"西村康稔経済産業相は記者会見で「{JA_QUOTE}」と述べた。",
    )
    for article, speaker, canonical, quote in (
        (korean, "안덕근", AHN, KO_QUOTE),
        (japanese, "西村康稔", "Yasutoshi Nishimura", JA_QUOTE),
    ):
        assert article.analysis is not None
        article.analysis.quotes = [_quote(article.text, quote, speaker, "named", canonical)]
    con = connect(path)
    try:
        load_batch(con, [korean, japanese], [], log_key="r-languages")
    finally:
        con.close()
    return path
