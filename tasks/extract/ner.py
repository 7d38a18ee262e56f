"""Which recogniser types an article's entities: the built-in rules, or a spaCy pipeline (`Settings.ner`).

- rules: the built-in recogniser (tasks/extract/entities.py); spaCy is never imported.
- spacy: a spaCy pipeline: `Settings.ner_model` (a package name or a saved pipeline's folder), else the
  installed pipeline for the article's language. With none usable the run is refused at its start
  (`check_backend`); an article in a language no pipeline reads is left to the rules, and says so.
- auto (the default): spacy where spaCy and a pipeline for the article's language are installed, else rules.

Both land the same rows: spaCy's spans are named by the rule recogniser's resolver (`resolve_spans`). Which
one typed an article's entities is kept in its evidence under "entities".
"""

from __future__ import annotations

from typing import Literal

from tasks.extract import ner_spacy
from tasks.extract.entities import Mention, find_entities
from tasks.records import Entity
from tasks.settings import Settings

NerBackend = Literal["auto", "rules", "spacy"]
NER_BACKENDS: tuple[str, ...] = ("auto", "rules", "spacy")
RULES_METHOD = "built-in rules"


class NerUnavailable(ValueError):
    """The entity backend asked for cannot be used here; the message says how to install what it needs."""


def check_backend(ner: str, ner_model: str | None) -> str:
    """Validate the run's entity backend before any article is read; a line saying what will type entities.

    Raises NerUnavailable for an unknown backend, for `spacy` without spaCy or a pipeline, and for a named
    `ner_model` that does not load. A named pipeline is loaded here (once per process), so that one that
    cannot load fails the run, not each article.
    """
    if ner not in NER_BACKENDS:
        raise NerUnavailable(f"ner must be one of {', '.join(NER_BACKENDS)}, not {ner!r}")
    if ner == "rules":
        if ner_model:
            raise NerUnavailable("ner_model names a spaCy pipeline: use it with ner=spacy or ner=auto")
        return f"entities: {RULES_METHOD}"
    try:
        if ner_model:
            pipeline = ner_spacy.named_pipeline(ner_model)
            ner_spacy.check(pipeline)
            return f"entities: {pipeline.method} (articles in {pipeline.lang}), {RULES_METHOD} otherwise"
    except ner_spacy.SpacyUnavailable as error:
        raise NerUnavailable(str(error)) from error
    if not ner_spacy.spacy_installed():
        if ner == "spacy":
            raise NerUnavailable(f"ner=spacy but spaCy is not installed: {ner_spacy.INSTALL_HELP}")
        return f"entities: {RULES_METHOD} (spaCy is not installed)"
    installed = ner_spacy.installed_pipelines()
    if not installed:
        if ner == "spacy":
            raise NerUnavailable(
                f"ner=spacy but no spaCy pipeline that finds entities is installed: {ner_spacy.INSTALL_HELP}"
            )
        return f"entities: {RULES_METHOD} (no spaCy pipeline is installed)"
    chosen = {pipeline.lang: pipeline for pipeline in reversed(installed)}  # the first of each language
    if ner == "spacy":
        # A broken install should stop the run here; in auto mode an article falls back to the rules instead.
        try:
            for pipeline in chosen.values():
                ner_spacy.check(pipeline)
        except ner_spacy.SpacyUnavailable as error:
            raise NerUnavailable(str(error)) from error
    languages = ", ".join(f"{pipeline.method} for {lang}" for lang, pipeline in sorted(chosen.items()))
    return f"entities: {languages}; {RULES_METHOD} for other languages"


def recognise_entities(
    text: str, language: str | None, settings: Settings
) -> tuple[list[Entity], list[Mention], str]:
    """The article's entities and mentions by the run's backend, and what typed them (for the evidence)."""
    if settings.ner == "rules":
        return (*find_entities(text), RULES_METHOD)
    pipeline = ner_spacy.pipeline_for(language, settings.ner_model)
    if pipeline is None:
        # Only spaCy's absence needs no word: auto then simply is the rules.
        if settings.ner == "spacy" or settings.ner_model or ner_spacy.installed_pipelines():
            return (*find_entities(text), f"{RULES_METHOD} (no spaCy pipeline for {language or 'unknown'})")
        return (*find_entities(text), RULES_METHOD)
    if settings.ner == "auto" and not settings.ner_model:
        failure = _load_failure(pipeline)
        if failure is not None:
            return (*find_entities(text), f"{RULES_METHOD} ({pipeline.source} does not load: {failure})")
    return (*ner_spacy.find_entities_spacy(text, pipeline), pipeline.method)


_failures: dict[str, str | None] = {}


def _load_failure(pipeline: ner_spacy.Pipeline) -> str | None:
    """Why an installed pipeline cannot load (once per process), or None when it loads."""
    if pipeline.source not in _failures:
        try:
            ner_spacy.load(pipeline.source)
            _failures[pipeline.source] = None
        except Exception as error:  # auto mode: a broken pipeline means the rules, not a failed article
            _failures[pipeline.source] = f"{type(error).__name__}: {error}"
    return _failures[pipeline.source]
