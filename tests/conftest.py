"""Shared fixtures: the project root, the bundled sample, and a small spaCy pipeline saved to disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return PROJECT_ROOT / "seeds"


# What the test pipeline knows: names the built-in rules miss or type otherwise ("Wren" is no given name they
# know; "K Battalion" is a letter and a word to them), forms the shared resolver must fold, and labels that
# must be left out (NORP, DATE).
SPACY_PATTERNS: list[dict[str, Any]] = [
    {"label": "PERSON", "pattern": "Wren Okafor-Lindqvist"},
    {"label": "PERSON", "pattern": "Okafor-Lindqvist"},
    {"label": "PERSON", "pattern": [{"TEXT": "Mr."}, {"TEXT": "Okafor-Lindqvist"}]},
    {
        "label": "ORG",
        "pattern": [{"LOWER": "the"}, {"TEXT": "Harbour"}, {"TEXT": "Fisheries"}, {"TEXT": "Board"}],
    },
    {"label": "ORG", "pattern": "HFB"},
    {"label": "GPE", "pattern": "Kyiv"},
    {"label": "LOC", "pattern": "Vellmar Basin"},
    {"label": "NORP", "pattern": "Ukrainian"},
    {"label": "DATE", "pattern": "Monday"},
    # The bundled sample (seeds/): the flow test's article.
    {"label": "ORG", "pattern": "North Atlantic Treaty Organization"},
    {"label": "ORG", "pattern": "NATO"},
    {"label": "ORG", "pattern": "K Battalion"},
    {"label": "PERSON", "pattern": "Mark Rutte"},
    {"label": "PERSON", "pattern": "Rutte"},
    {"label": "GPE", "pattern": "Kursk"},
]


def save_spacy_pipeline(
    folder: Path, lang: str = "en", name: str = "wirehouse_ner", version: str = "0.1.0"
) -> Path:
    """A real spaCy pipeline (a blank tokenizer and an entity ruler with SPACY_PATTERNS) saved to `folder`.

    No trained pipeline can be downloaded here (they are not on PyPI), so the tests build this one.
    """
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank(lang)
    nlp.add_pipe("entity_ruler").add_patterns(SPACY_PATTERNS)
    nlp.meta.update(name=name, version=version)
    nlp.to_disk(folder)
    return folder


@pytest.fixture(scope="session")
def spacy_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_spacy_pipeline(tmp_path_factory.mktemp("spacy") / "en_wirehouse_ner")


@pytest.fixture(scope="session")
def spacy_pipeline_saver() -> Any:
    """`save_spacy_pipeline`, for tests that need a pipeline of another language or name."""
    return save_spacy_pipeline
