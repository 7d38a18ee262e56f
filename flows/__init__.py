"""Prefect flows of Wirehouse and the `wirehouse` command line."""
