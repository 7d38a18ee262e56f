"""The entity backend choice through the flows and the CLI: a real spaCy pipeline's entities land in DuckDB.

The pipeline is `spacy_pipeline` (tests/conftest.py): a blank English tokenizer and an entity ruler, saved
to disk and named by its folder, since no trained pipeline can be downloaded here.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.news import ParameterError, news_pipeline
from flows.reprocess import reprocess_pipeline
from tasks.extract import ner_spacy
from tasks.extract.ner import RULES_METHOD

pytest.importorskip("spacy")
runner = CliRunner()


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, spacy_pipeline: Path) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("ner")
    shutil.copytree(seeds_dir, folder / "seeds")
    db = folder / "w.duckdb"
    summary = news_pipeline(
        sources=[str(folder / "seeds" / "sources.toml")],
        warehouse_path=str(db),
        ner="spacy",
        ner_model=str(spacy_pipeline),
    )
    return {"db": db, "summary": summary, "pipeline": spacy_pipeline}


def test_a_spacy_run_lands_the_pipelines_entities(landed: dict[str, Any]) -> None:
    assert landed["summary"]["status"] == "completed" and landed["summary"]["rejects"] == {}
    entities = {
        (name, kind): (mentions, code)
        for name, kind, mentions, code in rows(
            landed["db"], "select name, type, mentions, country_code from entities"
        )
    }
    # "K Battalion" is no name to the rules; "CNN" and "Brussels" are, but the pipeline does not know them.
    assert ("K Battalion", "ORG") in entities
    assert ("CNN", "ORG") not in entities and ("Brussels", "LOC") not in entities
    # The shared naming: "Rutte" folds into "Mark Rutte", "(NATO)" into the long name, places get codes.
    assert entities["Mark Rutte", "PERSON"][0] == 2
    assert entities["Kursk", "LOC"] == (4, "RU")
    assert ("North Atlantic Treaty Organization", "ORG") in entities and ("NATO", "ORG") not in entities


def test_the_mentions_point_into_the_text_and_the_evidence_names_the_pipeline(landed: dict[str, Any]) -> None:
    db = landed["db"]
    counted = rows(db, "select (select count(*) from entity_mentions), (select sum(mentions) from entities)")
    assert counted[0][0] == counted[0][1] >= 10
    wrong = rows(
        db,
        "select m.surface from entity_mentions m join articles a using (article_id) "
        "where substr(a.text, m.start_offset + 1, m.end_offset - m.start_offset) <> m.surface",
    )
    assert wrong == []
    assert rows(db, "select json_extract_string(evidence, '$.entities') from articles") == [
        (f"spaCy en_wirehouse_ner 0.1.0 ({landed['pipeline']})",)
    ]
    parameters = rows(db, "select parameters from runs")[0][0]
    assert '"ner": "spacy"' in parameters and str(landed["pipeline"]) in parameters


def test_reprocessing_with_the_rules_replaces_the_spacy_entities(landed: dict[str, Any]) -> None:
    db = landed["db"]
    summary = reprocess_pipeline(warehouse_path=str(db), ner="rules")
    assert summary["status"] == "completed" and summary["steps"]["extracted"] == 1
    names = {name for (name,) in rows(db, "select name from entities")}
    assert "CNN" in names and "K Battalion" not in names
    assert rows(db, "select json_extract_string(evidence, '$.entities') from articles") == [(RULES_METHOD,)]


def test_a_missing_pipeline_stops_the_run_before_anything_is_read(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "w.duckdb"
    with pytest.raises(ParameterError, match="neither an installed spaCy pipeline package nor a folder"):
        news_pipeline(
            sources=[str(seeds_dir)], warehouse_path=str(db), ner="spacy", ner_model="en_no_such_model"
        )
    assert not db.exists()


def test_cli_ner_spacy_without_a_pipeline_exits_2_saying_how_to_install_one(
    tmp_path: Path, seeds_dir: Path
) -> None:
    if ner_spacy.installed_pipelines():
        pytest.skip("a spaCy pipeline is installed in this environment")
    result = runner.invoke(app, ["run", str(seeds_dir), "--db", str(tmp_path / "w.duckdb"), "--ner", "spacy"])
    assert result.exit_code == 2, result.output
    assert "python -m spacy download en_core_web_sm" in " ".join(result.output.split())
    assert not (tmp_path / "w.duckdb").exists()


def test_cli_refuses_an_unknown_backend_and_a_model_for_the_rules(tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    unknown = runner.invoke(app, ["run", str(seeds_dir), "--db", db, "--ner", "stanza"])
    assert unknown.exit_code == 2 and "stanza" in unknown.output
    rules = runner.invoke(app, ["reprocess", "--db", db, "--ner", "rules", "--ner-model", "en_core_web_sm"])
    assert rules.exit_code == 2 and "ner=spacy or ner=auto" in " ".join(rules.output.split())
