"""What a daily brief says, read from the reporting views and nothing else.

The views (``include/sql/migrations/007_reporting_views.sql``) decide what counts as a
relevant article, an identified speaker, a new entity or a failure; this module only picks
a day and a window out of them, so the brief, ``include/sql/queries`` and analysts agree.

The views join and aggregate up to a year of rows on every read, so the brief reads each
one once: the rows of its two windows (the period and the one before) go into temporary
tables of the session (``brief_*``, gone when it closes), and the sections are cut from
those. A read-only database allows temporary tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "NEEDS_MIGRATION",
    "REPORT_VIEWS",
    "ArticleRow",
    "BriefFacts",
    "EntityCount",
    "FailureRow",
    "Headline",
    "Health",
    "PendingRow",
    "Period",
    "PollRow",
    "QuoteRow",
    "RunRow",
    "Speaker",
    "latest_news_day",
    "read_facts",
    "schema_version",
]

# The brief reads the days stored on rows and entities.first_day (migration 014).
NEEDS_MIGRATION = 14
REPORT_VIEWS = (
    "report_articles",
    "report_daily_topics",
    "report_quotes",
    "report_daily_speakers",
    "report_daily_mentions",
    "report_entity_first_seen",
    "report_fetch_failures",
    "report_source_polls",
    "report_runs",
    "report_pending_fetches",
)
TOP_SPEAKERS = 10
QUOTES_PER_SPEAKER = 2
TOP_ENTITIES = 12
DAY_ARTICLES = 25
RECENT_RUNS = 5
NOTABLE_LABELS = ("PERSON", "ORG", "MATERIAL", "POLICY")


@dataclass(frozen=True)
class Period:
    """The brief's day and the window of ``days`` days that ends with it."""

    day: date
    days: int

    @property
    def start(self) -> date:
        return self.day - timedelta(days=self.days - 1)

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=self.days)

    @property
    def previous_end(self) -> date:
        return self.start - timedelta(days=1)

    def params(self) -> dict[str, Any]:
        return {"day": self.day, "start": self.start}


@dataclass(frozen=True)
class Headline:
    """One number for the day and the window, each with the one before it."""

    name: str
    day: int
    previous_day: int
    period: int
    previous_period: int


@dataclass(frozen=True)
class ArticleRow:
    title: str | None
    url: str
    source: str
    published_at: datetime
    topics: list[str]
    quotes: int
    lang: str | None


@dataclass(frozen=True)
class QuoteRow:
    quote: str
    title: str | None
    url: str
    source: str
    published_at: datetime
    reported_by: str | None
    lang: str | None


@dataclass(frozen=True)
class Speaker:
    name: str
    kinds: str
    quotes: int
    articles: int
    latest: list[QuoteRow]


@dataclass(frozen=True)
class EntityCount:
    """An entity's mentions and articles in the window; ``new`` when first seen in it."""

    label: str
    canonical: str
    mentions: int
    articles: int
    first_day: date
    new: bool


@dataclass(frozen=True)
class RunRow:
    run_id: str
    trigger: str
    status: str
    interval_start: datetime | None
    finished_at: datetime
    sources_polled: int
    sources_failed: int
    sources_replayed: int
    sources_no_history: int
    pages_fetched: int
    articles_new: int
    failures: int


@dataclass(frozen=True)
class PollRow:
    source: str
    outcome: str
    reason: str | None


@dataclass(frozen=True)
class FailureRow:
    source: str | None
    kind: str
    outcome: str
    status: int | None
    reason: str | None
    url: str
    count: int


@dataclass(frozen=True)
class PendingRow:
    source: str
    url: str
    title: str | None
    attempts: int
    last_outcome: str
    last_reason: str | None
    retry_after: datetime | None


@dataclass(frozen=True)
class Health:
    """The pipeline as the snapshot knows it: recent runs, their polls, failures, retries."""

    runs: list[RunRow]
    polls: list[PollRow]
    failures: list[FailureRow]
    pending: list[PendingRow]
    pending_total: int
    given_up_total: int


