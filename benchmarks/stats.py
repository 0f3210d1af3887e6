"""The few statistics the benchmarks report: medians (robust on a shared,
loaded machine) and the log-log least-squares growth exponent."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True)
class PowerFit:
    """``y ≈ c · x^exponent``, fitted on log-log axes."""

    exponent: float
    points: int


def power_fit(xs: Sequence[float], ys: Sequence[float]) -> PowerFit:
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("a fit needs at least two (x, y) pairs")
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    sxy = sum((a - mx) * (b - my) for a, b in zip(lx, ly))
    return PowerFit(exponent=sxy / sxx, points=len(xs))
