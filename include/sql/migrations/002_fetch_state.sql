-- Fetch state kept between runs: HTTP validators for conditional GET, deferred fetches,
-- and the near-duplicate signature of each article.
CREATE TABLE http_validators (
    url VARCHAR PRIMARY KEY,
    source VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE pending_fetches (
    canonical_url VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    candidate JSON NOT NULL,
    state VARCHAR NOT NULL,
    attempts INTEGER NOT NULL,
    last_outcome VARCHAR NOT NULL,
    last_reason VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    retry_after TIMESTAMPTZ,
    last_run_id VARCHAR
);

ALTER TABLE articles ADD COLUMN near_dup_key BIGINT;

COMMENT ON TABLE http_validators IS 'ETag/Last-Modified last seen per polled URL, sent back as a conditional GET on the next poll.';
COMMENT ON COLUMN http_validators.url IS 'Polled URL (feed, sitemap, listing or API endpoint).';
COMMENT ON COLUMN http_validators.source IS 'Source name that polls the URL.';
COMMENT ON COLUMN http_validators.etag IS 'ETag header of the last 200 response; sent as If-None-Match.';
COMMENT ON COLUMN http_validators.last_modified IS 'Last-Modified header of the last 200 response; sent as If-Modified-Since.';
COMMENT ON COLUMN http_validators.updated_at IS 'When the validators were last stored (UTC).';

COMMENT ON TABLE pending_fetches IS 'Article fetches that failed transiently (deferred by Retry-After, timeouts, 5xx) and are retried by later runs, or that failed for good.';
COMMENT ON COLUMN pending_fetches.canonical_url IS 'Canonical URL of the article to fetch.';
COMMENT ON COLUMN pending_fetches.url IS 'URL as the source listed it.';
COMMENT ON COLUMN pending_fetches.source IS 'Source that listed it.';
COMMENT ON COLUMN pending_fetches.candidate IS 'The discovered candidate (title, feed date...) as JSON, so a retry loses nothing.';
COMMENT ON COLUMN pending_fetches.state IS 'pending (a later run retries it) or failed (gave up: permanent error or too many attempts).';
COMMENT ON COLUMN pending_fetches.attempts IS 'Fetch attempts so far (runs, not HTTP retries).';
COMMENT ON COLUMN pending_fetches.last_outcome IS 'fetch_log outcome of the last attempt.';
COMMENT ON COLUMN pending_fetches.last_reason IS 'Reason of the last failure, in one line.';
COMMENT ON COLUMN pending_fetches.first_seen_at IS 'When the first attempt failed (UTC).';
COMMENT ON COLUMN pending_fetches.last_attempt_at IS 'When the last attempt was made (UTC).';
COMMENT ON COLUMN pending_fetches.retry_after IS 'Not before this instant (from Retry-After), NULL = next run.';
COMMENT ON COLUMN pending_fetches.last_run_id IS 'Run that made the last attempt.';
COMMENT ON COLUMN articles.near_dup_key IS 'SimHash signature of the substantive paragraphs (signed 64-bit); close keys mean a lightly edited copy.';

COMMENT ON COLUMN articles.published_from IS 'Where published_at came from: jsonld, opengraph, meta, time (page), feed, or fetched (no date anywhere: the fetch time).';
COMMENT ON COLUMN fetch_log.kind IS 'robots (robots.txt), feed (a source document: feed, sitemap, listing, API page), poll (one row per source per run), article (page fetch, or why a listed item was skipped), extract (parsing an archived page).';
COMMENT ON COLUMN fetch_log.outcome IS 'HTTP: ok, not_modified, http_error, deferred, robots_disallowed, robots_absent, timeout, connection_error, truncated, bad_encoding, too_large, redirect_loop, too_many_redirects, bad_redirect, blocked, invalid, internal_error. poll rows: ok, partial (some items unreadable), failed. article skips: duplicate_title, invalid. extract rows: extract_error.';
