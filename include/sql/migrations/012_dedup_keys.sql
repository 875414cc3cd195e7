-- Dedup keys stored with each article, so a run looks up only its own candidates instead
-- of canonicalizing every stored URL and headline in Python before it fetches. The keys
-- are Python's (tradewatch.urls.canonicalize_url, fetch_state.normalize_title: IDNA hosts,
-- escapes, Unicode case folding), which SQL cannot reproduce exactly, so rows loaded before
-- this migration keep NULL keys until `tradewatch reprocess` loads them again; until then
-- the fetch stage computes the keys of those rows (and only those) in Python.
-- No index on the keys: each run reads with a fresh connection, which would load the whole
-- ART index (about 80 MB per million articles) to save a scan of about 60 ms.
ALTER TABLE articles ADD COLUMN url_key VARCHAR;
ALTER TABLE articles ADD COLUMN canonical_key VARCHAR;
ALTER TABLE articles ADD COLUMN title_key VARCHAR;
COMMENT ON COLUMN articles.url_key IS 'url as the fetch stage compares it with discovered items (tradewatch.urls.canonicalize_url); NULL until reprocess for rows loaded before migration 012, or when url cannot be canonicalized.';
COMMENT ON COLUMN articles.canonical_key IS 'canonical_url as the fetch stage compares it (canonicalize_url again); NULL until reprocess for rows loaded before migration 012, or when it cannot be canonicalized.';
COMMENT ON COLUMN articles.title_key IS 'Headline folded for the same-source headline check (case, punctuation and spacing removed: fetch_state.normalize_title); NULL when there is no title, and until reprocess for rows loaded before migration 012.';
