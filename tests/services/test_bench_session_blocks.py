"""bench_session's alternation (no timing here: timings live in benchmarks/): every side answers the same
number of times, a block at a time, the order of the sides turning by one each round."""

from __future__ import annotations

from typing import Any, cast

from benchmarks.bench_session import Worker, alternate_blocks


class FakeWorker:
    def __init__(self, name: str, log: list[tuple[str, int]]) -> None:
        self.name, self.log = name, log

    def ask(self, op: str, n: int) -> dict[str, list[float]]:
        self.log.append((self.name, n))
        return {op: [float(len(self.log))] * n}


def test_sides_take_turns_in_blocks_and_the_order_turns_each_round() -> None:
    log: list[tuple[str, int]] = []
    workers = cast(dict[str, Worker], {name: cast(Any, FakeWorker(name, log)) for name in ("a", "b", "c")})
    results = alternate_blocks(workers, "answer", total=250, block=100)
    assert log == [("a", 100), ("b", 100), ("c", 100), ("b", 100), ("c", 100), ("a", 100),
                   ("c", 50), ("a", 50), ("b", 50)]
    assert {name: len(r["answer"]) for name, r in results.items()} == {"a": 250, "b": 250, "c": 250}
