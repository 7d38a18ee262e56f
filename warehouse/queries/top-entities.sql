-- Most mentioned people, organisations and places across stories (params: type, since, limit).
SELECT
    e.name,
    e.type,
    count(DISTINCT e.article_id) AS articles,
    sum(e.mentions) AS mentions
FROM entities AS e
JOIN stories AS s ON s.article_id = e.article_id
WHERE ($type IS NULL OR e.type = upper($type))
  AND ($since IS NULL OR COALESCE(s.published_at, s.fetched_at) >= CAST($since AS TIMESTAMPTZ))
GROUP BY e.name, e.type
ORDER BY articles DESC, mentions DESC, e.name, e.type
LIMIT COALESCE(CAST($limit AS INTEGER), 25);
