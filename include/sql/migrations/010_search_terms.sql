-- Full-text search in Korean and Japanese. DuckDB's fts splits text on whitespace and
-- strips accents (a Japanese sentence becomes one term, 述べた becomes 述へた), so the
-- Korean and Japanese text of articles and quotes is indexed as overlapping two-character
-- terms (수출규제 -> 수출 출규 규제; 輸出管理 -> 輸出 出管 管理), Latin words as they are,
-- and a query is cut the same way by the macro tw_search_terms: no word list to maintain,
-- and Korean particles (수출규제를) do not hide a word. The loader fills the columns; the
-- indexes are built with strip_accents = 0.
CREATE OR REPLACE MACRO tw_search_terms(q) AS array_to_string(flatten(list_transform(
    regexp_extract_all(
        coalesce(q, ''),
        '[\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}ー]+|[\p{Latin}\p{Greek}\p{Cyrillic}\p{N}]+'
    ),
    w -> CASE
        WHEN NOT regexp_matches(w, '[\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}]') THEN [lower(w)]
        WHEN length(w) = 1 THEN [w]
        ELSE list_transform(range(length(w) - 1), i -> substr(w, i + 1, 2))
    END
)), ' ');

ALTER TABLE articles ADD COLUMN search_terms VARCHAR;
COMMENT ON COLUMN articles.search_terms IS 'Korean and Japanese articles: title and text as search terms, two characters at a time (tw_search_terms), which the full-text index covers beside title and text. NULL for other languages. Search with fts_main_articles.match_bm25(article_id, tw_search_terms(''수출규제'')).';
ALTER TABLE quotes ADD COLUMN search_terms VARCHAR;
COMMENT ON COLUMN quotes.search_terms IS 'A quote with Korean or Japanese words: the quote and speaker as search terms (tw_search_terms), indexed beside quote and speaker. NULL otherwise.';

UPDATE articles SET search_terms = tw_search_terms(coalesce(title, '') || ' ' || text)
WHERE lang IN ('ko', 'ja');
UPDATE quotes SET search_terms = tw_search_terms(quote || ' ' || coalesce(speaker, ''))
WHERE regexp_matches(quote, '[\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}]');
