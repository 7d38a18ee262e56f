"""A/B speed of the HTML cleaner between two revisions, run alternately so machine drift cancels out.

Usage: python bench/ab_clean.py REV_A REV_B [--rounds N] [--data DIR]

On a shared machine the speed of one revision drifts by ±15 % from one minute to the next, so two single
runs say little. This checks both revisions out as git worktrees (in a temporary folder), then times
`clean_html` over the extraction-dev pages in a fresh process for A, then for B, N times over; each timing is
the best of two passes in CPU time. It prints every round and the median of B's time over A's: below 1.0, B
is faster.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction-dev"

# Run inside a worktree: that revision's cleaner and page loader, milliseconds of CPU per page on stdout.
_TIMER = """
import sys, time
from pathlib import Path
sys.path.insert(0, ".")
import bench.extraction_dev as dev
from tasks.clean.html import clean_html
documents = [dev.raw_document(page) for page in dev.load(Path(sys.argv[1]), None)]
for document in documents:
    clean_html(document)
best = float("inf")
for _ in range(2):
    started = time.process_time()
    for document in documents:
        clean_html(document)
    best = min(best, time.process_time() - started)
print(f"{best / len(documents) * 1000:.3f}")
"""


def _time(worktree: Path, data: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _TIMER, str(data)], cwd=worktree, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"timing in {worktree} failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev_a")
    parser.add_argument("rev_b")
    parser.add_argument("--rounds", type=int, default=6, help="alternating runs of each (default 6)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev folder")
    args = parser.parse_args(argv)
    if not (args.data / "expectations.json").exists():
        raise SystemExit(f"no extraction-dev pages in {args.data} (give --data)")

    with tempfile.TemporaryDirectory(prefix="wirehouse-ab-") as folder:
        trees = {name: Path(folder) / name for name in ("a", "b")}
        for name, rev in (("a", args.rev_a), ("b", args.rev_b)):
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "add", "--quiet", "--detach", str(trees[name]), rev],
                check=True,
            )
        try:
            ratios = []
            print(f"ms of CPU per page, best of 2 passes: A = {args.rev_a}, B = {args.rev_b}")
            for round_number in range(1, args.rounds + 1):
                a = _time(trees["a"], args.data)
                b = _time(trees["b"], args.data)
                ratios.append(b / a)
                print(f"round {round_number}: A {a:.3f}  B {b:.3f}  B/A {b / a:.3f}", flush=True)
            print(f"median B/A over {args.rounds} rounds: {statistics.median(ratios):.3f}")
        finally:
            for tree in trees.values():
                subprocess.run(
                    ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False
                )


if __name__ == "__main__":
    main(sys.argv[1:])
