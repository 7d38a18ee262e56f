"""The spaCy entity backend (tasks/extract/ner_spacy.py, ner.py) on a real spaCy pipeline the tests build.

No trained pipeline can be downloaded here, so `spacy_pipeline` (tests/conftest.py) is a blank English
tokenizer with an entity ruler, saved to disk and loaded back by its folder, as a user's pipeline would be.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tasks.extract import extract_article, ner_spacy
from tasks.extract.entities import LOC, ORG, PERSON, find_entities, resolve_spans
from tasks.extract.ner import RULES_METHOD, NerUnavailable, check_backend, recognise_entities
from tasks.records import CleanDocument, Entity
from tasks.settings import Settings

spacy = pytest.importorskip("spacy")

REPO = Path(__file__).resolve().parents[3]
GOLD = REPO / "tests" / "data" / "extract-gold" / "entities.jsonl"
TEXT = (
    "Wren Okafor-Lindqvist met the Harbour Fisheries Board (HFB) in Kyiv on Monday.\n\n"
    "Mr. Okafor-Lindqvist said the HFB's Ukrainian partners in the Vellmar Basin had agreed."
)


@pytest.fixture(autouse=True)
def fresh_discovery() -> Iterator[None]:
    """Pipelines found or named in one test are not remembered into the next (loaded ones may be)."""
    ner_spacy.installed_pipelines.cache_clear()
    ner_spacy.named_pipeline.cache_clear()
    yield
    ner_spacy.installed_pipelines.cache_clear()
    ner_spacy.named_pipeline.cache_clear()


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {entity.name: entity for entity in entities}


def spacy_settings(pipeline: Path, ner: str = "spacy") -> Settings:
    return Settings(ner=ner, ner_model=str(pipeline))  # type: ignore[arg-type]


def test_the_pipeline_types_names_the_rules_miss(spacy_pipeline: Path) -> None:
    entities, mentions, method = recognise_entities(TEXT, "en", spacy_settings(spacy_pipeline))
    assert method == f"spaCy en_wirehouse_ner 0.1.0 ({spacy_pipeline})"
    found = by_name(entities)
    # The rules know no given name "Wren" and no "Vellmar Basin": these come from the pipeline.
    rules = by_name(find_entities(TEXT)[0])
    assert "Wren Okafor-Lindqvist" not in rules and "Vellmar Basin" not in rules
    assert found["Wren Okafor-Lindqvist"].type == PERSON
    assert found["Vellmar Basin"].type == LOC and found["Vellmar Basin"].country_code is None
    # NORP ("Ukrainian") and DATE ("Monday") are not kept.
    assert set(found) == {"Wren Okafor-Lindqvist", "Harbour Fisheries Board", "Kyiv", "Vellmar Basin"}


def test_spans_are_folded_as_the_rules_fold_theirs(spacy_pipeline: Path) -> None:
    entities, mentions, _ = recognise_entities(TEXT, "en", spacy_settings(spacy_pipeline))
    found = by_name(entities)
    person = found["Wren Okafor-Lindqvist"]
    # "Mr. Okafor-Lindqvist": the title is trimmed off and the surname folds into the full name.
    assert person.mentions == 2 and person.aliases == ("Okafor-Lindqvist",)
    # "the Harbour Fisheries Board (HFB)": "the" trimmed, the acronym made an alias and not counted twice.
    board = found["Harbour Fisheries Board"]
    assert board.type == ORG and board.mentions == 2 and board.aliases == ("HFB",)
    kyiv = found["Kyiv"]
    assert kyiv.country_code == "UA" and kyiv.latitude == pytest.approx(50.45, abs=0.1)
    assert [(m.surface, m.name) for m in mentions] == [
        ("Wren Okafor-Lindqvist", "Wren Okafor-Lindqvist"),
        ("Harbour Fisheries Board", "Harbour Fisheries Board"),
        ("Kyiv", "Kyiv"),
        ("Okafor-Lindqvist", "Wren Okafor-Lindqvist"),
        ("HFB", "Harbour Fisheries Board"),
        ("Vellmar Basin", "Vellmar Basin"),
    ]
    for mention in mentions:
        assert TEXT[mention.start : mention.end] == mention.surface


def test_resolving_the_rules_own_spans_gives_the_rules_output() -> None:
    """Both backends share the naming: the rule recogniser's typed spans, fed back, give its very rows."""
    texts = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    assert len(texts) > 100
    for text in texts:
        entities, mentions = find_entities(text)
        assert resolve_spans(text, [(m.start, m.end, m.type) for m in mentions]) == (entities, mentions)