@dataclass(frozen=True)
class BriefFacts:
    period: Period
    headlines: list[Headline]
    languages: list[tuple[str, int, int]]  # language, articles on the day, in the window
    topic_days: list[tuple[date, str, int]]
    topics: list[str]
    articles: list[ArticleRow]
    latest_news_day: date | None
    speakers: list[Speaker]
    materials: list[EntityCount]
    organisations: list[EntityCount]
    new_entities: list[EntityCount]
    health: Health


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The last migration applied to the open database; 0 for a file without any."""
    if not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name = 'schema_migrations'"
    ).fetchone()[0]:
        return 0
    (version,) = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(version)


def latest_news_day(con: duckdb.DuckDBPyConnection, not_after: date) -> date | None:
    """The latest UTC day with a relevant article, on or before ``not_after``."""
    row = con.execute(
        "SELECT max(day) FROM report_articles WHERE day <= $not_after", {"not_after": not_after}
    ).fetchone()
    return row[0] if row else None


def read_facts(con: duckdb.DuckDBPyConnection, period: Period) -> BriefFacts:
    """Everything the brief for ``period`` shows, from one read of each view it needs."""
    _stage(con, period)
    materials, organisations, new_entities = _entities(con, period)
    articles = _articles(con, period)
    return BriefFacts(
        period=period,
        headlines=_headlines(con, period),
        languages=_languages(con, period),
        topic_days=_topic_days(con, period),
        topics=[row[0] for row in con.execute(_ALL_TOPICS).fetchall()],
        articles=articles,
        latest_news_day=period.day if articles else latest_news_day(con, period.day),
        speakers=_speakers(con, period),
        materials=materials,
        organisations=organisations,
        new_entities=new_entities,
        health=_health(con),
    )


_STAGED = {
    "brief_articles": "SELECT * FROM report_articles WHERE day BETWEEN $first AND $day",
    "brief_topics": "SELECT * FROM report_daily_topics WHERE day BETWEEN $first AND $day",
    "brief_quotes": "SELECT * FROM report_quotes WHERE day BETWEEN $first AND $day",
    "brief_mentions": (
        "SELECT * FROM report_daily_mentions "
        "WHERE day BETWEEN $first AND $day AND list_contains($labels, label)"
    ),
    # the entities of the windows, dated by the loads (entities.first_day): the view
    # report_entity_first_seen aggregates every mention of the archive
    "brief_first_seen": (
        "SELECT label, canonical, first_day FROM entities "
        "WHERE (label, canonical) IN (SELECT label, canonical FROM brief_mentions)"
    ),
}


def _stage(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """The views' rows of both windows, once, into this session's temporary tables."""
    params = {"first": period.previous_start, "day": period.day, "labels": list(NOTABLE_LABELS)}
    for table, select in _STAGED.items():
        used = {name: value for name, value in params.items() if f"${name}" in select}
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {select}", used)


_COUNTS = """
SELECT count({what}) FILTER (WHERE day = $day),
       count({what}) FILTER (WHERE day = $day - 1),
       count({what}) FILTER (WHERE day >= $start),
       count({what}) FILTER (WHERE day < $start)
