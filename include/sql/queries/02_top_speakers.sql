-- Who is quoted most in relevant articles (copies of syndicated stories not counted):
-- people named in the text or resolved from a pronoun, and organisations, counted under
-- their canonical name when known. Described speakers ("a senior official"), unnamed
-- organisations ("the ministry" never resolved), documents, outlets and unknown speakers
-- are no one in particular and are left out.
SELECT coalesce(speaker_canonical, speaker) AS speaker,
       string_agg(DISTINCT speaker_kind, '/' ORDER BY speaker_kind) AS kinds,
       count(*) AS quotes,
       count(DISTINCT article_id) AS articles
FROM quotes
WHERE (speaker_kind IN ('named', 'pronoun') AND coalesce(speaker_canonical, speaker) IS NOT NULL)
   OR (speaker_kind = 'organisation' AND speaker_canonical IS NOT NULL)
GROUP BY 1
ORDER BY quotes DESC, speaker
LIMIT 10;