def test_resolve_spans_refuses_spans_it_cannot_place() -> None:
    with pytest.raises(ValueError, match="outside"):
        resolve_spans("Kyiv", [(0, 9, LOC)])
    with pytest.raises(ValueError, match="none of"):
        resolve_spans("Kyiv", [(0, 4, "GPE")])
    assert resolve_spans("  ", [(0, 1, LOC)]) == ([], [])


def test_a_text_longer_than_the_pipeline_reads_is_read_in_pieces_with_true_offsets() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Kyiv"}])
    nlp.max_length = 60
    paragraph = "Officials in Kyiv spoke again today."
    text = "\n\n".join([paragraph] * 12)
    spans = ner_spacy.typed_spans(text, nlp)
    assert len(spans) == 12
    assert all(text[start:end] == "Kyiv" and kind == LOC for start, end, kind in spans)


def test_only_the_entity_components_run(spacy_pipeline: Path, tmp_path: Path) -> None:
    nlp = spacy.load(spacy_pipeline)
    nlp.add_pipe("sentencizer", first=True)
    nlp.to_disk(tmp_path / "with-sentencizer")
    loaded = ner_spacy.load(str(tmp_path / "with-sentencizer"))
    assert loaded.pipe_names == ["entity_ruler"]
    assert loaded.disabled == ["sentencizer"]
    assert ner_spacy.load(str(tmp_path / "with-sentencizer")) is loaded  # once per process


def test_a_pipeline_without_an_entity_component_is_refused_at_the_start(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "no-ner")
    with pytest.raises(NerUnavailable, match="no entity recogniser"):
        check_backend("spacy", str(tmp_path / "no-ner"))


def test_auto_leaves_an_article_no_pipeline_reads_to_the_rules(
    spacy_pipeline_saver: Any, tmp_path: Path
) -> None:
    german = spacy_pipeline_saver(tmp_path / "de_pipeline", lang="de")
    entities, mentions, method = recognise_entities(TEXT, "en", spacy_settings(german, ner="auto"))
    assert method == f"{RULES_METHOD} (no spaCy pipeline for en)"
    assert (entities, mentions) == find_entities(TEXT)


def test_extracted_articles_say_which_backend_typed_their_entities(spacy_pipeline: Path) -> None:
    doc = CleanDocument(
        doc_id="d1",
        source="test",
        url="https://example.org/a",
        fetched_at=datetime(2024, 10, 28, tzinfo=UTC),
        content_type="text/plain",
        paragraphs=tuple(TEXT.split("\n\n")),
    )
    with_spacy = extract_article(doc, spacy_settings(spacy_pipeline))
    assert with_spacy.evidence["entities"] == f"spaCy en_wirehouse_ner 0.1.0 ({spacy_pipeline})"
    assert ("Wren Okafor-Lindqvist", PERSON) in {(e.name, e.type) for e in with_spacy.entities}
    # The quotes read the same mentions: none here, but the article is extracted whole.
    with_rules = extract_article(doc, Settings(ner="rules"))
    assert with_rules.evidence["entities"] == RULES_METHOD
    assert "Wren Okafor-Lindqvist" not in {e.name for e in with_rules.entities}


def test_the_rules_path_never_imports_spacy() -> None:
    script = (
        "import sys\n"
        "from tasks.extract.ner import recognise_entities\n"
        "from tasks.settings import Settings\n"
        "for ner in ('rules', 'auto'):\n"
        "    *_, method = recognise_entities('Keir Starmer met Emmanuel Macron in Paris.', 'en', "
        "Settings(ner=ner))\n"
        "    print(method)\n"
        "print('spacy' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True, timeout=120
    )
    lines = run.stdout.split("\n")
    assert lines[0] == RULES_METHOD
    if not ner_spacy.installed_pipelines():  # auto too, where no pipeline is installed
        assert lines[1:3] == [RULES_METHOD, "False"]
    else:
        assert lines[2] == "True"


