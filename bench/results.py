"""The figures: one `Result` per measured value, as written to bench/results.json."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Result:
    """`ratio` is value / floor. `goal` is a readable bound; `holds` is None when no goal
    applies or the figure could not be measured. `note` and `limit` (Markdown only) say what
    was measured and what limits it."""

    name: str
    value: float | None
    unit: str
    floor: float | None = None
    ratio: float | None = None
    goal: str | None = None
    holds: bool | None = None
    note: str = ""
    limit: str = ""  # one line on what limits it, for the "does not hold" list

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": _round(self.value),
            "unit": self.unit,
            "floor": _round(self.floor),
            "ratio": _round(self.ratio, 3),
            "goal": self.goal,
            "holds": self.holds,
        }


def _round(value: float | None, digits: int = 2) -> float | None:
    if value is None:
        return None
    return round(value, digits) if abs(value) < 1000 else round(value, 1)


def ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or not floor:
        return None
    return value / floor


def at_least(name: str, value: float, floor: float, bound: float, unit: str, **kw) -> Result:
    """A throughput that must reach `bound` x its floor."""
    r = ratio(value, floor)
    return Result(
        name, value, unit, floor, r, f"ratio >= {bound}", r is not None and r >= bound, **kw
    )


def at_most(name: str, value: float, floor: float, bound: float, unit: str, **kw) -> Result:
    """A cost that may be at most `bound` x its floor."""
    r = ratio(value, floor)
    return Result(
        name, value, unit, floor, r, f"ratio <= {bound}", r is not None and r <= bound, **kw
    )
