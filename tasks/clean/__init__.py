"""Clean: keep the article's own text, in order, and record everything dropped with a reason.

`clean_documents` dispatches each document to the HTML or the plain-text cleaner by its content type.
"""

from __future__ import annotations

import dataclasses

from tasks.clean.html import clean_html
from tasks.clean.page_kind import ARTICLE_KINDS
from tasks.clean.text import clean_text
from tasks.records import Candidate, CleanDocument, RawDocument, Reject


def clean_document(doc: RawDocument) -> CleanDocument:
    """Clean one document with the cleaner for its content type."""
    return clean_html(doc) if doc.content_type == "text/html" else clean_text(doc)


def clean_documents(docs: list[RawDocument]) -> tuple[list[CleanDocument], list[Reject]]:
    """Clean a batch; a document with no article text left becomes a `no_article_text` reject, a listing or
    error page a `not_an_article` one (tasks/clean/page_kind.py)."""
    cleaned: list[CleanDocument] = []
    rejects: list[Reject] = []
    for doc in docs:
        try:
            result = clean_document(doc)
        except Exception as error:  # a cleaner bug must cost one item, not the run
            rejects.append(Reject(doc.location, "clean", "cleaner_error", f"{type(error).__name__}: {error}"))
            continue
        failure = next((segment for segment in result.removed if segment.reason == "extraction-error"), None)
        if not result.paragraphs and failure is not None:
            rejects.append(Reject(doc.location, "clean", "cleaner_error", failure.text))
            continue
        if result.kind not in ARTICLE_KINDS:
            rejects.append(Reject(doc.location, "clean", "not_an_article", result.kind_reason))
            continue
        if not result.paragraphs:
            kind = "HTML page" if doc.content_type == "text/html" else "text"
            rejects.append(
                Reject(
                    doc.location,
                    "clean",
                    "no_article_text",
                    f"no article text found in this {kind} (a home page, a list of links, or empty)",
                )
            )
            continue
        # Feed and sitemap metadata is weaker evidence than the page's own: it goes after the page's.
        hinted = tuple(Candidate(name, value, "feed") for name, value in doc.hints)
        cleaned.append(
            dataclasses.replace(result, location=doc.location, candidates=result.candidates + hinted)
        )
    return cleaned, rejects
