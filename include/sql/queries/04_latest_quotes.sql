-- The latest quotes with who said them (canonical name when known; an unresolved pronoun
-- shows as written) and where.
SELECT strftime(published_at, '%Y-%m-%d %H:%M') AS published_utc,
       source,
       coalesce(speaker, '(unknown)') AS speaker,
       speaker_kind AS kind,
       left(quote, 60) AS quote
FROM report_quotes
ORDER BY published_at DESC, seq
LIMIT 8;
