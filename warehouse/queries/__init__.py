"""Named analysis queries (name.sql, first line a `-- description`), run by `warehouse.run_query`.

A package only so that the .sql files ship with the wheel as package data.
"""
