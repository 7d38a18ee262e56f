-- Places named across stories, by country, with how many articles name each (params: country, since, limit).
SELECT
    e.country_code AS country,
    e.name AS place,
    count(DISTINCT e.article_id) AS articles,
    sum(e.mentions) AS mentions,
    any_value(e.latitude) AS latitude,
    any_value(e.longitude) AS longitude
FROM entities AS e
JOIN stories AS s ON s.article_id = e.article_id
WHERE e.type = 'LOC'
  AND ($country IS NULL OR e.country_code = upper($country))
  AND ($since IS NULL OR COALESCE(s.published_at, s.fetched_at) >= CAST($since AS TIMESTAMPTZ))
GROUP BY e.country_code, e.name
ORDER BY articles DESC, mentions DESC, country NULLS LAST, place
LIMIT COALESCE(CAST($limit AS INTEGER), 50);
