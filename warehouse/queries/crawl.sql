-- Web hosts: pages stored, not fetched, failing or given up, feeds and sitemaps read, last visit (params: host).
SELECT
    regexp_extract(w.url, '^https?://([^/]+)', 1) AS host,
    count(*) FILTER (WHERE w.kind = 'page' AND w.doc_id IS NOT NULL) AS pages_stored,
    count(*) FILTER (WHERE w.kind = 'page' AND w.outcome = 'listed') AS pages_not_fetched,  -- listed by a feed or sitemap only (filtered, over a limit, not yet)
    -- 3 failed runs in a row and a page is left alone until --refresh (MAX_ATTEMPTS in web_discovery.py)
    count(*) FILTER (WHERE w.kind = 'page' AND w.outcome = 'rejected' AND w.attempts < 3) AS pages_failing,
    count(*) FILTER (WHERE w.kind = 'page' AND w.outcome = 'rejected' AND w.attempts >= 3) AS pages_given_up,
    count(*) FILTER (WHERE w.kind IN ('feed', 'sitemap')) AS listings,
    max(w.last_checked_at) AS last_checked_at,
    arg_max(w.reason, w.last_checked_at) FILTER (WHERE w.outcome = 'rejected') AS latest_failure
FROM web_urls AS w
WHERE ($host IS NULL OR w.url LIKE '%://' || $host || '%')
GROUP BY host
ORDER BY pages_stored DESC, host;
