-- Most quoted speakers across stories, with how many articles quote them (params: since, limit).
SELECT
    q.speaker,
    count(*) AS quotes,
    count(DISTINCT q.article_id) AS articles,
    max(s.published_at) AS last_quoted_at
FROM quotes AS q
JOIN stories AS s ON s.article_id = q.article_id
WHERE q.speaker IS NOT NULL
  AND ($since IS NULL OR s.published_at >= CAST($since AS TIMESTAMPTZ))
GROUP BY q.speaker
ORDER BY quotes DESC, articles DESC, q.speaker
LIMIT COALESCE(CAST($limit AS INTEGER), 25);
