-- The latest quotes with who said them and where.
SELECT strftime(a.published_at, '%Y-%m-%d %H:%M') AS published_utc,
       a.source,
       coalesce(q.speaker, '(unknown)') AS speaker,
       left(q.quote, 70) AS quote
FROM quotes q
JOIN articles a USING (article_id)
ORDER BY a.published_at DESC NULLS LAST, q.seq
LIMIT 8;
