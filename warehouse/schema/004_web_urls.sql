-- What the web told us about each fetched document, and the warehouse's memory of the web: one row per
-- canonical URL met (pages, feeds, sitemaps), so runs fetch only what is new and re-check with conditional GETs.

ALTER TABLE documents ADD COLUMN http_status INTEGER;
ALTER TABLE documents ADD COLUMN final_url VARCHAR;        -- after redirects
ALTER TABLE documents ADD COLUMN etag VARCHAR;
ALTER TABLE documents ADD COLUMN last_modified VARCHAR;    -- as the server wrote it (an HTTP date)

CREATE TABLE web_urls (
    url             VARCHAR PRIMARY KEY,      -- canonical: lower-case host, no fragment or tracking params
    kind            VARCHAR NOT NULL,         -- page | feed | sitemap
    source          VARCHAR NOT NULL,         -- the source as the user named it
    via             VARCHAR,                  -- the feed or sitemap that listed it
    hints           JSON,                     -- what that feed or sitemap said (title, published, author)
    listed_at       TIMESTAMPTZ,              -- the date the feed or sitemap gave it (what --since reads)
    first_seen_at   TIMESTAMPTZ NOT NULL,
    last_checked_at TIMESTAMPTZ,              -- the last request for it (none yet while only listed)
    outcome         VARCHAR NOT NULL,         -- listed | fetched | unchanged | rejected
    reason          VARCHAR,                  -- the reject reason of the last failure
    http_status     INTEGER,
    final_url       VARCHAR,
    etag            VARCHAR,                  -- validators of the stored copy, for conditional GETs
    last_modified   VARCHAR,
    doc_id          VARCHAR,                  -- the newest document fetched from it
    attempts        INTEGER NOT NULL DEFAULT 0,  -- failed fetches since the last success
    fetches         INTEGER NOT NULL DEFAULT 0,  -- successful fetches (200 or 304)
    run_id          VARCHAR
);

-- Pages fetched before this table existed are remembered as fetched, so the next run does not fetch them again.
INSERT INTO web_urls (url, kind, source, first_seen_at, last_checked_at, outcome, doc_id, fetches, run_id)
SELECT location, 'page', arg_max(source, fetched_at), min(fetched_at), max(fetched_at), 'fetched',
       arg_max(doc_id, fetched_at), count(*), arg_max(run_id, fetched_at)
FROM documents
WHERE location LIKE 'http://%' OR location LIKE 'https://%'
GROUP BY location;
