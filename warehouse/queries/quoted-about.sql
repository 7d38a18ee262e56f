-- Who is quoted in the stories that name an entity, and how often (params: entity, since, limit).
SELECT
    q.speaker,
    count(*) AS quotes,
    count(DISTINCT q.article_id) AS articles,
    any_value(q.text) AS example
FROM quotes AS q
JOIN stories AS s ON s.article_id = q.article_id
WHERE q.speaker IS NOT NULL
  AND ($entity IS NULL OR EXISTS (
      SELECT 1 FROM entities AS e WHERE e.article_id = q.article_id AND e.name ILIKE '%' || $entity || '%'
  ))
  AND ($entity IS NULL OR q.speaker NOT ILIKE '%' || $entity || '%')
  AND ($since IS NULL OR COALESCE(s.published_at, s.fetched_at) >= CAST($since AS TIMESTAMPTZ))
GROUP BY q.speaker
ORDER BY quotes DESC, articles DESC, q.speaker
LIMIT COALESCE(CAST($limit AS INTEGER), 25);
