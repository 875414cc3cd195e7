-- Requests and polls that did not succeed, with an example reason.
SELECT kind, outcome, status, count(*) AS requests, any_value(reason) AS example_reason
FROM fetch_log
WHERE outcome NOT IN ('ok', 'not_modified', 'robots_absent')
GROUP BY kind, outcome, status
ORDER BY requests DESC;
