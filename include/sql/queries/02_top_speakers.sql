-- Who is quoted most in relevant articles (copies of syndicated stories not counted).
SELECT coalesce(speaker_canonical, speaker, '(unknown)') AS speaker,
       any_value(speaker_kind) AS kind,
       count(*) AS quotes,
       count(DISTINCT article_id) AS articles
FROM quotes
GROUP BY 1
ORDER BY quotes DESC, speaker
LIMIT 10;
