-- Whether a quote is the speaker's own statement or words quoted inside the writer's sentence ("called it
-- “a tax raid dressed up as reform”"): statement | partial (tasks/extract/quotes.py).

ALTER TABLE quotes ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'statement';
