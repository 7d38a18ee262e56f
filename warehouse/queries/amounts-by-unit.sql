-- Amounts across stories grouped by unit or counted object: how many, their sum and range (params: unit, since, limit).
SELECT
    COALESCE(a.unit, '(none)') AS unit,
    count(*) AS amounts,
    count(DISTINCT a.article_id) AS articles,
    sum(a.value) AS total,
    min(a.value) AS smallest,
    max(a.value) AS largest
FROM amounts AS a
JOIN stories AS s ON s.article_id = a.article_id
WHERE ($unit IS NULL OR a.unit ILIKE $unit)
  AND ($since IS NULL OR COALESCE(s.published_at, s.fetched_at) >= CAST($since AS TIMESTAMPTZ))
GROUP BY ALL
ORDER BY amounts DESC, unit
LIMIT COALESCE(CAST($limit AS INTEGER), 50);
