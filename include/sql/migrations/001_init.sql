-- Initial schema: articles, quotes, entity mentions and the fetch log.
CREATE TABLE articles (
    article_id VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    title VARCHAR,
    published_at TIMESTAMPTZ,
    published_offset VARCHAR,
    published_from VARCHAR NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    lang VARCHAR,
    relevant BOOLEAN NOT NULL,
    relevance DOUBLE NOT NULL,
    topics VARCHAR[] NOT NULL,
    relevance_evidence VARCHAR[] NOT NULL,
    text VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    duplicate_of VARCHAR,
    raw_path VARCHAR,
    extraction_version VARCHAR NOT NULL
);

CREATE TABLE quotes (
    quote_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    quote VARCHAR NOT NULL,
    speaker VARCHAR,
    speaker_kind VARCHAR NOT NULL,
    speaker_canonical VARCHAR,
    cue VARCHAR,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    extraction_version VARCHAR NOT NULL
);

CREATE TABLE entity_mentions (
    article_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    canonical VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    extraction_version VARCHAR NOT NULL
);

CREATE TABLE fetch_log (
    log_id VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    requested_at TIMESTAMPTZ NOT NULL,
    source VARCHAR,
    kind VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    status INTEGER,
    outcome VARCHAR NOT NULL,
    reason VARCHAR,
    bytes BIGINT NOT NULL,
    elapsed_ms DOUBLE NOT NULL
);

COMMENT ON TABLE articles IS 'Every fetched article, relevant or not; one row per canonical URL.';
COMMENT ON COLUMN articles.article_id IS 'Stable id: first 16 hex chars of sha256(canonical_url).';
COMMENT ON COLUMN articles.url IS 'URL the page was fetched from (after redirects).';
COMMENT ON COLUMN articles.canonical_url IS 'Canonical URL (rel=canonical or fetched URL) without tracking parameters.';
COMMENT ON COLUMN articles.source IS 'Name of the source (sources file entry) that listed the article.';
COMMENT ON COLUMN articles.title IS 'Headline from page metadata, <h1>, <title> or the feed.';
COMMENT ON COLUMN articles.published_at IS 'Publication instant, stored in UTC.';
COMMENT ON COLUMN articles.published_offset IS 'UTC offset the source stated (e.g. +09:00 for KST/JST); NULL if none.';
COMMENT ON COLUMN articles.published_from IS 'Where published_at came from: jsonld, opengraph, meta, time, feed or none.';
COMMENT ON COLUMN articles.fetched_at IS 'When the page was fetched (UTC).';
COMMENT ON COLUMN articles.lang IS 'Two-letter language code from the page, if stated.';
COMMENT ON COLUMN articles.relevant IS 'True when relevance >= the run''s threshold (about Korea-Japan trade).';
COMMENT ON COLUMN articles.relevance IS 'Relevance score in [0, 1] from the explainable keyword model.';
COMMENT ON COLUMN articles.topics IS 'Topic tags that matched (export_controls, white_list, ...).';
COMMENT ON COLUMN articles.relevance_evidence IS 'The phrases that produced the relevance score.';
COMMENT ON COLUMN articles.text IS 'Extracted main text, paragraphs separated by blank lines; quote offsets index into it.';
COMMENT ON COLUMN articles.content_hash IS 'sha256 of the whitespace-normalised, case-folded text; equal hashes mean a syndicated copy.';
COMMENT ON COLUMN articles.duplicate_of IS 'article_id of the first-stored article with the same content; NULL for originals.';
COMMENT ON COLUMN articles.raw_path IS 'Path of the raw page in the archive, relative to the data directory.';
COMMENT ON COLUMN articles.extraction_version IS 'Version of the extraction/analysis code that produced the row.';

COMMENT ON TABLE quotes IS 'Direct quotes with speakers, for relevant original (non-duplicate) articles.';
COMMENT ON COLUMN quotes.quote_id IS 'Stable id: hash of article_id, offsets and extraction_version.';
COMMENT ON COLUMN quotes.article_id IS 'Article the quote appears in (articles.article_id).';
COMMENT ON COLUMN quotes.seq IS 'Order of the quote within the article, from 0.';
COMMENT ON COLUMN quotes.quote IS 'Quoted words without quotation marks; split quotes joined with a space.';
COMMENT ON COLUMN quotes.speaker IS 'Who said it: full name, descriptor, or NULL when unknown.';
COMMENT ON COLUMN quotes.speaker_kind IS 'named, descriptor, pronoun (resolved to a name) or unknown.';
COMMENT ON COLUMN quotes.speaker_canonical IS 'Canonical entity name of the speaker, when it maps to one.';
COMMENT ON COLUMN quotes.cue IS 'Attribution verb or phrase (said, told, according to, ...).';
COMMENT ON COLUMN quotes.start_char IS 'Start offset of the quote span in articles.text.';
COMMENT ON COLUMN quotes.end_char IS 'End offset (exclusive) of the quote span in articles.text.';
COMMENT ON COLUMN quotes.extraction_version IS 'Version of the code that extracted the quote.';

COMMENT ON TABLE entity_mentions IS 'People, organisations, places, materials and policy terms named in relevant original articles.';
COMMENT ON COLUMN entity_mentions.article_id IS 'Article the mention appears in (articles.article_id).';
COMMENT ON COLUMN entity_mentions.seq IS 'Order of the mention within the article, from 0.';
COMMENT ON COLUMN entity_mentions.text IS 'The mention as written.';
COMMENT ON COLUMN entity_mentions.label IS 'PERSON, ORG, GPE, LOC, NORP, MATERIAL or POLICY.';
COMMENT ON COLUMN entity_mentions.canonical IS 'Canonical name the mention resolves to (aliases and short forms merged).';
COMMENT ON COLUMN entity_mentions.start_char IS 'Start offset of the mention in articles.text.';
COMMENT ON COLUMN entity_mentions.end_char IS 'End offset (exclusive) of the mention in articles.text.';
COMMENT ON COLUMN entity_mentions.extraction_version IS 'Version of the code that extracted the mention.';

COMMENT ON TABLE fetch_log IS 'One row per HTTP request or source poll, with its outcome; failures carry a reason.';
COMMENT ON COLUMN fetch_log.log_id IS 'Stable id of the log row within its run.';
COMMENT ON COLUMN fetch_log.run_id IS 'Pipeline run (Airflow run id or CLI run id) that made the request.';
COMMENT ON COLUMN fetch_log.requested_at IS 'When the request started (UTC).';
COMMENT ON COLUMN fetch_log.source IS 'Source name the request was made for.';
COMMENT ON COLUMN fetch_log.kind IS 'feed (source poll), article (page fetch) or extract (parsing an archived page).';
COMMENT ON COLUMN fetch_log.url IS 'URL requested.';
COMMENT ON COLUMN fetch_log.status IS 'HTTP status code, NULL when no response arrived.';
COMMENT ON COLUMN fetch_log.outcome IS 'ok, not_modified, http_error, timeout, connection_error, too_large, too_many_redirects, blocked, invalid, parse_error, extract_error.';
COMMENT ON COLUMN fetch_log.reason IS 'Why it failed, in one line; NULL on success.';
COMMENT ON COLUMN fetch_log.bytes IS 'Bytes of body received.';
COMMENT ON COLUMN fetch_log.elapsed_ms IS 'Wall time of the request in milliseconds.';
