-- Local files as they were when their bytes were last hashed: a file found again with the same size and
-- modification time is taken to be unchanged without being read (the quick check of git and rsync), so a
-- scheduled run over a folder with nothing new costs a stat per file. `doc_id` is the document those bytes
-- made; the run still checks it is in `documents` before passing the file over.

CREATE TABLE file_states (
    location VARCHAR PRIMARY KEY,
    size BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    checked_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT current_timestamp
);
