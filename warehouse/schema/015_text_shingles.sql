-- The shingle hashes near-copy checks compare, kept per article: a later batch whose LSH bands hit a stored
-- article compares with these instead of reading its text back and shingling it again (which was a third of
-- the single writer's dedupe time on a corpus full of copies). `shingles` and `opening` are the 32-bit
-- hashes of the text's word shingles and of its opening's, sorted, 4 little-endian bytes each (about 4 KB for
-- a 1,000-word article); `normalised_hash` is the sha256 of the normal form exact copies share. Articles
-- loaded before this migration have no row: dedupe reads their text as before.

CREATE TABLE text_shingles (
    article_id VARCHAR PRIMARY KEY,
    normalised_hash VARCHAR NOT NULL,
    shingles BLOB NOT NULL,
    opening BLOB NOT NULL
);
