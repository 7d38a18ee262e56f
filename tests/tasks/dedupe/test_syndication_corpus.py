"""The syndication benchmark's corpus, small, as a regression test of the whole clean → extract → dedupe path:
copies across outlets found, hard negatives (other stories of the same event, follow-ups, digests) left
apart, and stories clustered by event. The full-size figures come from `bench/syndication.py`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tasks.settings import Settings


def load_bench(project_root: Path) -> ModuleType:
    path = project_root / "bench" / "syndication.py"
    spec = importlib.util.spec_from_file_location("bench_syndication", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_syndication"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [3, 29])
def test_copies_are_linked_and_stories_clustered_on_a_generated_corpus(
    project_root: Path, tmp_path: Path, seed: int
) -> None:
    bench = load_bench(project_root)
    pages = bench.generate(events=40, seed=seed)

    landed = bench.run_pipeline(pages, Settings(), tmp_path / "w.duckdb", batch_size=25)
    figures = bench.score(pages, landed)

    assert figures["precision"] >= 0.99, figures["false_pairs"]
    assert figures["recall"] >= 0.97, figures["recall_by_copy_kind"]
    assert figures["cluster_purity"] >= 0.95
    assert figures["cluster_inverse_purity"] >= 0.9
    assert set(figures["kinds"]) <= {"exact", "contained", "syndicated", "near"}
