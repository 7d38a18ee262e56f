-- Text the cleaner removed, counted by reason code (params: since).
SELECT
    rs.reason,
    count(*) AS segments,
    count(DISTINCT rs.doc_id) AS documents,
    sum(length(rs.text)) AS characters
FROM removed_segments AS rs
JOIN documents AS d ON d.doc_id = rs.doc_id
WHERE ($since IS NULL OR d.fetched_at >= CAST($since AS TIMESTAMPTZ))
GROUP BY rs.reason
ORDER BY segments DESC, rs.reason;
