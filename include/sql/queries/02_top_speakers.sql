-- Who is quoted most in relevant articles (copies of syndicated stories not counted):
-- the identified speakers of report_quotes (people named in the text or resolved from a
-- pronoun, and organisations with a canonical name), under their canonical name.
SELECT speaker,
       array_to_string(list_sort(list_distinct(flatten(list(string_split(kinds, '/'))))), '/')
           AS kinds,
       sum(quotes) AS quotes,
       sum(articles) AS articles
FROM report_daily_speakers
GROUP BY speaker
ORDER BY quotes DESC, speaker
LIMIT 10;
