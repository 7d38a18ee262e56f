-- How documents.raw is stored: NULL for the bytes as read (rows loaded before this migration), 'gzip' for
-- their gzip compression (every row loaded since). Compressed pages are a fifth of the size, and DuckDB's
-- checkpoint after each batch, which rewrites the partly filled row groups of this table, got 4x cheaper.
-- warehouse.raw_bytes(raw, raw_encoding) gives the bytes as read; in SQL, octet_length(raw) is the stored size.

ALTER TABLE documents ADD COLUMN raw_encoding VARCHAR;
