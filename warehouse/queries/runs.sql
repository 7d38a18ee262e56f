-- Latest pipeline runs with their status, duration and counts (params: limit).
SELECT
    run_id,
    deployment,
    status,
    started_at,
    finished_at,
    finished_at - started_at AS duration,
    counts
FROM runs
ORDER BY started_at DESC
LIMIT COALESCE(CAST($limit AS INTEGER), 20);
