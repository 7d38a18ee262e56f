"""The spaCy entity backend: a trained (or rule-based) spaCy pipeline types the spans, entities.py names them.

spaCy is an optional dependency (`pip install 'wirehouse[spacy]'`) and is imported only inside the functions
that need it: the rule backend never pays for it. Pipelines are not on PyPI; one is installed with
`python -m spacy download en_core_web_sm` (or pip from a wheel URL), or saved to a folder with
`nlp.to_disk(path)` and named by that path.

A pipeline is loaded once per process and kept, with only its entity components (and the embedding layers
they listen to) enabled. Its labels map onto the three types the warehouse keeps: PERSON/PER -> PERSON,
ORG -> ORG, GPE/LOC -> LOC; every other label (NORP, DATE, MONEY, ...) is left out. The spans then go
through `entities.resolve_spans`, the same canonical naming as the rule recogniser's.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from tasks.extract.entities import LOC, ORG, PERSON, Mention, resolve_spans
from tasks.records import Entity

LABELS = {"PERSON": PERSON, "PER": PERSON, "ORG": ORG, "GPE": LOC, "LOC": LOC}
# Components that set doc.ents, and the shared embedding layers a trained recogniser may listen to.
_ENTITY_FACTORIES = frozenset({"ner", "beam_ner", "entity_ruler", "future_entity_ruler"})
_EMBEDDING_FACTORIES = frozenset({"tok2vec", "transformer", "curated_transformer"})
# Texts are cut into pieces of at most this many characters (at a paragraph or line break where there is
# one): a trained recogniser's memory grows with the text, and spaCy refuses texts over nlp.max_length.
_MAX_PIECE_CHARS = 100_000
# A language-neutral pipeline (spaCy's "xx") serves articles of any language.
_ANY_LANGUAGE = "xx"

INSTALL_HELP = (
    "install spaCy and a pipeline: pip install 'wirehouse[spacy]' && python -m spacy download "
    "en_core_web_sm (pipelines are not on PyPI: pip can also install one from its wheel URL, or name a "
    "pipeline saved with nlp.to_disk by its folder in --ner-model)"
)


class SpacyUnavailable(ValueError):
    """spaCy, or the pipeline asked for, cannot be used; the message says how to install it."""


@dataclass(frozen=True, slots=True)
class Pipeline:
    """An installed or saved spaCy pipeline that can type entities, as its meta.json describes it."""

    source: str  # what spacy.load is given: a package name or a folder
    lang: str
    name: str
    version: str
    is_path: bool = False

    @property
    def method(self) -> str:
        """The articles' evidence for entities typed by this pipeline."""
        label = f"spaCy {self.lang}_{self.name} {self.version}"
        return f"{label} ({self.source})" if self.is_path else label

    def serves(self, language: str | None) -> bool:
        """Whether this pipeline reads articles in `language` (unknown: yes)."""
        return language is None or self.lang in (language, _ANY_LANGUAGE)


def spacy_installed() -> bool:
    """Whether spaCy can be imported, found without importing it (which takes about a second)."""
    return importlib.util.find_spec("spacy") is not None


@cache
def installed_pipelines() -> tuple[Pipeline, ...]:
    """The pipeline packages installed in this environment that set entities, in name order.

    spaCy lists its pipeline packages through the "spacy_models" entry point; looking there first keeps
    spaCy unimported in an environment that has it but no pipeline.
    """
    if not spacy_installed() or not entry_points(group="spacy_models"):
        return ()
    import spacy.util

    found = []
    for package in sorted(spacy.util.get_installed_models()):
        try:
            meta = spacy.util.load_meta(spacy.util.get_package_path(package) / "meta.json")
        except (OSError, ValueError, ImportError):
            continue  # a broken install is passed over, as if it were not there
        if _sets_entities(meta):
            found.append(_pipeline(package, meta, is_path=False))
    return tuple(found)


def _sets_entities(meta: dict[str, Any]) -> bool:
    components = [*meta.get("pipeline", ()), *meta.get("components", ())]
    if any(name in _ENTITY_FACTORIES for name in components):
        return True
    return any(set(labels) & LABELS.keys() for labels in (meta.get("labels") or {}).values())


def _pipeline(source: str, meta: dict[str, Any], *, is_path: bool) -> Pipeline:
    return Pipeline(source, str(meta["lang"]), str(meta["name"]), str(meta["version"]), is_path)


