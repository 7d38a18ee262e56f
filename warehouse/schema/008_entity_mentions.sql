-- Every place in an article's text where an entity is named: offsets into articles.text, so each row of
-- `entities` can be checked against the words that produced it. Articles loaded before this migration get
-- theirs when reprocessed (`wirehouse reprocess`).

CREATE TABLE entity_mentions (
    article_id   VARCHAR NOT NULL,
    position     INTEGER NOT NULL,         -- order in the text
    name         VARCHAR NOT NULL,         -- the canonical name, as in entities.name
    type         VARCHAR NOT NULL,         -- PERSON | ORG | LOC
    surface      VARCHAR NOT NULL,         -- the words as written: articles.text[start_offset:end_offset]
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    PRIMARY KEY (article_id, position)
);
