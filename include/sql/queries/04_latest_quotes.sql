-- The latest quotes with who said them (canonical name when known; an unresolved pronoun
-- shows as written) and where.
SELECT strftime(a.published_at, '%Y-%m-%d %H:%M') AS published_utc,
       a.source,
       coalesce(q.speaker_canonical, q.speaker, q.speaker_text, '(unknown)') AS speaker,
       q.speaker_kind AS kind,
       left(q.quote, 60) AS quote
FROM quotes q
JOIN articles a USING (article_id)
ORDER BY a.published_at DESC NULLS LAST, q.seq
LIMIT 8;