@cache
def named_pipeline(ner_model: str) -> Pipeline:
    """The pipeline `ner_model` names (a package name or a saved pipeline's folder), or SpacyUnavailable."""
    if not spacy_installed():
        raise SpacyUnavailable(f"ner_model {ner_model!r} needs spaCy, which is not installed: {INSTALL_HELP}")
    import spacy.util

    folder = Path(ner_model).expanduser()
    try:
        if folder.is_dir():
            return _pipeline(str(folder.resolve()), spacy.util.get_model_meta(folder), is_path=True)
        if spacy.util.is_package(ner_model):
            meta = spacy.util.load_meta(spacy.util.get_package_path(ner_model) / "meta.json")
            return _pipeline(ner_model, meta, is_path=False)
    except (OSError, ValueError, ImportError) as error:
        raise SpacyUnavailable(f"ner_model {ner_model!r} is not a usable spaCy pipeline: {error}") from error
    raise SpacyUnavailable(
        f"ner_model {ner_model!r} is neither an installed spaCy pipeline package nor a folder: {INSTALL_HELP}"
    )


def pipeline_for(language: str | None, ner_model: str | None = None) -> Pipeline | None:
    """The pipeline to type an article in `language` with: the named one, else an installed one, else None.

    Among several installed pipelines for one language the first by package name is taken
    (en_core_web_lg before en_core_web_md, _sm and _trf); name one with ner_model to choose.
    """
    if ner_model:
        chosen = named_pipeline(ner_model)
        return chosen if chosen.serves(language) else None
    installed = installed_pipelines()
    if language is None:
        return None  # the rule recogniser reads an article whose language is unknown
    for wanted in (language, _ANY_LANGUAGE):
        for pipeline in installed:
            if pipeline.lang == wanted:
                return pipeline
    return None


_load_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def load(source: str) -> Any:
    """spacy.load(source), once per process, with every component that does not set entities disabled."""
    with _load_lock:  # two extraction threads asking at once load it once
        nlp = _loaded.get(source)
        if nlp is None:
            nlp = _loaded[source] = _load(source)
        return nlp


def _load(source: str) -> Any:
    import spacy

    nlp = spacy.load(source)
    keep = {name for name in nlp.pipe_names if nlp.get_pipe_meta(name).factory in _ENTITY_FACTORIES}
    if not keep:
        raise SpacyUnavailable(f"the spaCy pipeline {source!r} has no entity recogniser (ner, entity_ruler)")
    for name in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe(name), "listening_components", None) or ()
        if nlp.get_pipe_meta(name).factory in _EMBEDDING_FACTORIES and keep & set(listeners):
            keep.add(name)  # the shared tok2vec or transformer a trained recogniser reads
    for name in [name for name in nlp.pipe_names if name not in keep]:
        nlp.disable_pipe(name)
    return nlp


def check(pipeline: Pipeline) -> None:
    """Load the pipeline now, so that one that cannot load fails the run at its start, not every article."""
    try:
        load(pipeline.source)
    except SpacyUnavailable:
        raise
    except Exception as error:  # spaCy raises OSError, ValueError, KeyError, its own config errors ...
        raise SpacyUnavailable(
            f"the spaCy pipeline {pipeline.source!r} does not load ({type(error).__name__}: {error}): "
            f"{INSTALL_HELP}"
        ) from error


def typed_spans(text: str, nlp: Any) -> list[tuple[int, int, str]]:
    """(start, end, PERSON|ORG|LOC) for every entity the pipeline finds, offsets into `text`."""
    spans: list[tuple[int, int, str]] = []
    limit = max(1, min(_MAX_PIECE_CHARS, nlp.max_length))
    pieces = list(_pieces(text, limit))
    for (offset, _), doc in zip(pieces, nlp.pipe(piece for _, piece in pieces), strict=True):
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind is not None:
                spans.append((offset + ent.start_char, offset + ent.end_char, kind))
    return spans


def _pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """`text` in pieces of at most `limit` characters, cut after a blank line, a line break or a space."""
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = next(
            (at + len(mark) for mark in ("\n\n", "\n", " ") if (at := window.rfind(mark)) > limit // 2),
            limit,
        )
        yield start, window[:cut]
        start += cut
    if start < len(text):
        yield start, text[start:]


def find_entities_spacy(text: str, pipeline: Pipeline) -> tuple[list[Entity], list[Mention]]:
    """The rule recogniser's output shape, with the spans typed by `pipeline`."""
    if not text or not text.strip():
        return [], []
    return resolve_spans(text, typed_spans(text, load(pipeline.source)))
