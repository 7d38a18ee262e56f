-- Tone per article (tasks/extract/tone.py; the method is named in articles.evidence->>'tone') and keywords
-- from the warehouse's own corpus.

ALTER TABLE articles ADD COLUMN tone DOUBLE;      -- -1 (negative) .. +1 (positive); NULL when not English

-- An article's keywords: its story terms (entities, and the rarer words of its headline and opening) weighed
-- by how rare they are in the whole warehouse (inverse document frequency), best first. A view, so the
-- weights follow the corpus as it grows.
CREATE VIEW article_keywords AS
WITH corpus AS (SELECT greatest(count(*), 1) AS articles FROM story_clusters)
SELECT
    t.article_id,
    substr(t.term, 3) AS keyword,
    CASE WHEN t.term LIKE 'e:%' THEN 'entity' ELSE 'word' END AS kind,
    round(ln((corpus.articles + 1.0) / (c.articles + 0.5)), 4) AS weight,
    row_number() OVER (PARTITION BY t.article_id ORDER BY c.articles, t.term) AS rank
FROM story_terms AS t
JOIN story_term_counts AS c ON c.term = t.term
CROSS JOIN corpus;
