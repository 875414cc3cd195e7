-- Article fetches waiting for a later run (deferred, timeouts, 5xx) or given up on.
SELECT state, last_outcome, count(*) AS articles, max(attempts) AS max_attempts,
       any_value(last_reason) AS example_reason
FROM report_pending_fetches
GROUP BY state, last_outcome
ORDER BY state, articles DESC;
