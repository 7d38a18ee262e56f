"""The run's CPU pool: clean and extract cut a batch into chunks and run them on worker processes.

One pool per run, sized to the machine's cores, started on the first batch big enough to share. A worker
process that dies (a parser crash, the OOM killer) costs the items it held, never the run: its chunk is
retried item by item on a fresh pool, and an item that kills a worker again becomes a reject.
"""

from __future__ import annotations

import gc
import importlib
import math
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from tasks.records import Reject

Item = TypeVar("Item")
# A step over a chunk of items: what it made of them (in order) and the items it rejected.
Step = Callable[[list[Any]], tuple[list[Any], list[Reject]]]
# What an item held by a worker that died becomes (None: nothing, the step is redone later anyway).
Crashed = Callable[[Any, str], Reject | None]

# A pool that keeps dying (workers that cannot even start) is given up for the run: steps run in the flow's
# process instead of respawning workers for every item.
MAX_RESTARTS = 3
# A batch smaller than this is cheaper to run in the flow's process than to ship to workers.
MIN_ITEMS_TO_SHARE = 4
# Chunks per worker and batch: small enough to balance uneven pages, large enough to amortise pickling.
CHUNKS_PER_WORKER = 4
# Modules a worker imports before its first page (their gazetteers and models load once per worker).
STEP_MODULES = ("tasks.steps",)
# Batches read ahead and being cleaned while the oldest one is extracted and landed: enough that the
# workers always have a batch queued while the flow's process dedupes and loads.
BATCHES_IN_FLIGHT = 3
# Python's cyclic garbage collector by default runs after every 700 net allocations of container objects,
# and its older generations walk everything a run holds (batches in flight, pages, articles, Prefect's own
# objects): 7 s of the flow process's 28 s of CPU over 3,000 pages, a few per cent of a worker's. Pages make
# few reference cycles, so during a run it runs every 50,000 instead (the flow's process: 7 s -> 1.5 s).
RUN_GC_THRESHOLDS = (50_000, 10, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage cycles less often while the block runs (see RUN_GC_THRESHOLDS); restored after."""
    previous = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _preload(modules: tuple[str, ...]) -> None:
    # Runs once per worker process: imports (and so loads the gazetteers of) the steps before any page.
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    for name in modules:
        importlib.import_module(name)


class CpuPool:
    """Worker processes for CPU-bound steps; `run` keeps a step's order and per-item failure isolation."""

    def __init__(self, workers: int, preload: tuple[str, ...] = ()) -> None:
        self.workers = max(1, workers)
        self.preload = preload
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _current_executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # spawn, not fork: the flow's process runs Prefect's threads and event loop, which a fork
                # would copy mid-flight (locks held by threads that do not exist in the child).
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_preload,
                    initargs=(self.preload,),
                )
            return self._executor

    def _replace_broken(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
                self.restarts += 1
        broken.shutdown(wait=False, cancel_futures=True)

    @property
    def given_up(self) -> bool:
        return self.restarts >= MAX_RESTARTS

    def start(self) -> None:
        """Start the workers now (they import the steps while the flow plans), rather than on first use."""
        if self.workers > 1:
            self._current_executor()

    def run(self, step: Step, items: Sequence[Any], crashed: Crashed) -> tuple[list[Any], list[Reject]]:
        """`step` over `items` in chunks on the workers (in this process for one worker or a few items)."""
        items = list(items)
        if self.workers <= 1 or len(items) < MIN_ITEMS_TO_SHARE or self.given_up:
            return step(items)
        chunks = _split(items, self.workers * CHUNKS_PER_WORKER)
        executor = self._current_executor()
        futures: list[Future] = []
        for chunk in chunks:
            try:
                futures.append(executor.submit(step, chunk))
            except (BrokenProcessPool, RuntimeError):
                futures.append(_broken_future())
        made: list[Any] = []
        rejects: list[Reject] = []
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                chunk_made, chunk_rejects = future.result()
            except BrokenProcessPool:
                self._replace_broken(executor)
                chunk_made, chunk_rejects = self._run_one_by_one(step, chunk, crashed)
            made += chunk_made
            rejects += chunk_rejects
        return made, rejects

    def _run_one_by_one(
        self, step: Step, chunk: list[Any], crashed: Crashed
    ) -> tuple[list[Any], list[Reject]]:
        made: list[Any] = []
        rejects: list[Reject] = []
        for item in chunk:
            if self.given_up:
                item_made, item_rejects = step([item])
                made += item_made
                rejects += item_rejects
                continue
            executor = self._current_executor()
            try:
                item_made, item_rejects = executor.submit(step, [item]).result()
            except BrokenProcessPool as error:
                self._replace_broken(executor)
                rejected = crashed(item, f"a worker process died on this item ({error})")
                rejects += [rejected] if rejected is not None else []
                continue
            made += item_made
            rejects += item_rejects
        return made, rejects

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _broken_future() -> Future:
    future: Future = Future()
    future.set_exception(BrokenProcessPool("the pool was shut down"))
    return future


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    size = max(1, math.ceil(len(items) / max(1, parts)))
    return [items[start : start + size] for start in range(0, len(items), size)]


class DaskChunks:
    """On a Dask worker: a batch task fans its chunks out over the whole cluster, then waits (seceded)."""

    def run(self, step: Step, items: Sequence[Any], crashed: Crashed) -> tuple[list[Any], list[Reject]]:
        from distributed import worker_client

        items = list(items)
        if len(items) < MIN_ITEMS_TO_SHARE:
            return step(items)
        with worker_client() as client:
            threads = sum(client.nthreads().values()) or 1
            chunks = _split(items, threads * CHUNKS_PER_WORKER)
            futures = [client.submit(step, chunk, pure=False) for chunk in chunks]
            made: list[Any] = []
            rejects: list[Reject] = []
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    chunk_made, chunk_rejects = future.result()
                except Exception as error:  # KilledWorker: the chunk took workers down with it
                    chunk_made, chunk_rejects = [], []
                    for item in chunk:
                        try:
                            item_made, item_rejects = client.submit(step, [item], pure=False).result()
                        except Exception:
                            rejected = crashed(item, f"a Dask worker died ({error})")
                            item_made, item_rejects = [], [rejected] if rejected is not None else []
                        chunk_made += item_made
                        chunk_rejects += item_rejects
                made += chunk_made
                rejects += chunk_rejects
        return made, rejects


_INLINE = CpuPool(1)
# One pool per process, installed by the flow for its run: the clean and extract tasks run in the flow's
# threads and find it here; on a Dask worker there is none and they fan out over the cluster instead.
_pool: CpuPool = _INLINE


def _on_dask_worker() -> bool:
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


def current() -> CpuPool | DaskChunks:
    """Where the steps of a task in this process run: the installed pool, the Dask cluster, or inline."""
    if _pool is _INLINE and _on_dask_worker():
        return DaskChunks()
    return _pool


@contextmanager
def sharing(pool: CpuPool) -> Iterator[CpuPool]:
    """Install `pool` for this process's tasks while the block runs; its workers stop at the end."""
    global _pool
    previous, _pool = _pool, pool
    try:
        yield pool
    finally:
        _pool = previous
        pool.close()


class CpuRunner:
    """Where a run's clean and extract tasks go: the Prefect task runner they are submitted to, and the pool.

    `local`: tasks run in threads of the flow's process and share a process pool of `workers` (default: one
    per core). `dask`: tasks run on a Dask cluster (prefect-dask), at `cluster_address` or a local one.
    """

    def __init__(self, kind: str, *, workers: int | None = None, cluster_address: str | None = None) -> None:
        self.kind = kind
        self.batches_in_flight = BATCHES_IN_FLIGHT
        self.pool = _INLINE
        self.runner: TaskRunner
        if kind == "dask":
            try:
                from prefect_dask import DaskTaskRunner
            except ImportError as error:
                raise ValueError(
                    "the dask runner needs prefect-dask: pip install -e '.[dask]' (on every Dask worker too)"
                ) from error

            if cluster_address:
                self.runner = DaskTaskRunner(address=cluster_address)
            else:
                cores = workers or os.cpu_count() or 1
                self.runner = DaskTaskRunner(cluster_kwargs={"n_workers": cores, "threads_per_worker": 1})
        elif kind == "local":
            self.pool = CpuPool(workers or os.cpu_count() or 1, preload=STEP_MODULES)
            # Threads only wait on the pool: one per batch in flight plus the batch being extracted.
            self.runner = ThreadPoolTaskRunner(max_workers=self.batches_in_flight + 1)
        else:
            raise ValueError(f"unknown runner {kind!r}: local or dask")
        self._stack: ExitStack | None = None

    def parameter(self, value: Any) -> Any:
        """A big task parameter as submitted: quoted for the local runner, so Prefect does not walk every
        record of a batch looking for futures; as it is for Dask, whose runner would ship the quote's
        tuple instead of unwrapping it."""
        return value if self.kind == "dask" else quote(value)

    def start(self) -> None:
        """Bring the workers up (processes spawn and import the steps meanwhile); idempotent."""
        if self._stack is not None:
            return
        stack = ExitStack()
        try:
            stack.enter_context(fewer_collections())
            if self.pool is not _INLINE:
                stack.enter_context(sharing(self.pool))
                self.pool.start()
            stack.enter_context(self.runner)
        except BaseException:
            stack.close()
            raise
        self._stack = stack

    def close(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()
