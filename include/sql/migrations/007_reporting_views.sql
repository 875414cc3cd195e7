-- Reporting views: the contract between the loader and every report. The daily brief
-- (tradewatch.report), include/sql/queries and analysts read these instead of re-deriving
-- relevance, duplicates, speaker rules or failure outcomes from the tables. All days are
-- UTC calendar days of publication (the fetch time when a page stated no date).

CREATE VIEW report_articles AS
SELECT article_id,
       (coalesce(published_at, fetched_at) AT TIME ZONE 'UTC')::DATE AS day,
       coalesce(published_at, fetched_at) AS published_at,
       source,
       title,
       url,
       topics,
       relevance,
       fetched_at
FROM articles
WHERE relevant AND duplicate_of IS NULL;

CREATE VIEW report_daily_topics AS
SELECT day, topic, source, count(*) AS articles
FROM (
    SELECT day, source,
           unnest(CASE WHEN len(topics) = 0 THEN ['untagged'] ELSE topics END) AS topic
    FROM report_articles
)
GROUP BY day, topic, source;

CREATE VIEW report_quotes AS
SELECT q.quote_id,
       q.article_id,
       a.day,
       a.published_at,
       a.source,
       a.title,
       a.url,
       q.seq,
       q.quote,
       coalesce(q.speaker_canonical, q.speaker, q.speaker_text) AS speaker,
       q.speaker_kind,
       q.speaker_text,
       q.speaker_canonical,
       q.speaker_entity_id,
       q.attribution,
       q.cue,
       (q.speaker_kind IN ('named', 'pronoun')
            AND coalesce(q.speaker_canonical, q.speaker) IS NOT NULL)
           OR (q.speaker_kind = 'organisation' AND q.speaker_canonical IS NOT NULL)
           AS identified
FROM quotes q
JOIN report_articles a USING (article_id);

CREATE VIEW report_daily_speakers AS
SELECT day,
       speaker,
       string_agg(DISTINCT speaker_kind, '/' ORDER BY speaker_kind) AS kinds,
       count(*) AS quotes,
       count(DISTINCT article_id) AS articles
FROM report_quotes
WHERE identified
GROUP BY day, speaker;

CREATE VIEW report_daily_mentions AS
SELECT a.day,
       m.label,
       m.canonical,
       any_value(m.entity_id) AS entity_id,
       count(*) AS mentions,
       count(DISTINCT m.article_id) AS articles
FROM entity_mentions m
JOIN report_articles a USING (article_id)
GROUP BY a.day, m.label, m.canonical;

CREATE VIEW report_entity_first_seen AS
SELECT m.label,
       m.canonical,
       any_value(m.entity_id) AS entity_id,
       min(a.day) AS first_day,
       max(a.day) AS last_day,
       count(DISTINCT a.day) AS days,
       count(*) AS mentions,
       count(DISTINCT m.article_id) AS articles
FROM entity_mentions m
JOIN report_articles a USING (article_id)
GROUP BY m.label, m.canonical;

CREATE VIEW report_fetch_failures AS
SELECT run_id,
       requested_at,
       (requested_at AT TIME ZONE 'UTC')::DATE AS day,
       source,
       kind,
       url,
       status,
       outcome,
       reason
FROM fetch_log
WHERE outcome NOT IN (
    'ok', 'not_modified', 'robots_absent', 'replayed', 'no_history', 'from_archive',
    'duplicate_title'
);

CREATE VIEW report_source_polls AS
SELECT run_id, requested_at, source, outcome, reason
FROM fetch_log
WHERE kind = 'poll';

CREATE VIEW report_runs AS
SELECT r.run_id,
       r.trigger,
       r.status,
       r.interval_start,
       r.interval_end,
       r.started_at,
       r.finished_at,
       (r.counts->>'$.plan.sources')::INTEGER AS sources,
       coalesce((r.counts->>'$.discover.sources_polled')::INTEGER, 0) AS sources_polled,
       coalesce((r.counts->>'$.discover.sources_failed')::INTEGER, 0) AS sources_failed,
       coalesce((r.counts->>'$.discover.sources_replayed')::INTEGER, 0) AS sources_replayed,
       coalesce((r.counts->>'$.discover.sources_no_history')::INTEGER, 0) AS sources_no_history,
       coalesce((r.counts->>'$.fetch.fetched')::INTEGER, 0) AS pages_fetched,
       coalesce((r.counts->>'$.fetch.fetch_failures')::INTEGER, 0) AS fetch_failures,
       coalesce((r.counts->>'$.extract.extract_errors')::INTEGER, 0) AS extract_errors,
       coalesce((r.counts->>'$.analyze.relevant')::INTEGER, 0) AS articles_relevant,
       coalesce((r.counts->>'$.load.articles_new')::INTEGER, 0) AS articles_new,
       coalesce((r.counts->>'$.load.articles_updated')::INTEGER, 0) AS articles_updated,
       coalesce((r.counts->>'$.load.quotes')::INTEGER, 0) AS quotes,
       coalesce(f.failures, 0) AS failures
