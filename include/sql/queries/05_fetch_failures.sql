-- Requests, polls and extractions that failed, with an example reason.
SELECT kind, outcome, status, count(*) AS requests, any_value(reason) AS example_reason
FROM report_fetch_failures
GROUP BY kind, outcome, status
ORDER BY requests DESC;
