-- Story clusters: different articles about the same event, grouped. Each article has a few story terms
-- (its entities and the rarer words of its headline and opening); a new article joins the cluster of the
-- most similar article published within a few days, found by a join on these terms inside DuckDB.

-- No primary key: an index over tens of millions of (article, term) pairs would cost more memory than the
-- table. An article's terms are written once, with its story_clusters row (which has the key).
CREATE TABLE story_terms (
    article_id VARCHAR NOT NULL,
    term       VARCHAR NOT NULL,        -- e:<entity name> or w:<word>
    "at"       TIMESTAMPTZ NOT NULL     -- the article's publication time (when it was processed, if undated)
);

-- How many articles carry each term: the document frequency behind the terms' weights.
CREATE TABLE story_term_counts (
    term     VARCHAR PRIMARY KEY,
    articles INTEGER NOT NULL
);

CREATE TABLE story_clusters (
    article_id VARCHAR PRIMARY KEY,
    cluster_id VARCHAR NOT NULL,        -- the article_id of the cluster's first article
    similarity DOUBLE NOT NULL,         -- to the article it joined through (1.0 for a cluster's first)
    "at"       TIMESTAMPTZ NOT NULL,
    joined_at  TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR
);

-- One row per cluster, titled by its earliest article: what analysts browse.
CREATE VIEW clusters AS
SELECT
    c.cluster_id,
    arg_min(a.title, c."at") AS title,
    count(*) AS articles,
    count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM duplicates AS d WHERE d.article_id = c.article_id))
        AS stories,
    count(DISTINCT a.site) AS sites,
    min(c."at") AS first_at,
    max(c."at") AS last_at
FROM story_clusters AS c
JOIN articles AS a ON a.article_id = c.article_id
GROUP BY c.cluster_id;

-- Lead bands of earlier releases (8 bands of 4 rows over 60 words, numbered -1 .. -8) are never looked up
-- again: today's are 16 bands of 2 rows over 40 words, numbered -101 .. -116 (tasks/dedupe/__init__.py).
DELETE FROM fingerprints WHERE band BETWEEN -8 AND -1;

-- Settings a warehouse's stored data depends on (the fingerprint parameters), checked by every run.
CREATE TABLE warehouse_settings (
    name  VARCHAR PRIMARY KEY,
    value JSON NOT NULL
);
