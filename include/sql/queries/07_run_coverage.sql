-- What the latest runs are built from: interval, trigger, and how their sources answered
-- (live, replayed from the interval's archive, no history for a past day, failed).
SELECT interval_start::DATE AS day, trigger, status,
       sources_polled AS polled,
       sources_replayed AS replayed,
       sources_no_history AS no_history,
       sources_failed AS failed,
       articles_new AS new_articles,
       failures,
       run_id
FROM report_runs
ORDER BY finished_at DESC
LIMIT 20;
