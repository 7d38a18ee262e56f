-- Analyst views: latest versions, canonical articles, stories, and entity and quote roll-ups.
-- Analysts query these rather than the tables, so the tables can change shape in later migrations.

-- The newest version of each page. Versions share a key: canonical_url, else url, else article_id
-- (tasks/dedupe.version_key uses the same rule to keep versions of a page apart from copies of it).
CREATE VIEW articles_latest AS
SELECT
    a.*,
    COALESCE(a.canonical_url, a.url, a.article_id) AS version_key,
    d.fetched_at
FROM articles AS a
LEFT JOIN documents AS d ON d.doc_id = a.doc_id
QUALIFY row_number() OVER (
    PARTITION BY COALESCE(a.canonical_url, a.url, a.article_id)
    ORDER BY d.fetched_at DESC NULLS LAST, a.updated_at DESC NULLS LAST, a.loaded_at DESC, a.article_id DESC
) = 1;

-- Every article version that is not a copy of another article.
CREATE VIEW canonical_articles AS
SELECT a.*
FROM articles AS a
WHERE NOT EXISTS (SELECT 1 FROM duplicates AS dup WHERE dup.article_id = a.article_id);

-- One row per story: the newest version of each page, copies of other stories left out. Roll-ups count
-- these, so a syndicated copy or a re-fetched page is not counted twice.
CREATE VIEW stories AS
SELECT l.*
FROM articles_latest AS l
WHERE NOT EXISTS (SELECT 1 FROM duplicates AS dup WHERE dup.article_id = l.article_id);

-- Entities per UTC day of publication (fetch day when the page gave no date).
CREATE VIEW entity_mentions_daily AS
SELECT
    e.name AS entity,
    e.type,
    CAST(timezone('UTC', COALESCE(s.published_at, s.fetched_at)) AS DATE) AS day,
    count(DISTINCT e.article_id) AS articles,
    sum(e.mentions) AS mentions
FROM entities AS e
JOIN stories AS s ON s.article_id = e.article_id
GROUP BY e.name, e.type, day;

CREATE VIEW quotes_by_speaker AS
SELECT
    q.speaker,
    count(*) AS quotes,
    count(DISTINCT q.article_id) AS articles,
    min(s.published_at) AS first_quoted_at,
    max(s.published_at) AS last_quoted_at
FROM quotes AS q
JOIN stories AS s ON s.article_id = q.article_id
WHERE q.speaker IS NOT NULL
GROUP BY q.speaker;
