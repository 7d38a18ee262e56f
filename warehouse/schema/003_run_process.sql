-- Which machine and process ran each run, so a run left 'running' by a killed process can be marked crashed.
ALTER TABLE runs ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN checked JSON;  -- the integrity check run at the end of the run
