-- Story clusters, busiest first: title, articles, stories (without copies), sites, first and last (params: since, limit).
SELECT
    c.cluster_id,
    c.title,
    c.articles,
    c.stories,
    c.sites,
    c.first_at,
    c.last_at
FROM clusters AS c
WHERE ($since IS NULL OR c.last_at >= CAST($since AS TIMESTAMPTZ))
ORDER BY c.stories DESC, c.articles DESC, c.last_at DESC
LIMIT COALESCE(CAST($limit AS INTEGER), 20);
