"""Ingest: turn the sources a user names into raw documents, keeping the bytes as read."""
