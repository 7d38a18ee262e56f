-- Initial tables: fetched documents, article versions with their derived rows, dedupe, rejects and runs.
-- Times are TIMESTAMPTZ stored as UTC instants; child rows of an article are replaced together on reload.

CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    flow_run_id VARCHAR,
    deployment  VARCHAR,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,           -- running | completed | failed | cancelled
    parameters  JSON,
    counts      JSON
);

-- One row per fetched or read item; raw bytes are kept so clean/extract can re-run without re-fetching.
CREATE TABLE documents (
    doc_id       VARCHAR PRIMARY KEY,
    source       VARCHAR NOT NULL,
    location     VARCHAR NOT NULL,
    url          VARCHAR,
    fetched_at   TIMESTAMPTZ NOT NULL,
    content_type VARCHAR,
    charset      VARCHAR,
    raw          BLOB,
    raw_sha256   VARCHAR,
    loaded_at    TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR
);

-- Text the cleaner dropped, with its reason code; position is the segment's order in the input.
CREATE TABLE removed_segments (
    doc_id   VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    text     VARCHAR NOT NULL,
    reason   VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, position)
);

-- One row per article version. record_sha256 hashes the whole extracted record (children included):
-- a reload with the same hash is skipped, a different hash replaces the row and its children together.
CREATE TABLE articles (
    article_id    VARCHAR PRIMARY KEY,
    doc_id        VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    url           VARCHAR,
    canonical_url VARCHAR,
    site          VARCHAR,
    title         VARCHAR,
    subtitle      VARCHAR,
    authors       VARCHAR[] NOT NULL,
    published_at  TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ,
    language      VARCHAR,
    image_url     VARCHAR,
    image_caption VARCHAR,
    text          VARCHAR NOT NULL,
    word_count    INTEGER NOT NULL,
    text_sha256   VARCHAR NOT NULL,
    evidence      JSON,
    record_sha256 VARCHAR NOT NULL,
    loaded_at     TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR
);

CREATE TABLE entities (
    article_id   VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    type         VARCHAR NOT NULL,          -- PERSON | ORG | LOC
    mentions     INTEGER NOT NULL,
    first_offset INTEGER NOT NULL,
    country_code VARCHAR,
    aliases      VARCHAR[],
    PRIMARY KEY (article_id, name, type)
);

-- Offsets index into articles.text; position keeps the extractor's order.
CREATE TABLE quotes (
    article_id   VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    speaker      VARCHAR,
    cue          VARCHAR,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL
);

CREATE TABLE links (
    article_id VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    url        VARCHAR,
    anchor     VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL            -- related | inline | source
);

CREATE TABLE dates_mentioned (
    article_id   VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    start_date   DATE,
    end_date     DATE,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL
);

CREATE TABLE amounts (
    article_id   VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    unit         VARCHAR,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL
);

-- MinHash LSH bands: bands 0..N-1 cover the whole text, negative bands its opening words (truncated copies).
-- Candidate search is a join on (band, hash) inside DuckDB.
CREATE TABLE fingerprints (
    article_id VARCHAR NOT NULL,
    band       INTEGER NOT NULL,
    hash       BIGINT NOT NULL
);

CREATE TABLE duplicates (
    article_id   VARCHAR PRIMARY KEY,
    canonical_id VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,         -- exact | near
    similarity   DOUBLE NOT NULL,
    found_at     TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR
);

-- One row per (source, stage, reason): a re-run that fails the same way updates run_id, message and "at".
CREATE TABLE rejects (
    run_id  VARCHAR,
    source  VARCHAR NOT NULL,
    stage   VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    "at"    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, stage, reason)
);