def test_named_pipelines_that_cannot_work_are_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(NerUnavailable, match="neither an installed spaCy pipeline package nor a folder"):
        check_backend("spacy", str(tmp_path / "missing"))
    with pytest.raises(NerUnavailable, match="not a usable spaCy pipeline"):
        check_backend("auto", str(tmp_path))  # a folder, but no saved pipeline in it
    with pytest.raises(NerUnavailable, match="ner=spacy or ner=auto"):
        check_backend("rules", str(tmp_path))
    with pytest.raises(NerUnavailable, match="must be one of"):
        check_backend("stanza", None)


def test_spacy_without_an_installed_pipeline_is_refused_and_auto_is_the_rules() -> None:
    if ner_spacy.installed_pipelines():
        pytest.skip("a spaCy pipeline is installed in this environment")
    with pytest.raises(NerUnavailable, match="python -m spacy download en_core_web_sm"):
        check_backend("spacy", None)
    assert check_backend("auto", None) == f"entities: {RULES_METHOD} (no spaCy pipeline is installed)"
    assert recognise_entities(TEXT, "en", Settings())[2] == RULES_METHOD


def install_pipeline_package(spacy_pipeline: Path, site: Path, package: str = "en_wirehouse_ner") -> None:
    """Lay out `spacy_pipeline` as `spacy package` would and pip installs it: a module, meta.json, the
    pipeline's folder, and a dist-info whose "spacy_models" entry point is how spaCy finds its packages."""
    meta = json.loads((spacy_pipeline / "meta.json").read_text(encoding="utf-8"))
    module = site / package
    shutil.copytree(spacy_pipeline, module / f"{meta['lang']}_{meta['name']}-{meta['version']}")
    shutil.copy(spacy_pipeline / "meta.json", module / "meta.json")
    (module / "__init__.py").write_text(
        "from spacy.util import load_model_from_init_py\n\n\n"
        "def load(**overrides):\n    return load_model_from_init_py(__file__, **overrides)\n",
        encoding="utf-8",
    )
    dist_info = site / f"{package}-{meta['version']}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {package}\nVersion: {meta['version']}\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(f"[spacy_models]\n{package} = {package}\n", encoding="utf-8")


def test_auto_finds_an_installed_pipeline_for_the_articles_language(
    spacy_pipeline: Path, tmp_path: Path
) -> None:
    install_pipeline_package(spacy_pipeline, tmp_path / "site")
    # A fresh process, as a run is: spaCy reads the installed packages' entry points once, when imported.
    script = f"""
import json, sys
sys.path.insert(0, {str(tmp_path / "site")!r})
import spacy.util
from tasks.extract import ner_spacy
from tasks.extract.ner import check_backend, recognise_entities
from tasks.settings import Settings
text = {TEXT!r}
entities, _, method = recognise_entities(text, "en", Settings())
print(json.dumps({{
    "installed": spacy.util.get_installed_models(),
    "en": ner_spacy.pipeline_for("en").method,
    "de": ner_spacy.pipeline_for("de"),
    "check": check_backend("spacy", None),
    "method": method,
    "names": [entity.name for entity in entities],
    "german": recognise_entities(text, "de", Settings())[2],
    "named": recognise_entities(text, "en", Settings(ner="spacy", ner_model="en_wirehouse_ner"))[2],
}}))
"""
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.splitlines()[-1])
    assert "en_wirehouse_ner" in found["installed"]
    assert found["en"] == found["method"] == found["named"] == "spaCy en_wirehouse_ner 0.1.0"
    assert found["de"] is None
    assert "spaCy en_wirehouse_ner 0.1.0 for en" in found["check"]
    assert "Wren Okafor-Lindqvist" in found["names"]
    # A German article: no pipeline reads it, and the evidence says why the rules did.
    assert found["german"] == f"{RULES_METHOD} (no spaCy pipeline for de)"
