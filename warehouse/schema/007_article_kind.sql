-- What kind of page each article came from (tasks/clean/page_kind.py): article, paywalled (a teaser that
-- stops at a subscription prompt) or media (a gallery or video page whose text is its description).
-- Listing and error pages never land: they are `not_an_article` rejects.

ALTER TABLE articles ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'article';
