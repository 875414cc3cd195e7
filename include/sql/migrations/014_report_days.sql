-- The daily brief reads a window of days from an archive that only grows. A day computed
-- in a view, from published_at or fetched_at, cannot skip a row group, so every brief
-- read every article, quote and mention, and DuckDB kept what it read: 610 MB at a
-- million articles against 190 MB at 10,000. Stored on the article and on each of its
-- quotes and mentions, the day lets a filter on it skip the row groups of other days
-- (loads store rows as they arrive, mostly day by day). The report views read it;
-- replacing a view drops its comments, so they follow.
ALTER TABLE articles ADD COLUMN day DATE;
UPDATE articles SET day = (coalesce(published_at, fetched_at) AT TIME ZONE 'UTC')::DATE;
ALTER TABLE quotes ADD COLUMN day DATE;
UPDATE quotes SET day = a.day FROM articles a WHERE a.article_id = quotes.article_id;
ALTER TABLE entity_mentions ADD COLUMN day DATE;
UPDATE entity_mentions SET day = a.day FROM articles a WHERE a.article_id = entity_mentions.article_id;

COMMENT ON COLUMN articles.day IS 'UTC calendar day of publication (of the fetch when the page stated no date); filter on it to read only those days.';
COMMENT ON COLUMN quotes.day IS 'articles.day of the article the quote is in.';
COMMENT ON COLUMN entity_mentions.day IS 'articles.day of the article the mention is in.';

CREATE OR REPLACE VIEW report_articles AS
SELECT article_id,
       day,
       coalesce(published_at, fetched_at) AS published_at,
       source,
       title,
       url,
       topics,
       relevance,
       fetched_at,
       lang
FROM articles
WHERE relevant AND duplicate_of IS NULL;

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
COMMENT ON COLUMN report_articles.lang IS 'Language of the article (en, ko, ja; see articles.lang).';

CREATE OR REPLACE VIEW report_quotes AS
SELECT q.quote_id,
       q.article_id,
       q.day,
       a.published_at,
       a.source,
       a.lang,
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
       q.reported_by,
       q.cue,
       (q.speaker_kind IN ('named', 'pronoun')
            AND coalesce(q.speaker_canonical, q.speaker) IS NOT NULL)
           OR (q.speaker_kind = 'organisation' AND q.speaker_canonical IS NOT NULL)
           AS identified
FROM quotes q
JOIN report_articles a ON a.article_id = q.article_id AND a.day = q.day;

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
COMMENT ON COLUMN report_quotes.reported_by IS 'Who the article has a second-hand quote from (see quotes.reported_by); NULL when the article credits the quote directly.';
COMMENT ON COLUMN report_quotes.cue IS 'Attribution verb or phrase.';
COMMENT ON COLUMN report_quotes.identified IS 'True when the speaker is someone in particular: a named or pronoun-resolved person, or an organisation with a canonical name. Only these are ranked as speakers.';
COMMENT ON COLUMN report_quotes.lang IS 'Language of the article, which the quote is written in (en, ko, ja).';

CREATE OR REPLACE VIEW report_daily_mentions AS
SELECT m.day,
       m.label,
       m.canonical,
       any_value(m.entity_id) AS entity_id,
       count(*) AS mentions,
       count(DISTINCT m.article_id) AS articles
FROM entity_mentions m
JOIN report_articles a ON a.article_id = m.article_id AND a.day = m.day
GROUP BY m.day, m.label, m.canonical;

COMMENT ON VIEW report_daily_mentions IS 'Mentions of each canonical entity (people, organisations, places, materials, policy terms) per UTC day in relevant original articles.';
COMMENT ON COLUMN report_daily_mentions.day IS 'UTC publication day.';
COMMENT ON COLUMN report_daily_mentions.label IS 'PERSON, ORG, GPE, LOC, NORP, MATERIAL or POLICY.';
COMMENT ON COLUMN report_daily_mentions.canonical IS 'Canonical entity name.';
COMMENT ON COLUMN report_daily_mentions.entity_id IS 'entities.entity_id (NULL for rows loaded before entities existed).';
COMMENT ON COLUMN report_daily_mentions.mentions IS 'Mentions that day.';
COMMENT ON COLUMN report_daily_mentions.articles IS 'Articles of that day mentioning it.';

CREATE OR REPLACE VIEW report_entity_first_seen AS
SELECT m.label,
       m.canonical,
       any_value(m.entity_id) AS entity_id,
       min(m.day) AS first_day,
       max(m.day) AS last_day,
       count(DISTINCT m.day) AS days,
       count(*) AS mentions,
       count(DISTINCT m.article_id) AS articles
FROM entity_mentions m
JOIN report_articles a ON a.article_id = m.article_id AND a.day = m.day
GROUP BY m.label, m.canonical;

COMMENT ON VIEW report_entity_first_seen IS 'Each canonical entity with the first and last UTC day a relevant original article mentioned it, and totals: what is new in the news.';
COMMENT ON COLUMN report_entity_first_seen.label IS 'PERSON, ORG, GPE, LOC, NORP, MATERIAL or POLICY.';
COMMENT ON COLUMN report_entity_first_seen.canonical IS 'Canonical entity name.';
COMMENT ON COLUMN report_entity_first_seen.entity_id IS 'entities.entity_id, when known.';
COMMENT ON COLUMN report_entity_first_seen.first_day IS 'First UTC publication day it was mentioned.';
COMMENT ON COLUMN report_entity_first_seen.last_day IS 'Latest UTC publication day it was mentioned.';
COMMENT ON COLUMN report_entity_first_seen.days IS 'Days with at least one mention.';
COMMENT ON COLUMN report_entity_first_seen.mentions IS 'Mentions in all.';
COMMENT ON COLUMN report_entity_first_seen.articles IS 'Articles mentioning it in all.';

-- The first day each canonical entity was mentioned, kept up to date by loads, so that
-- the brief dates the entities of its window without aggregating every mention of the
-- archive. Mentions stored before entities existed get theirs first.
UPDATE entity_mentions SET entity_id = substr(sha256(label || chr(31) || canonical), 1, 16)
WHERE entity_id IS NULL;
INSERT INTO entities (entity_id, label, canonical, extraction_version)
SELECT entity_id, any_value(label), any_value(canonical), min(extraction_version)
FROM entity_mentions GROUP BY entity_id
ON CONFLICT (entity_id) DO NOTHING;
ALTER TABLE entities ADD COLUMN first_day DATE;
UPDATE entities SET first_day = f.first_day
FROM (SELECT entity_id, min(day) AS first_day FROM entity_mentions GROUP BY entity_id) f
WHERE entities.entity_id = f.entity_id;

COMMENT ON COLUMN entities.first_day IS 'First UTC publication day of a stored article mentioning it (report_entity_first_seen.first_day); NULL when none does any more.';