FROM pipeline_runs r
LEFT JOIN (
    SELECT run_id, count(*) AS failures FROM report_fetch_failures GROUP BY run_id
) f USING (run_id);

CREATE VIEW report_pending_fetches AS
SELECT state,
       source,
       canonical_url,
       url,
       candidate->>'$.title' AS title,
       attempts,
       last_outcome,
       last_reason,
       first_seen_at,
       last_attempt_at,
       retry_after
FROM pending_fetches;

COMMENT ON VIEW report_articles IS 'Relevant original articles (syndicated copies excluded), with their UTC publication day: the base of every report.';
COMMENT ON COLUMN report_articles.article_id IS 'articles.article_id.';
COMMENT ON COLUMN report_articles.day IS 'UTC calendar day of publication (of the fetch when the page stated no date).';
COMMENT ON COLUMN report_articles.published_at IS 'Publication instant (UTC); the fetch time when the page stated no date.';
COMMENT ON COLUMN report_articles.source IS 'Source name from the sources file.';
COMMENT ON COLUMN report_articles.title IS 'Headline (untrusted text from the page: escape it when rendering).';
COMMENT ON COLUMN report_articles.url IS 'URL the article was fetched from; link to this.';
COMMENT ON COLUMN report_articles.topics IS 'Topic tags that matched (export_controls, white_list, ...).';
COMMENT ON COLUMN report_articles.relevance IS 'Relevance score in [0, 1].';
COMMENT ON COLUMN report_articles.fetched_at IS 'When the page was fetched (UTC).';

COMMENT ON VIEW report_daily_topics IS 'Relevant original articles per UTC day, topic and source; an article with several topics counts once under each (untagged when it has none).';
COMMENT ON COLUMN report_daily_topics.day IS 'UTC publication day.';
COMMENT ON COLUMN report_daily_topics.topic IS 'Topic tag, or untagged.';
COMMENT ON COLUMN report_daily_topics.source IS 'Source name.';
COMMENT ON COLUMN report_daily_topics.articles IS 'Relevant original articles of that day, topic and source.';

COMMENT ON VIEW report_quotes IS 'Every quote of a relevant original article with who said it and the article it appears in.';
COMMENT ON COLUMN report_quotes.quote_id IS 'quotes.quote_id.';
COMMENT ON COLUMN report_quotes.article_id IS 'Article the quote appears in.';
COMMENT ON COLUMN report_quotes.day IS 'UTC publication day of the article.';
COMMENT ON COLUMN report_quotes.published_at IS 'Publication instant of the article (UTC).';
COMMENT ON COLUMN report_quotes.source IS 'Source name of the article.';
COMMENT ON COLUMN report_quotes.title IS 'Headline of the article (untrusted text).';
COMMENT ON COLUMN report_quotes.url IS 'URL of the article.';
COMMENT ON COLUMN report_quotes.seq IS 'Order of the quote within the article, from 0.';
COMMENT ON COLUMN report_quotes.quote IS 'Quoted words (untrusted text).';
COMMENT ON COLUMN report_quotes.speaker IS 'Who said it, for display: the canonical entity name, else the speaker, else the speaker as written (an unresolved pronoun); NULL when unknown.';
COMMENT ON COLUMN report_quotes.speaker_kind IS 'named, descriptor, pronoun, organisation, document, media or unknown (see quotes.speaker_kind).';
COMMENT ON COLUMN report_quotes.speaker_text IS 'The speaker as the article wrote it.';
COMMENT ON COLUMN report_quotes.speaker_canonical IS 'Canonical entity name of the speaker, when it maps to one.';
COMMENT ON COLUMN report_quotes.speaker_entity_id IS 'entities.entity_id of the speaker, when known.';
COMMENT ON COLUMN report_quotes.attribution IS 'How the speaker was found (see quotes.attribution).';
COMMENT ON COLUMN report_quotes.cue IS 'Attribution verb or phrase.';
COMMENT ON COLUMN report_quotes.identified IS 'True when the speaker is someone in particular: a named or pronoun-resolved person, or an organisation with a canonical name. Only these are ranked as speakers.';

