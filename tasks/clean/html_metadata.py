"""Metadata candidates from a page's machine-readable markup: JSON-LD, OpenGraph, <meta>, <link>, <title>.

Values stay raw (dates unparsed, names as written); tasks/extract chooses among them. DOM evidence (h1,
<time>, bylines, captions) is gathered by the walk in tasks/clean/html.py.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from tasks.records import Candidate

# Types whose JSON-LD node describes the article itself (schema.org Article and its news/blog subtypes).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "report",
    }
)

# OpenGraph / Facebook article properties -> candidate field.
_OPENGRAPH_FIELDS = {
    "og:title": "title",
    "og:description": "subtitle",
    "og:site_name": "site_name",
    "og:image": "image_url",
    "og:image:url": "image_url",
    "og:image:secure_url": "image_url",
    "og:url": "canonical_url",
    "og:locale": "language",
    "article:published_time": "published",
    "article:modified_time": "updated",
    "og:updated_time": "updated",
    "article:author": "author",
    "article:section": "section",
    "article:tag": "tag",
}

# <meta name=...> (and itemprop/http-equiv) -> candidate field; names are compared lowercased.
_META_FIELDS = {
    "author": "author",
    "byl": "author",
    "dc.creator": "author",
    "dcterms.creator": "author",
    "parsely-author": "author",
    "sailthru.author": "author",
    "citation_author": "author",
    "description": "subtitle",
    "dc.description": "subtitle",
    "dcterms.description": "subtitle",
    "twitter:description": "subtitle",
    "date": "published",
    "pubdate": "published",
    "publishdate": "published",
    "publish-date": "published",
    "publish_date": "published",
    "publication_date": "published",
    "published_time": "published",
    "article.published": "published",
    "article:published_time": "published",
    "datepublished": "published",
    "dc.date": "published",
    "dc.date.issued": "published",
    "dc.date.created": "published",
    "dcterms.date": "published",
    "dcterms.issued": "published",
    "dcterms.created": "published",
    "sailthru.date": "published",
    "parsely-pub-date": "published",
    "original-publish-date": "published",
    "citation_publication_date": "published",
    "citation_date": "published",
    "date.available": "published",
    "last-modified": "updated",
    "lastmod": "updated",
    "article.updated": "updated",
    "article:modified_time": "updated",
    "datemodified": "updated",
    "dc.date.modified": "updated",
    "dcterms.modified": "updated",
    "title": "title",
    "headline": "title",
    "dc.title": "title",
    "dcterms.title": "title",
    "parsely-title": "title",
    "sailthru.title": "title",
    "twitter:title": "title",
    "citation_title": "title",
    "parsely-section": "section",
    "section": "section",
    "article.section": "section",
    "article:section": "section",
    "keywords": "tag",
    "news_keywords": "tag",
    "parsely-tags": "tag",
    "sailthru.tags": "tag",
    "parsely-image-url": "image_url",
    "twitter:image": "image_url",
    "twitter:image:src": "image_url",
    "sailthru.image.full": "image_url",
    "thumbnail": "image_url",
    "image": "image_url",
    "dc.language": "language",
    "dcterms.language": "language",
    "content-language": "language",
    "language": "language",
    "inlanguage": "language",
    "dc.publisher": "site_name",
    "dcterms.publisher": "site_name",
    "application-name": "site_name",
    "parsely-link": "canonical_url",
}

_FIELD_ORDER = (
    "title",
    "subtitle",
    "author",
    "published",
    "updated",
    "site_name",
    "section",
    "tag",
    "language",
    "canonical_url",
    "image_url",
    "image_caption",
    "image_credit",
)
FIELD_RANK = {name: index for index, name in enumerate(_FIELD_ORDER)}

# Trust of each kind of evidence: structured data first, then social/meta tags, then what the DOM shows.
EVIDENCE_RANK = {"json-ld": 0, "og": 1, "meta": 2, "link-canonical": 1, "html-lang": 3, "title-tag": 3}
DOM_RANK = 4

_MAX_VALUE_CHARS = 1000
_CDATA = re.compile(r"^(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>$")


@dataclass(slots=True)
class HeadMarkup:
    """What a page's machine-readable markup says: ranked candidates and what tells the page's kind."""

    ranked: list[tuple[int, Candidate]] = field(default_factory=list)
    article_body: str | None = None  # the longest JSON-LD articleBody
    base_href: str | None = None
    types: set[str] = field(default_factory=set)  # every JSON-LD @type on the page, lowercased
    has_article_node: bool = False
    is_free: bool | None = None  # isAccessibleForFree of the article node or of one of its parts
    og_type: str = ""
    title: str = ""  # the <title> text

    @property
    def has_article_markup(self) -> bool:
        """Markup that declares an article: JSON-LD Article, og:type article or article:published_time."""
        return (
            self.has_article_node
            or self.og_type == "article"
            or any(
                candidate.evidence == "og" and candidate.field == "published" for _, candidate in self.ranked
            )
        )


def head_candidates(tree: LexborHTMLParser) -> HeadMarkup:
    """Ranked candidates from JSON-LD, meta and link tags, plus the JSON-LD articleBody and the <base> href.

    Reads the children of <head> in one pass; only when <head> has no article JSON-LD does it search the
    body for one (a CSS query over the whole tree costs as much as the rest of this function).
    """
    markup = HeadMarkup()
    found = markup.ranked
    json_ld: list[str] = []
    base_href: str | None = None
    title_text = ""
    head = tree.head
    for node in head.iter() if head is not None else ():
        tag = node.tag
        if tag == "meta":
            attributes = node.attributes
            _meta_candidates(attributes, found)
            if (attributes.get("property") or attributes.get("name") or "").strip().lower() == "og:type":
                markup.og_type = (attributes.get("content") or "").strip().lower()
        elif tag == "script":
            if (node.attributes.get("type") or "").strip().lower() == "application/ld+json":
                json_ld.append(node.text(deep=True))
        elif tag == "link":
            attributes = node.attributes
            href = (attributes.get("href") or "").strip()
            if href and "canonical" in (attributes.get("rel") or "").lower().split():
                found.append(
                    (EVIDENCE_RANK["link-canonical"], Candidate("canonical_url", href, "link-canonical"))
                )
        elif tag == "base":
            base_href = base_href or (node.attributes.get("href") or "").strip() or None
        elif tag == "title" and not title_text:
            title_text = " ".join(node.text(deep=True).split())

    article_body = _json_ld_scan(json_ld, markup)
    if article_body is None and not any(candidate.evidence == "json-ld" for _, candidate in found):
        scripts = [script.text(deep=True) for script in tree.css('body script[type="application/ld+json"]')]
        article_body = _json_ld_scan(scripts, markup)

    html = tree.root
    if html is not None and html.tag == "html":
        language = (html.attributes.get("lang") or html.attributes.get("xml:lang") or "").strip()
        if language:
            found.append((EVIDENCE_RANK["html-lang"], Candidate("language", language, "html-lang")))
    if not title_text:
        title = tree.css_first("title")
        title_text = " ".join(title.text(deep=True).split()) if title is not None else ""
    if title_text:
        found.append((EVIDENCE_RANK["title-tag"], Candidate("title", _clip(title_text), "title-tag")))
    markup.article_body = article_body
    markup.base_href = base_href
    markup.title = title_text
    return markup


def body_meta_candidates(attributes: dict, found: list[tuple[int, Candidate]]) -> None:
    """Microdata <meta itemprop=... content=...> met in the body by the page walk."""
    _meta_candidates(attributes, found)


def _json_ld_scan(scripts: list[str], markup: HeadMarkup) -> str | None:
    article_body: str | None = None
    found = markup.ranked
    for text in scripts:
        for node in _json_ld_article_nodes(text, markup.types):
            markup.has_article_node = True
            is_free = _is_free(node)
            if is_free is False or markup.is_free is None:
                markup.is_free = is_free
            for candidate in _json_ld_candidates(node):
                found.append((EVIDENCE_RANK["json-ld"], candidate))
            body = node.get("articleBody")
            if isinstance(body, str) and len(body) > len(article_body or ""):
                article_body = body
    return article_body


def _meta_candidates(attributes: dict, found: list[tuple[int, Candidate]]) -> None:
    content = attributes.get("content")
    if not content or not content.strip():
        return
    key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
    key = key or attributes.get("http-equiv")
    if not key:
        return
    key = key.strip().lower()
    if key in _OPENGRAPH_FIELDS:
        field_name = _OPENGRAPH_FIELDS[key]
        evidence, rank = "og", EVIDENCE_RANK["og"]
    elif key in _META_FIELDS:
        field_name = _META_FIELDS[key]
        evidence, rank = f"meta:{key}", EVIDENCE_RANK["meta"]
    elif key == "parsely-page":
        found.extend((EVIDENCE_RANK["meta"], candidate) for candidate in _parsely_page_candidates(content))
        return
    else:
        return
    for value in _split_tags(content) if field_name == "tag" else (content,):
        found.append((rank, Candidate(field_name, _clip(value), evidence)))


def order_candidates(ranked: list[tuple[int, Candidate]]) -> tuple[Candidate, ...]:
    """Group by field, most trusted first, dropping exact repeats of (field, value, evidence)."""
    seen: set[tuple[str, str, str]] = set()
    indexed = [
        (FIELD_RANK.get(candidate.field, len(FIELD_RANK)), rank, position, candidate)
        for position, (rank, candidate) in enumerate(ranked)
    ]
    indexed.sort(key=lambda item: item[:3])
    ordered: list[Candidate] = []
    for *_, candidate in indexed:
        key = (candidate.field, candidate.value, candidate.evidence)
        if candidate.value and key not in seen:
            seen.add(key)
            ordered.append(candidate)
    return tuple(ordered)


def _is_free(node: dict[str, Any]) -> bool | None:
    """isAccessibleForFree of an article node: False when it or one of its hasPart sections says so."""
    said = [node.get("isAccessibleForFree")]
    said.extend(
        part.get("isAccessibleForFree") for part in _as_list(node.get("hasPart")) if isinstance(part, dict)
    )
    values = [str(value).strip().lower() for value in said if value is not None]
    if any(value in ("false", "0", "no") for value in values):
        return False
    return True if any(value in ("true", "1", "yes") for value in values) else None


def _json_ld_article_nodes(text: str, types: set[str]) -> Iterator[dict[str, Any]]:
    """Article nodes of one JSON-LD script, with @id references (author, publisher) resolved.

    Every node's @type goes into `types` on the way (a CollectionPage says the page is a list of links)."""
    data = _load_json(text)
    if data is None:
        return
    nodes: list[dict[str, Any]] = []
    pending: list[Any] = [data]
    # Flatten lists and @graph containers (iteratively: pages nest these freely).
    while pending and len(nodes) < 200:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        elif isinstance(item, dict):
            nodes.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list | dict):
                pending.append(graph)
            main_entity = item.get("mainEntity") or item.get("mainEntityOfPage")
            if isinstance(main_entity, dict) and main_entity.get("@type"):
                pending.append(main_entity)
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    for node in nodes:
        declared = node.get("@type")
        type_names = [name.lower() for name in _as_list(declared) if isinstance(name, str)]
        types.update(type_names)
        if any(name in ARTICLE_TYPES for name in type_names):
            yield {key: _resolve(value, by_id) for key, value in node.items()}


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """Replace a bare {"@id": ...} reference (or a list of them) with the node it names."""
    if isinstance(value, dict) and set(value) == {"@id"} and value["@id"] in by_id:
        return by_id[value["@id"]]
    if isinstance(value, list):
        return [_resolve(item, by_id) for item in value]
    return value


