-- One row per loaded run (ingest, DAG run or reprocess), written by the loader in the same
-- transaction as the run's data: a row exists exactly when the data is in.
CREATE TABLE pipeline_runs (
    run_id VARCHAR PRIMARY KEY,
    trigger VARCHAR NOT NULL,
    interval_start TIMESTAMPTZ,
    interval_end TIMESTAMPTZ,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ NOT NULL,
    status VARCHAR NOT NULL,
    counts JSON NOT NULL,
    tradewatch_version VARCHAR NOT NULL,
    extraction_version VARCHAR,
    spacy_model VARCHAR,
    spacy_model_version VARCHAR,
    sources_file VARCHAR
);

COMMENT ON TABLE pipeline_runs IS 'One row per run whose data is loaded (written in the load transaction; a re-run load of the same run_id replaces its row).';
COMMENT ON COLUMN pipeline_runs.run_id IS 'Run id (Airflow run_id made folder-safe, or manual__<UTC stamp> from the CLI); also the folder data/runs/<run_id>/.';
COMMENT ON COLUMN pipeline_runs.trigger IS 'What started the run: scheduled, manual, backfill (Airflow run types), cli (tradewatch ingest) or reprocess.';
COMMENT ON COLUMN pipeline_runs.interval_start IS 'Start of the run''s data interval (UTC); for reprocess the first archive day. NULL = unbounded.';
COMMENT ON COLUMN pipeline_runs.interval_end IS 'End of the data interval (UTC, exclusive); for reprocess the day after the last archive day. NULL = unbounded.';
COMMENT ON COLUMN pipeline_runs.started_at IS 'When the run''s first stage started (UTC).';
COMMENT ON COLUMN pipeline_runs.finished_at IS 'When the load committed (UTC).';
COMMENT ON COLUMN pipeline_runs.status IS 'ok, or partial when a source poll failed or a page could not be fetched or extracted (details in fetch_log).';
COMMENT ON COLUMN pipeline_runs.counts IS 'Counts per stage as JSON: plan.sources; discover.sources_polled/sources_failed/candidates; fetch.candidates/fetched/fetch_failures/skipped_known/duplicate_titles/invalid; collect.archived (reprocess: archived pages found) or stored (analyze-only); extract.extracted/extract_errors; analyze.analyzed/relevant; load.articles_new/articles_updated/articles_unchanged/duplicates/quotes/entity_mentions/fetch_log.';
COMMENT ON COLUMN pipeline_runs.tradewatch_version IS 'tradewatch package version that loaded the run.';
COMMENT ON COLUMN pipeline_runs.extraction_version IS 'EXTRACTION_VERSION of the analysis (relevance, entity and quote rules) the run used.';
COMMENT ON COLUMN pipeline_runs.spacy_model IS 'spaCy pipeline configured for the analyze stage (TRADEWATCH_SPACY_MODEL).';
COMMENT ON COLUMN pipeline_runs.spacy_model_version IS 'Installed version of that spaCy pipeline package; NULL if it is not an installed package.';
COMMENT ON COLUMN pipeline_runs.sources_file IS 'Sources file the run polled; NULL for reprocess runs, which read the raw archive.';
