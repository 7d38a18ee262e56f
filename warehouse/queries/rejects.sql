-- Items that failed a step, counted by stage and reason code, with the latest message (params: stage, since).
SELECT
    r.stage,
    r.reason,
    count(*) AS items,
    max(r."at") AS last_at,
    arg_max(r.message, r."at") AS latest_message
FROM rejects AS r
WHERE ($stage IS NULL OR r.stage = $stage)
  AND ($since IS NULL OR r."at" >= CAST($since AS TIMESTAMPTZ))
GROUP BY r.stage, r.reason
ORDER BY items DESC, r.stage, r.reason;
