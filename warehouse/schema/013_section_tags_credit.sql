-- Metadata the extractor resolved but did not land before: the site's section for the article, its tags
-- (keywords as the site lists them) and the credit of its lead image ("Photo: Agency/Photographer").
-- Rows loaded earlier keep NULL / an empty list until their source is re-run.

ALTER TABLE articles ADD COLUMN section VARCHAR;
ALTER TABLE articles ADD COLUMN tags VARCHAR[] NOT NULL DEFAULT [];
ALTER TABLE articles ADD COLUMN image_credit VARCHAR;
