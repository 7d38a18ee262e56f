"""The run's CPU pool and runners: order and failure isolation on worker processes, and the same rows landed
whichever runner cleans and extracts (in-process, a local process pool, a real Dask cluster)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.news import ParameterError, news_pipeline
from flows.parallel import CpuPool
from tasks.records import Reject

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "extraction-hard"


def crashed(item: int, message: str) -> Reject:
    return Reject(str(item), "clean", "cleaner_error", message)


def test_the_pool_keeps_the_order_of_the_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))  # the workers import the step by name
    from pool_steps import doubled_unless_poison

    pool = CpuPool(2)
    try:
        made, rejects = pool.run(doubled_unless_poison, [5, 0, *range(1, 30)], crashed)
    finally:
        pool.close()
    assert made == [10, *(2 * item for item in range(1, 30))]
    assert [reject.message for reject in rejects] == ["zero"]


def test_a_worker_that_dies_costs_its_item_not_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    from pool_steps import doubled_unless_poison

    pool = CpuPool(2)
    try:
        made, rejects = pool.run(doubled_unless_poison, [*range(1, 10), -1, *range(10, 20)], crashed)
        again, _ = pool.run(doubled_unless_poison, [1, 2, 3, 4], crashed)  # a fresh pool took over
    finally:
        pool.close()
    assert made == [2 * item for item in range(1, 20)]
    assert [(reject.source, reject.reason) for reject in rejects] == [("-1", "cleaner_error")]
    assert "worker process died" in rejects[0].message
    assert again == [2, 4, 6, 8]


def corpus(folder: Path) -> Path:
    """A dozen hard HTML pages, and the sample twice: enough to be shared out, with one exact copy."""
    folder.mkdir()
    for page in sorted(PAGES.glob("*.html"))[:12]:
        shutil.copy(page, folder / page.name)
    for name in ("a.txt", "b.txt"):
        shutil.copy(ROOT / "seeds" / "000_931a64f1d1105032.txt", folder / name)
    return folder


def landed(db: Path) -> dict[str, list[tuple]]:
    queries = {
        "articles": "select doc_id, article_id, title, text, authors, published_at from articles",
        "entities": "select article_id, name, type, mentions from entities",
        "quotes": "select article_id, position, text, speaker from quotes",
        "removed": "select doc_id, position, reason from removed_segments",
        "duplicates": "select article_id, canonical_id, kind from duplicates",
        "rejects": "select source, stage, reason from rejects",
    }
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in queries.items()}


def test_a_process_pool_lands_the_same_rows_as_one_process(tmp_path: Path) -> None:
    source = corpus(tmp_path / "in")
    one = news_pipeline(sources=[str(source)], warehouse_path=str(tmp_path / "one.duckdb"), workers=1)
    pooled = news_pipeline(
        sources=[str(source)], warehouse_path=str(tmp_path / "two.duckdb"), workers=2, batch_size=5
    )
    assert one["steps"]["extracted"] == pooled["steps"]["extracted"] >= 12
    assert landed(tmp_path / "one.duckdb") == landed(tmp_path / "two.duckdb")


def test_the_dask_runner_lands_the_same_rows_on_a_real_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    source = corpus(tmp_path / "in")
    news_pipeline(sources=[str(source)], warehouse_path=str(tmp_path / "local.duckdb"), batch_size=5)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        summary = news_pipeline(
            sources=[str(source)],
            warehouse_path=str(tmp_path / "dask.duckdb"),
            batch_size=5,
            runner="dask",
            cluster_address=cluster.scheduler_address,
        )
    assert summary["status"] == "completed" and summary["steps"]["extracted"] >= 12
    assert landed(tmp_path / "local.duckdb") == landed(tmp_path / "dask.duckdb")


def test_a_cluster_address_without_the_dask_runner_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="runner=dask"):
        news_pipeline(
            sources=[str(tmp_path)], warehouse_path=str(tmp_path / "w.duckdb"), cluster_address="tcp://x:8786"
        )


def test_files_read_and_cleaned_in_one_call_keep_their_order_and_their_rejects(tmp_path: Path) -> None:
    from flows.news import _read_or_clean_crashed, clean_batch
    from tasks.ingest.files import read_file
    from tasks.records import SourceItem
    from tasks.steps import read_and_clean_files

    pages = sorted(PAGES.glob("*.html"))[:3]
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    items = [SourceItem(str(path), str(path)) for path in [pages[0], empty, *pages[1:]]]
    items.append(SourceItem(str(tmp_path / "missing.html"), str(tmp_path)))
    made, _ = read_and_clean_files(items, max_bytes=10_000_000)
    assert [type(document).__name__ for document, _ in made] == ["RawDocument"] * 4 + ["Reject"]
    assert all(document.text == "" for document, _ in made[:4])  # the decoded page stays in the worker
    assert made[4][1] is None and made[4][0].reason == "unreadable"

    # The clean task merges them with documents cleaned apart, in the batch's order.
    documents = [document for document, _ in made[:4]]
    ready = {document.doc_id: cleaned for document, cleaned in made[:4] if document is not documents[2]}
    separately = read_file(items[2], max_bytes=10_000_000)
    cleaned, rejects = clean_batch.fn([*documents[:2], separately, documents[3]], 1, 1, ready)
    assert [document.doc_id for document in cleaned] == [documents[i].doc_id for i in (0, 2, 3)]
    assert [(reject.source, reject.reason) for reject in rejects] == [(str(empty), "no_article_text")]

    # A file that took a worker down twice is read again in the flow's process and kept with its reject.
    document, reject = _read_or_clean_crashed(items[0], "a worker process died", max_bytes=10_000_000)
    assert document.doc_id == documents[0].doc_id and document.text == ""
    assert (reject.stage, reject.reason) == ("clean", "cleaner_error")
    assert _read_or_clean_crashed(items[4], "died", max_bytes=10_000_000)[1] is None