COMMENT ON VIEW report_daily_speakers IS 'Identified speakers (report_quotes.identified) per UTC day, with their quote and article counts.';
COMMENT ON COLUMN report_daily_speakers.day IS 'UTC publication day.';
COMMENT ON COLUMN report_daily_speakers.speaker IS 'Speaker (canonical name when known).';
COMMENT ON COLUMN report_daily_speakers.kinds IS 'The speaker kinds seen, joined with / (named/pronoun).';
COMMENT ON COLUMN report_daily_speakers.quotes IS 'Quotes by the speaker that day.';
COMMENT ON COLUMN report_daily_speakers.articles IS 'Articles of that day quoting the speaker.';

COMMENT ON VIEW report_daily_mentions IS 'Mentions of each canonical entity (people, organisations, places, materials, policy terms) per UTC day in relevant original articles.';
COMMENT ON COLUMN report_daily_mentions.day IS 'UTC publication day.';
COMMENT ON COLUMN report_daily_mentions.label IS 'PERSON, ORG, GPE, LOC, NORP, MATERIAL or POLICY.';
COMMENT ON COLUMN report_daily_mentions.canonical IS 'Canonical entity name.';
COMMENT ON COLUMN report_daily_mentions.entity_id IS 'entities.entity_id (NULL for rows loaded before entities existed).';
COMMENT ON COLUMN report_daily_mentions.mentions IS 'Mentions that day.';
COMMENT ON COLUMN report_daily_mentions.articles IS 'Articles of that day mentioning it.';

COMMENT ON VIEW report_entity_first_seen IS 'Each canonical entity with the first and last UTC day a relevant original article mentioned it, and totals: what is new in the news.';
COMMENT ON COLUMN report_entity_first_seen.label IS 'PERSON, ORG, GPE, LOC, NORP, MATERIAL or POLICY.';
COMMENT ON COLUMN report_entity_first_seen.canonical IS 'Canonical entity name.';
COMMENT ON COLUMN report_entity_first_seen.entity_id IS 'entities.entity_id, when known.';
COMMENT ON COLUMN report_entity_first_seen.first_day IS 'First UTC publication day it was mentioned.';
COMMENT ON COLUMN report_entity_first_seen.last_day IS 'Latest UTC publication day it was mentioned.';
COMMENT ON COLUMN report_entity_first_seen.days IS 'Days with at least one mention.';
COMMENT ON COLUMN report_entity_first_seen.mentions IS 'Mentions in all.';
COMMENT ON COLUMN report_entity_first_seen.articles IS 'Articles mentioning it in all.';

COMMENT ON VIEW report_fetch_failures IS 'fetch_log rows that are failures (not ok, not_modified, robots_absent, replayed, no_history, from_archive or duplicate_title), with their reason.';
COMMENT ON COLUMN report_fetch_failures.run_id IS 'Run that made the request.';
COMMENT ON COLUMN report_fetch_failures.requested_at IS 'When the request started (UTC).';
COMMENT ON COLUMN report_fetch_failures.day IS 'UTC day of the request.';
COMMENT ON COLUMN report_fetch_failures.source IS 'Source the request was made for.';
COMMENT ON COLUMN report_fetch_failures.kind IS 'robots, feed, poll, article or extract (see fetch_log.kind).';
COMMENT ON COLUMN report_fetch_failures.url IS 'URL requested.';
COMMENT ON COLUMN report_fetch_failures.status IS 'HTTP status, NULL when no response arrived.';
COMMENT ON COLUMN report_fetch_failures.outcome IS 'Failure outcome (see fetch_log.outcome).';
COMMENT ON COLUMN report_fetch_failures.reason IS 'Why it failed, in one line.';

COMMENT ON VIEW report_source_polls IS 'One row per source per run attempt: how the source answered (ok, partial, failed, replayed, no_history).';
COMMENT ON COLUMN report_source_polls.run_id IS 'Run that polled the source.';
COMMENT ON COLUMN report_source_polls.requested_at IS 'When the poll started (UTC).';
COMMENT ON COLUMN report_source_polls.source IS 'Source name.';
COMMENT ON COLUMN report_source_polls.outcome IS 'ok, partial, failed, replayed or no_history.';
COMMENT ON COLUMN report_source_polls.reason IS 'Why the poll failed or was partial; NULL otherwise.';

