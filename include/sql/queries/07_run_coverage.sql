-- What the latest runs are built from: interval, trigger, and how their sources answered
-- (live, replayed from the interval's archive, no history for a past day, failed).
SELECT interval_start::DATE AS day, trigger, status,
       (counts->>'$.discover.sources_polled')::INT AS polled,
       coalesce((counts->>'$.discover.sources_replayed')::INT, 0) AS replayed,
       coalesce((counts->>'$.discover.sources_no_history')::INT, 0) AS no_history,
       (counts->>'$.discover.sources_failed')::INT AS failed,
       (counts->>'$.load.articles_new')::INT AS new_articles,
       run_id
FROM pipeline_runs
ORDER BY finished_at DESC
LIMIT 20;
