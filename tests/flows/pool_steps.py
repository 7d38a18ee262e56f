"""Steps for the pool tests, importable by name in the pool's spawned worker processes."""

from __future__ import annotations

import os

from tasks.records import Reject


def doubled_unless_poison(items: list[int]) -> tuple[list[int], list[Reject]]:
    """Doubles each item; -1 kills the worker process outright (as a parser crash would); 0 is rejected."""
    made: list[int] = []
    rejects: list[Reject] = []
    for item in items:
        if item == -1:
            os._exit(3)
        if item == 0:
            rejects.append(Reject(str(item), "clean", "cleaner_error", "zero"))
        else:
            made.append(item * 2)
    return made, rejects