def _load_json(text: str) -> Any:
    text = text.strip()
    if "CDATA" in text:
        text = _CDATA.sub("", text)
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    # Hand-edited templates leave trailing commas and raw newlines inside strings; one repair attempt.
    repaired = re.sub(r",\s*([}\]])", r"\1", text.replace("\n", " ").replace("\r", " "))
    try:
        return json.loads(repaired, strict=False)
    except ValueError:
        return None


def _json_ld_candidates(node: dict[str, Any]) -> Iterator[Candidate]:
    for key, field_name in (
        ("headline", "title"),
        ("name", "title"),
        ("alternativeHeadline", "subtitle"),
        ("description", "subtitle"),
        ("datePublished", "published"),
        ("dateCreated", "published"),
        ("dateModified", "updated"),
        ("articleSection", "section"),
        ("url", "canonical_url"),
    ):
        for value in _strings(node.get(key)):
            yield Candidate(field_name, _clip(value), "json-ld")
    for author in _as_list(node.get("author")) + _as_list(node.get("creator")):
        for name in _names(author):
            yield Candidate("author", _clip(name), "json-ld")
    for image in _as_list(node.get("image")) + _as_list(node.get("thumbnailUrl")):
        url = image.get("url") or image.get("contentUrl") if isinstance(image, dict) else image
        for value in _strings(url):
            yield Candidate("image_url", _clip(value), "json-ld")
        if isinstance(image, dict):
            yield from _image_object_candidates(image)
    for publisher in _as_list(node.get("publisher")):
        for name in _names(publisher):
            yield Candidate("site_name", _clip(name), "json-ld")
    for language in _as_list(node.get("inLanguage")):
        value = (
            language.get("alternateName") or language.get("name") if isinstance(language, dict) else language
        )
        for text in _strings(value):
            yield Candidate("language", _clip(text), "json-ld")
    for keywords in _as_list(node.get("keywords")):
        for text in _strings(keywords):
            for tag in _split_tags(text):
                yield Candidate("tag", _clip(tag), "json-ld")


