-- What each load wrote, so the read-only snapshot can be brought up to date by applying
-- the loads it has not seen rather than by copying the whole file (store/snapshot_sync.py).
CREATE TABLE load_changes (
    load_seq BIGINT NOT NULL,
    tbl VARCHAR NOT NULL,
    key VARCHAR NOT NULL
);

COMMENT ON TABLE load_changes IS 'One row per row a load wrote, by load: what the read-only snapshot needs to catch up. Rows every snapshot has are pruned.';
COMMENT ON COLUMN load_changes.load_seq IS 'Number of the load (one transaction of store.load_batch), increasing.';
COMMENT ON COLUMN load_changes.tbl IS 'What was written: articles (the article, its quotes, mentions and search-index rows), entities, fetch_log, load (the load itself, key = its log key), or * (anything: the next snapshot is a full copy).';
COMMENT ON COLUMN load_changes.key IS 'articles.article_id, entities.entity_id, fetch_log.log_id, or the load''s log key.';
