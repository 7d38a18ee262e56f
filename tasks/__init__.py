"""The pipeline's steps as plain functions over records, plus their thin Prefect task shells."""
