-- Requests that did not succeed, with the reason.
SELECT kind, outcome, status, count(*) AS requests, any_value(reason) AS example_reason
FROM fetch_log
WHERE outcome <> 'ok'
GROUP BY kind, outcome, status
ORDER BY requests DESC;
