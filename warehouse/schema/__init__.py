"""Numbered schema migrations (NNN_name.sql), applied in order by `warehouse.migrate`.

A package only so that the .sql files ship with the wheel as package data.
"""
