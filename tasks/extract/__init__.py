"""Extract: metadata, entities, quotes, dates and amounts from a cleaned document, as one `Article`.

`extract_articles` runs every extractor over a batch; each extractor lives in its own module.
"""

from __future__ import annotations

import hashlib
import re

from tasks.dedupe.exact import text_hash
from tasks.extract.amounts import find_amounts
from tasks.extract.dates import find_dates
from tasks.extract.language import detect_language
from tasks.extract.metadata import resolve_metadata
from tasks.extract.ner import recognise_entities
from tasks.extract.quotes import find_quotes
from tasks.extract.tone import TONE_METHOD, article_tone
from tasks.records import Article, CleanDocument, EntityMention, Reject
from tasks.settings import Settings

_WORD = re.compile(r"\w+")


def article_id_for(key: str, text_sha256: str) -> str:
    """One id per article version: the same text under the same key is the same article."""
    return hashlib.sha256(f"{key}\x00{text_sha256}".encode()).hexdigest()[:32]


def extract_article(doc: CleanDocument, settings: Settings) -> Article:
    """Run every extractor over one cleaned document."""
    text = doc.text
    meta = resolve_metadata(doc, default_timezone=settings.default_timezone)
    # Offsets stay valid on a prefix, so the extractors simply read less of an over-long text.
    readable = text[: settings.max_extract_chars]
    language = meta.language or detect_language(readable)
    entities, mentions, entities_method = recognise_entities(readable, language, settings)
    dates = find_dates(readable, meta.published_at)
    text_sha256 = text_hash(text)
    key = meta.canonical_url or doc.url or doc.location or doc.doc_id
    evidence = dict(meta.evidence)
    if not meta.language and language:
        evidence["language"] = "detected (py3langid)"
    evidence["entities"] = entities_method
    tone = article_tone(readable, language)
    if tone is not None:
        evidence["tone"] = TONE_METHOD
    if doc.kind_reason:
        evidence["kind"] = doc.kind_reason
    if doc.text_evidence:
        evidence["text"] = doc.text_evidence
    if len(readable) < len(text):
        evidence["extraction"] = (
            f"entities, quotes, dates and amounts read from the first {len(readable):,} "
            f"of {len(text):,} characters"
        )
    return Article(
        article_id=article_id_for(key, text_sha256),
        doc_id=doc.doc_id,
        source=doc.source,
        url=doc.url,
        canonical_url=meta.canonical_url,
        site=meta.site,
        title=meta.title,
        subtitle=meta.subtitle,
        authors=meta.authors,
        published_at=meta.published_at,
        updated_at=meta.updated_at,
        language=language,
        image_url=meta.image_url,
        image_caption=meta.image_caption,
        image_credit=meta.image_credit,
        section=meta.section,
        tags=meta.tags,
        text=text,
        word_count=len(_WORD.findall(text)),
        text_sha256=text_sha256,
        entities=tuple(entities),
        mentions=tuple(
            EntityMention(mention.name, mention.type, mention.surface, mention.start, mention.end)
            for mention in mentions
        ),
        quotes=tuple(find_quotes(readable, mentions)),
        dates=tuple(dates),
        amounts=tuple(find_amounts(readable, [(mention.start, mention.end) for mention in dates])),
        links=doc.links,
        evidence=evidence,
        kind=doc.kind,
        tone=tone,
    )


def extract_articles(docs: list[CleanDocument], settings: Settings) -> tuple[list[Article], list[Reject]]:
    """Extract a batch; an extractor failure costs that one document, recorded as a reject."""
    articles: list[Article] = []
    rejects: list[Reject] = []
    for doc in docs:
        try:
            articles.append(extract_article(doc, settings))
        except Exception as error:  # an extractor bug must cost one item, not the run
            rejects.append(
                Reject(
                    doc.location or doc.source,
                    "extract",
                    "extractor_error",
                    f"{type(error).__name__}: {error}",
                )
            )
    return articles, rejects
