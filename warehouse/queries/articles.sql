-- Stories (newest version of each page, copies left out), newest first (params: site, since, limit).
SELECT
    s.published_at,
    s.site,
    s.title,
    s.authors,
    s.word_count,
    s.kind
FROM stories AS s
WHERE ($site IS NULL OR s.site ILIKE '%' || $site || '%')
  AND ($since IS NULL OR COALESCE(s.published_at, s.fetched_at) >= CAST($since AS TIMESTAMPTZ))
ORDER BY s.published_at DESC NULLS LAST, s.title
LIMIT COALESCE(CAST($limit AS INTEGER), 50);
