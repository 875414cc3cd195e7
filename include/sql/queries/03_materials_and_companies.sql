-- Materials and organisations named in relevant articles, with the day each was first seen.
SELECT label, canonical, mentions, articles, first_day
FROM report_entity_first_seen
WHERE label IN ('MATERIAL', 'ORG')
ORDER BY articles DESC, mentions DESC, canonical
LIMIT 12;
