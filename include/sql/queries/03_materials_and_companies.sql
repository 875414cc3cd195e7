-- Materials and organisations named in relevant articles.
SELECT label, canonical, count(*) AS mentions, count(DISTINCT article_id) AS articles
FROM entity_mentions
WHERE label IN ('MATERIAL', 'ORG')
GROUP BY label, canonical
ORDER BY articles DESC, mentions DESC, canonical
LIMIT 12;