def _image_object_candidates(image: dict[str, Any]) -> Iterator[Candidate]:
    """An ImageObject's caption and credit (creditText, else its copyright holder or author)."""
    for text in _strings(image.get("caption") or image.get("description")):
        yield Candidate("image_caption", _clip(text), "json-ld")
    credits = list(_strings(image.get("creditText")))
    if not credits:
        for key in ("copyrightHolder", "author", "creator"):
            credits = [name for holder in _as_list(image.get(key)) for name in _names(holder)]
            if credits:
                break
    for credit in credits[:1]:
        yield Candidate("image_credit", _clip(credit), "json-ld")


def _parsely_page_candidates(content: str) -> Iterator[Candidate]:
    """Older Parse.ly pages put one JSON object in <meta name="parsely-page">."""
    data = _load_json(content)
    if not isinstance(data, dict):
        return
    for key, field_name in (
        ("title", "title"),
        ("pub_date", "published"),
        ("author", "author"),
        ("section", "section"),
        ("image_url", "image_url"),
        ("link", "canonical_url"),
    ):
        for value in _strings(data.get(key)):
            yield Candidate(field_name, _clip(value), "meta:parsely-page")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> Iterator[str]:
    for item in _as_list(value):
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            text = " ".join(str(item).split())
            if text:
                yield text


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        yield from _strings(value.get("name"))
    else:
        yield from _strings(value)


def _split_tags(text: str) -> list[str]:
    return [tag for tag in (" ".join(part.split()) for part in re.split(r"[,;]", text)) if tag]


def _clip(text: str) -> str:
    # Publishers often escape twice (JSON-LD or meta content holding "&#038;" or "&amp;"): undo the leftover.
    if "&" in text and ";" in text:
        text = html.unescape(text)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_VALUE_CHARS else text[:_MAX_VALUE_CHARS]
