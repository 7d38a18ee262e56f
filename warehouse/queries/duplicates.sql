-- Articles that copy another one, with the original they copy, most similar first (params: kind, limit).
SELECT
    dup.kind,
    round(dup.similarity, 3) AS similarity,
    copy.site,
    copy.title,
    original.site AS canonical_site,
    original.title AS canonical_title,
    dup.article_id,
    dup.canonical_id
FROM duplicates AS dup
JOIN articles AS copy ON copy.article_id = dup.article_id
LEFT JOIN articles AS original ON original.article_id = dup.canonical_id
WHERE ($kind IS NULL OR dup.kind = $kind)
ORDER BY dup.similarity DESC, copy.site, copy.title
LIMIT COALESCE(CAST($limit AS INTEGER), 50);
