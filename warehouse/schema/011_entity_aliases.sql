-- One entity written several ways across articles (warehouse/entity_aliases.py): each alias points at the
-- spelling more articles use. Join on (name, type) = (alias, type) to count an entity under one name.

CREATE TABLE entity_aliases (
    alias      VARCHAR NOT NULL,
    type       VARCHAR NOT NULL,
    canonical  VARCHAR NOT NULL,
    similarity DOUBLE NOT NULL,      -- Jaro-Winkler similarity of the two spellings
    PRIMARY KEY (alias, type)
);
