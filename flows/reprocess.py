"""The `news-reprocess` flow: clean, extract and dedupe again the documents already in the warehouse.

After an extractor improves: no re-fetching; each batch's derived rows are replaced in one transaction.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from pydantic import Field

import warehouse
from flows.news import (
    DEFAULT_WAREHOUSE,
    RunTally,
    WriterSlot,
    clean_batch,
    ensure_writer_limit,
    entity_backend,
    extract_batch,
)
from tasks.clean.templates import apply_templates
from tasks.dedupe import dedupe_articles
from tasks.extract.ner import NerBackend
from tasks.ingest.files import document_from_bytes
from tasks.records import Article, CleanDocument, RawDocument, Reject, SourceItem
from tasks.settings import Settings
from warehouse.templates import StoredTemplates


def rebuild_documents(
    rows: list[dict[str, Any]], settings: Settings
) -> tuple[list[RawDocument], list[Reject]]:
    """Stored rows back into documents, decoded exactly as when they were first read."""
    documents: list[RawDocument] = []
    rejects: list[Reject] = []
    for row in rows:
        item = SourceItem(source=str(row["source"]), location=str(row["location"]))
        fetched_at = row["fetched_at"] if isinstance(row["fetched_at"], datetime) else datetime.now(UTC)
        result = document_from_bytes(
            item, bytes(row["raw"]), max_bytes=settings.max_document_bytes, fetched_at=fetched_at
        )
        if isinstance(result, Reject):
            rejects.append(result)
        else:
            # Keep the stored identity: the id the document was loaded under, and its URL.
            documents.append(dataclasses.replace(result, doc_id=str(row["doc_id"]), url=row["url"]))
    return documents, rejects


@task(name="replace", task_run_name="replace [batch {number}/{total}]", cache_policy=NO_CACHE)
def replace_batch(
    run_id: str,
    warehouse_path: str,
    lock_wait_seconds: float,
    doc_ids: list[str],
    cleaned: list[CleanDocument],
    articles: list[Article],
    rejects: list[Reject],
    settings: Settings,
    number: int,
    total: int,
) -> dict[str, int]:
    """Delete the batch's derived rows and write the new ones in one transaction."""
    with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con, warehouse.transaction(con):
        replaced = warehouse.delete_derived(con, doc_ids)
        dedupe = dedupe_articles(articles, settings, warehouse.WarehouseIndex(con))
        written = warehouse.write_batch(
            con,
            run_id,
            cleaned=cleaned,
            articles=articles,
            duplicates=dedupe.duplicates,
            fingerprints=dedupe.fingerprints,
            shingles=dedupe.shingles,
            stories=dedupe.stories,
            rejects=rejects,
        )
    written["replaced_articles"] = replaced
    written["duplicates_found"] = len(dedupe.duplicates)
    return written


@flow(name="news-reprocess", description="Clean, extract and dedupe again the documents already stored.")
def reprocess_pipeline(
    warehouse_path: Annotated[
        str, Field(description="The DuckDB warehouse to re-process.")
    ] = DEFAULT_WAREHOUSE,
    since: Annotated[str | None, Field(description="Only documents fetched from this time on.")] = None,
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 50,
    near_duplicate_threshold: Annotated[float, Field(gt=0, le=1)] = 0.8,
    lock_wait_seconds: Annotated[float, Field(ge=0, le=3600)] = 30.0,
    ner: Annotated[
        NerBackend, Field(description="What finds entities: spacy, rules, or auto (spaCy when installed).")
    ] = "auto",
    ner_model: Annotated[
        str | None, Field(description="The spaCy pipeline: a package name or a saved pipeline's folder.")
    ] = None,
) -> dict[str, Any]:
    """Re-run clean/extract/dedupe over stored documents, replacing their derived rows batch by batch.

    Args:
        warehouse_path: The DuckDB warehouse to re-process.
        since: Only documents fetched from this time on (a timestamp such as 2024-10-01).
        batch_size: Documents per batch (one replace transaction each).
        near_duplicate_threshold: Similarity (0-1] from which two articles count as copies.
        lock_wait_seconds: How long a write waits for another process holding the file.
        ner: What finds people, organisations and places: spacy, rules, or auto (a spaCy pipeline where one
            is installed for the article's language, else the rules), as for news-pipeline.
        ner_model: The spaCy pipeline: an installed package or a saved pipeline's folder; empty: the
            installed pipeline for each article's language.
    """
    logger = get_run_logger()
    logger.info(entity_backend(ner, ner_model))
    settings = Settings(
        batch_size=batch_size,
        near_duplicate_threshold=near_duplicate_threshold,
        ner=ner,
        ner_model=ner_model or None,
    )
    run_id = flow_run.get_id() or str(uuid.uuid4())
    parameters = {
        "mode": "reprocess",
        "warehouse_path": warehouse_path,
        "since": since,
        "batch_size": batch_size,
        "near_duplicate_threshold": near_duplicate_threshold,
        "ner": ner,
        "ner_model": ner_model,
    }
    ensure_writer_limit()
    with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
        # Fingerprints made again must match the ones kept: the warehouse's own parameters are used.
        settings = warehouse.stored_fingerprint_settings(con, settings)
        doc_ids = warehouse.document_ids(con, since)
        warehouse.start_run(
            con, run_id, flow_run_id=flow_run.get_id(), deployment=None, parameters=parameters
        )
    batches = [doc_ids[i : i + batch_size] for i in range(0, len(doc_ids), batch_size)]
    templates = StoredTemplates(warehouse_path, wait_seconds=lock_wait_seconds)
    logger.info("re-processing %d documents in %d batches", len(doc_ids), len(batches))
    tally = RunTally()
    slot = WriterSlot()
    status = "failed"
    try:
        for number, ids in enumerate(batches, start=1):
            with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
                rows = warehouse.stored_documents(con, ids)
            documents, decode_rejects = rebuild_documents(rows, settings)
            host_templates = templates.for_documents(documents)
            cleaned, clean_rejects = clean_batch(documents, number, len(batches))
            cleaned = apply_templates(cleaned, host_templates)
            articles, extract_rejects, _ = extract_batch(cleaned, settings, number, len(batches))
            rejects = decode_rejects + clean_rejects + extract_rejects
            slot.hold()
            written = replace_batch(
                run_id,
                warehouse_path,
                lock_wait_seconds,
                ids,
                cleaned,
                articles,
                rejects,
                settings,
                number,
                len(batches),
            )
            tally.steps.update(
                documents=len(rows),
                cleaned=len(cleaned),
                extracted=len(articles),
                duplicates=written.pop("duplicates_found"),
                replaced=written.pop("replaced_articles"),
            )
            tally.add_rejects(rejects)
            tally.loaded.update(written)
        status = "completed"
    finally:
        try:
            with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
                warehouse.finish_run(con, run_id, status, tally.as_dict())
        finally:
            slot.release()
    summary = tally.as_dict()
    summary.update(run_id=run_id, status=status, warehouse=warehouse_path)
    return summary