FROM {table}
"""


def _headlines(con: duckdb.DuckDBPyConnection, period: Period) -> list[Headline]:
    measures = (
        ("Relevant articles", "*", "brief_articles"),
        ("Quotes", "*", "brief_quotes"),
        ("Identified speakers", "DISTINCT speaker", "(FROM brief_quotes WHERE identified)"),
        ("Sources with news", "DISTINCT source", "brief_articles"),
        ("Newly seen entities", "*", "(SELECT first_day AS day FROM brief_first_seen)"),
    )
    out = []
    for name, what, table in measures:
        counts = con.execute(_COUNTS.format(what=what, table=table), period.params()).fetchone()
        out.append(Headline(name, *counts))
    return out


def _languages(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple[str, int, int]]:
    """Relevant articles per language, on the day and in the window, most first."""
    rows = con.execute(
        """
        SELECT coalesce(lang, 'unknown'), count(*) FILTER (WHERE day = $day),
               count(*) FILTER (WHERE day >= $start)
        FROM brief_articles GROUP BY ALL HAVING count(*) FILTER (WHERE day >= $start) > 0
        ORDER BY 3 DESC, 1
        """,
        {"day": period.day, "start": period.start},
    ).fetchall()
    return [(lang, int(day), int(window)) for lang, day, window in rows]


_ALL_TOPICS = "SELECT DISTINCT topic FROM report_daily_topics ORDER BY topic"


def _topic_days(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple[date, str, int]]:
    rows = con.execute(
        """
        SELECT day, topic, sum(articles)::BIGINT
        FROM brief_topics WHERE day >= $start
        GROUP BY day, topic ORDER BY day, topic
        """,
        {"start": period.start},
    ).fetchall()
    return [(day, topic, int(n)) for day, topic, n in rows]


def _articles(con: duckdb.DuckDBPyConnection, period: Period) -> list[ArticleRow]:
    rows = con.execute(
        """
        SELECT a.title, a.url, a.source, a.published_at, a.topics, count(q.quote_id), a.lang
        FROM brief_articles a LEFT JOIN brief_quotes q USING (article_id)
        WHERE a.day = $day
        GROUP BY a.article_id, a.title, a.url, a.source, a.published_at, a.topics, a.lang
        ORDER BY a.published_at DESC, a.title
        LIMIT $limit
        """,
        {"day": period.day, "limit": DAY_ARTICLES},
    ).fetchall()
    return [ArticleRow(*row) for row in rows]


def _speakers(con: duckdb.DuckDBPyConnection, period: Period) -> list[Speaker]:
    top = con.execute(
        """
        SELECT speaker, string_agg(DISTINCT speaker_kind, '/' ORDER BY speaker_kind),
               count(*) AS quotes, count(DISTINCT article_id) AS articles
        FROM brief_quotes WHERE identified AND day >= $start
        GROUP BY speaker ORDER BY quotes DESC, articles DESC, speaker
        LIMIT $limit
        """,
        {"start": period.start, "limit": TOP_SPEAKERS},
    ).fetchall()
    if not top:
        return []
    latest: dict[str, list[QuoteRow]] = {}
    for speaker, *quote in con.execute(
        """
        SELECT speaker, quote, title, url, source, published_at, reported_by, lang
        FROM brief_quotes
        WHERE identified AND day >= $start AND list_contains($names, speaker)
        QUALIFY row_number() OVER (PARTITION BY speaker ORDER BY published_at DESC, seq) <= $n
        ORDER BY speaker, published_at DESC, seq
        """,
        {"start": period.start, "names": [row[0] for row in top], "n": QUOTES_PER_SPEAKER},
    ).fetchall():
        latest.setdefault(speaker, []).append(QuoteRow(*quote))
    return [Speaker(name, kinds, q, a, latest.get(name, [])) for name, kinds, q, a in top]


def _entities(
    con: duckdb.DuckDBPyConnection, period: Period
) -> tuple[list[EntityCount], list[EntityCount], list[EntityCount]]:
    """Top materials and organisations of the window, and the notable ones first seen in it."""
    rows = con.execute(
        """
        WITH window_counts AS (
            SELECT label, canonical, sum(mentions)::BIGINT AS mentions,
                   sum(articles)::BIGINT AS articles
            FROM brief_mentions WHERE day >= $start
            GROUP BY label, canonical
        ),
        ranked AS (
            SELECT w.*, f.first_day, f.first_day >= $start AS new,
                   row_number() OVER (PARTITION BY w.label
                                      ORDER BY w.articles DESC, w.mentions DESC, w.canonical)
                       AS top_rank,
                   row_number() OVER (PARTITION BY f.first_day >= $start
                                      ORDER BY w.articles DESC, w.mentions DESC,
                                               f.first_day DESC, w.canonical) AS new_rank
            FROM window_counts w JOIN brief_first_seen f USING (label, canonical)
        )
        SELECT label, canonical, mentions, articles, first_day, new,
               top_rank <= $top AND label IN ('MATERIAL', 'ORG') AS top,
               new AND new_rank <= $top AS notable
        FROM ranked
        WHERE (top_rank <= $top AND label IN ('MATERIAL', 'ORG')) OR (new AND new_rank <= $top)
        ORDER BY articles DESC, mentions DESC, canonical
        """,
        {"start": period.start, "top": TOP_ENTITIES},
    ).fetchall()
    materials, organisations, notable = [], [], []
    for label, canonical, mentions, articles, first_day, new, top, is_notable in rows:
        entity = EntityCount(label, canonical, mentions, articles, first_day, new)
        if top:
            (materials if label == "MATERIAL" else organisations).append(entity)
        if is_notable:
            notable.append(entity)
    return materials, organisations, notable


def _health(con: duckdb.DuckDBPyConnection) -> Health:
    runs = [
        RunRow(*row)
        for row in con.execute(
            """
            SELECT run_id, trigger, status, interval_start, finished_at, sources_polled,
                   sources_failed, sources_replayed, sources_no_history, pages_fetched,
                   articles_new, failures
            FROM report_runs ORDER BY finished_at DESC, run_id LIMIT $limit
            """,
            {"limit": RECENT_RUNS},
        ).fetchall()
    ]
    run_ids = [run.run_id for run in runs]
    polls = [
        PollRow(*row)
        for row in con.execute(
            """
            SELECT source, outcome, reason FROM report_source_polls WHERE run_id = $run_id
            QUALIFY row_number() OVER (PARTITION BY source ORDER BY requested_at DESC) = 1
            ORDER BY source
            """,
            {"run_id": run_ids[0] if run_ids else ""},
        ).fetchall()
    ]
    failures = [
        FailureRow(*row)
        for row in con.execute(
            """
            SELECT source, kind, outcome, any_value(status), any_value(reason), any_value(url),
                   count(*) AS n
            FROM report_fetch_failures WHERE list_contains($runs, run_id)
            GROUP BY source, kind, outcome ORDER BY n DESC, source, kind, outcome LIMIT 20
            """,
            {"runs": run_ids},
        ).fetchall()
    ]
    pending = [
        PendingRow(*row)
        for row in con.execute(
            """
            SELECT source, url, title, attempts, last_outcome, last_reason, retry_after
            FROM report_pending_fetches WHERE state = 'pending'
            ORDER BY last_attempt_at DESC, url LIMIT 10
            """
        ).fetchall()
    ]
    totals = dict(
        con.execute("SELECT state, count(*) FROM report_pending_fetches GROUP BY state").fetchall()
    )
    return Health(
        runs=runs,
        polls=polls,
        failures=failures,
        pending=pending,
        pending_total=int(totals.get("pending", 0)),
        given_up_total=int(totals.get("failed", 0)),
    )
