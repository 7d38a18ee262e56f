-- Most mentioned entities per day of publication, stories only (params: type, since, limit).
SELECT day, entity, type, articles, mentions
FROM entity_mentions_daily
WHERE ($type IS NULL OR type = upper($type))
  AND ($since IS NULL OR day >= CAST(CAST($since AS TIMESTAMPTZ) AS DATE))
QUALIFY row_number() OVER (PARTITION BY day ORDER BY articles DESC, mentions DESC, entity) <= 10
ORDER BY day DESC, articles DESC, mentions DESC, entity
LIMIT COALESCE(CAST($limit AS INTEGER), 100);