COMMENT ON VIEW report_runs IS 'Coverage and health of every loaded run: its interval, how its sources answered, what it fetched and loaded, and how many fetch_log failures it logged.';
COMMENT ON COLUMN report_runs.run_id IS 'pipeline_runs.run_id.';
COMMENT ON COLUMN report_runs.trigger IS 'scheduled, manual, backfill, cli or reprocess.';
COMMENT ON COLUMN report_runs.status IS 'ok, or partial when a source or page failed.';
COMMENT ON COLUMN report_runs.interval_start IS 'Start of the data interval (UTC); NULL = unbounded.';
COMMENT ON COLUMN report_runs.interval_end IS 'End of the data interval (UTC, exclusive); NULL = unbounded.';
COMMENT ON COLUMN report_runs.started_at IS 'When the first stage started (UTC).';
COMMENT ON COLUMN report_runs.finished_at IS 'When the load committed (UTC).';
COMMENT ON COLUMN report_runs.sources IS 'Sources in the sources file (NULL for reprocess runs).';
COMMENT ON COLUMN report_runs.sources_polled IS 'Sources polled live.';
COMMENT ON COLUMN report_runs.sources_failed IS 'Sources whose poll failed.';
COMMENT ON COLUMN report_runs.sources_replayed IS 'Sources answered from the interval''s archive.';
COMMENT ON COLUMN report_runs.sources_no_history IS 'Sources with nothing to say about a past interval (not a failure).';
COMMENT ON COLUMN report_runs.pages_fetched IS 'Article pages downloaded.';
COMMENT ON COLUMN report_runs.fetch_failures IS 'Article pages that could not be fetched.';
COMMENT ON COLUMN report_runs.extract_errors IS 'Archived pages that could not be extracted.';
COMMENT ON COLUMN report_runs.articles_relevant IS 'Analysed articles that were relevant.';
COMMENT ON COLUMN report_runs.articles_new IS 'Articles stored for the first time.';
COMMENT ON COLUMN report_runs.articles_updated IS 'Stored articles replaced with new text or analysis.';
COMMENT ON COLUMN report_runs.quotes IS 'Quotes loaded.';
COMMENT ON COLUMN report_runs.failures IS 'Rows of report_fetch_failures logged by the run.';

COMMENT ON VIEW report_pending_fetches IS 'Article fetches waiting for a later run (state pending) or given up on (failed), with the last reason.';
COMMENT ON COLUMN report_pending_fetches.state IS 'pending (a later run retries it) or failed (given up).';
COMMENT ON COLUMN report_pending_fetches.source IS 'Source that listed the article.';
COMMENT ON COLUMN report_pending_fetches.canonical_url IS 'Canonical URL of the article.';
COMMENT ON COLUMN report_pending_fetches.url IS 'URL as the source listed it.';
COMMENT ON COLUMN report_pending_fetches.title IS 'Headline the source listed (untrusted text), if any.';
COMMENT ON COLUMN report_pending_fetches.attempts IS 'Fetch attempts so far (runs).';
COMMENT ON COLUMN report_pending_fetches.last_outcome IS 'fetch_log outcome of the last attempt.';
COMMENT ON COLUMN report_pending_fetches.last_reason IS 'Reason of the last failure.';
COMMENT ON COLUMN report_pending_fetches.first_seen_at IS 'When the first attempt failed (UTC).';
COMMENT ON COLUMN report_pending_fetches.last_attempt_at IS 'When the last attempt was made (UTC).';
COMMENT ON COLUMN report_pending_fetches.retry_after IS 'Not before this instant; NULL = next run.';

COMMENT ON COLUMN entity_aliases.entity_id IS 'entities.entity_id.';
COMMENT ON COLUMN entity_aliases.label IS 'PERSON, ORG, GPE, LOC, NORP, MATERIAL or POLICY.';
COMMENT ON COLUMN entity_aliases.canonical IS 'Canonical entity name.';
COMMENT ON COLUMN entity_aliases.alias IS 'A surface form seen in the text.';
COMMENT ON COLUMN entity_aliases.mentions IS 'Mentions written this way.';
COMMENT ON COLUMN entity_aliases.articles IS 'Articles with a mention written this way.';
