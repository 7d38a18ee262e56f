-- Quotations with their speaker and article title, newest first (params: speaker, since, limit).
SELECT
    q.speaker,
    q.text AS quote,
    s.title,
    s.site,
    s.published_at
FROM quotes AS q
JOIN stories AS s ON s.article_id = q.article_id
WHERE ($speaker IS NULL OR q.speaker ILIKE '%' || $speaker || '%')
  AND ($since IS NULL OR s.published_at >= CAST($since AS TIMESTAMPTZ))
ORDER BY s.published_at DESC NULLS LAST, s.article_id, q.position
LIMIT COALESCE(CAST($limit AS INTEGER), 50);
