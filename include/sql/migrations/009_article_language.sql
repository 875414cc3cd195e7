-- Korean and Japanese news: the language an article is stored and analysed under is now
-- checked against the script of its text, and what the page or feed declared is kept
-- beside it, so a mislabelled page can be found. Rows loaded before this migration keep
-- their old lang (the page's own declaration) and have NULL lang_declared until their
-- pages are extracted again (`tradewatch reprocess`).
ALTER TABLE articles ADD COLUMN lang_declared VARCHAR;
COMMENT ON COLUMN articles.lang IS 'ISO 639-1 code of the language the text is written in (en, ko, ja, or any other code): the page''s or feed''s declaration, overruled by the script of the text where they disagree (Hangul is ko, kana ja, Han without kana zh; a Latin-script text declared in another script is en when its common words are English). NULL when nothing tells. en, ko and ja are analysed; any other language is stored and scored irrelevant.';
COMMENT ON COLUMN articles.lang_declared IS 'The language the page (<html lang>, Content-Language, og:locale) or else its feed declared, as a lower-case code; NULL when neither said. Differs from lang when the script of the text contradicted it.';
