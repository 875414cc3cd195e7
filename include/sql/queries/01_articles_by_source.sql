-- How many articles each source gave, and how many were about Korea-Japan trade.
SELECT source,
       count(*) AS articles,
       count(*) FILTER (WHERE relevant) AS relevant,
       count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS syndicated_copies
FROM articles
GROUP BY source
ORDER BY source;
