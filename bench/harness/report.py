"""How the benchmarks report: percentiles of latencies, one number format, and one table layout
(a label column, then a right-aligned column per phase, set-up or database)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(ordered: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of sorted values; NaN when there are none."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    p99: float
    max: float
    mean: float


def latency(values: Iterable[float], scale: float = 1.0) -> Latency:
    """Percentiles, max and mean of `values` times `scale` (1000.0: seconds to ms)."""
    ordered = sorted(v * scale for v in values)
    if not ordered:
        return Latency(math.nan, math.nan, math.nan, math.nan, math.nan)
    p50, p95, p99 = (percentile(ordered, p) for p in (50, 95, 99))
    return Latency(p50, p95, p99, ordered[-1], sum(ordered) / len(ordered))


def fmt(value: float, digits: int = 1) -> str:
    """A figure with thousands separated by commas, "-" when it is missing (NaN)."""
    return "-" if math.isnan(value) else f"{value:,.{digits}f}"


def met(ok: bool) -> str:
    return "met" if ok else "not met"


Row = tuple[str, Sequence[str]]


def print_table(header: Sequence[str], rows: Sequence[Row]) -> None:
    """A label column and one right-aligned column per header entry (the header line left out
    when every entry is empty), between two rules."""
    width = max(len(label) for label, _ in rows) + 2
    cell = max(14, *(len(c) + 2 for _, cells in rows for c in cells), *(len(h) + 2 for h in header))
    line = "-" * (width + cell * len(header))
    if any(header):
        print(f"{'':<{width}}" + "".join(f"{h:>{cell}}" for h in header))
    print(line)
    for label, cells in rows:
        print(f"{label:<{width}}" + "".join(f"{c:>{cell}}" for c in cells))
    print(line)


def noisy(name: str, other_percent: float, limit: float) -> None:
    """Warn when other processes took more than `limit` % of a core during `name`."""
    if other_percent > limit:
        print(
            f"WARNING: {other_percent:.0f} % CPU went to other processes during {name}: the "
            "machine was not quiet, so these figures understate the product."
        )
