-- Site templates learnt across pages: per host, how many pages were seen and how many of them carried each
-- paragraph (by hash). Paragraphs on at least half of a host's pages are its furniture (tasks/clean/templates.py).

CREATE TABLE host_pages (
    host  VARCHAR PRIMARY KEY,
    pages INTEGER NOT NULL      -- distinct pages (locations) seen; a page's later versions do not count again
);

CREATE TABLE host_blocks (
    host       VARCHAR NOT NULL,
    block_hash BIGINT NOT NULL,
    pages      INTEGER NOT NULL,  -- pages of the host that carried it
    sample     VARCHAR NOT NULL,  -- the paragraph as last seen, for reading the table
    last_seen  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (host, block_hash)
);
