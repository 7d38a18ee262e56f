"""Run progress as a terminal sees it: what the flow reports to a listener, in order."""

from __future__ import annotations

from pathlib import Path

from flows import progress
from flows.news import news_pipeline


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def discovering(self, source: str) -> None:
        self.events.append(("discovering", source))

    def planned(self, items: int, batches: int) -> None:
        self.events.append(("planned", items, batches))

    def step(self, name: str, number: int, total: int) -> None:
        self.events.append(("step", name, number, total))

    def item_done(self) -> None:
        self.events.append(("item_done",))


def test_the_flow_reports_discovery_the_plan_each_batch_step_and_each_item(
    tmp_path: Path, seeds_dir: Path
) -> None:
    for number in range(3):
        (tmp_path / "in" / f"{number}.txt").parent.mkdir(exist_ok=True)
        text = (seeds_dir / "000_931a64f1d1105032.txt").read_text(encoding="utf-8")
        (tmp_path / "in" / f"{number}.txt").write_text(
            text.replace("NATO", f"NATO{number}"), encoding="utf-8"
        )
    recorder = Recorder()

    with progress.listening(recorder):
        news_pipeline(sources=[str(tmp_path / "in")], warehouse_path=str(tmp_path / "w.duckdb"), batch_size=2)

    assert recorder.events[0] == ("discovering", "1 local source")
    assert recorder.events[1] == ("planned", 3, 2)
    steps = [event[1:] for event in recorder.events if event[0] == "step"]
    # Batches overlap (the next one is read and cleaned while this one loads), each goes through every step
    # in order, and they land in order.
    steps_in_order = ("ingest", "clean", "extract", "load")
    for batch in (1, 2):
        assert [name for name, number, _ in steps if number == batch] == list(steps_in_order)
    assert [number for name, number, _ in steps if name == "load"] == [1, 2]
    assert all(total == 2 for _, _, total in steps)
    assert recorder.events.count(("item_done",)) == 3
    assert progress.current() is not recorder  # the listener is gone after the block
