"""Part 1, scaling: full generation for synthetic crates of growing size,
with time, peak memory and the fitted growth exponent."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence

from buildsys import prepare
from benchmarks import synthetic
from benchmarks.probe import REGISTRY
from benchmarks.runner import python_module, run
from benchmarks.stats import median, power_fit
from benchmarks.table import Table, make, mebibytes, seconds

SIZES = (10, 100, 1000, 2000, 5000)
TARGET_FEATURES = 1000
TARGET_SECONDS = 1.0
TARGET_MIB = 100.0


@dataclass(frozen=True)
class Point:
    features: int
    subpackages: int
    generation: float  # median seconds inside the process
    wall: float  # median seconds of the whole process, start-up included
    peak_rss_kib: float  # median peak resident size of the process
    baseline_kib: float  # ... already reached before generation started
    traced_bytes: int  # Python allocation peak during generation
    text_bytes: int


def _probe(crate: Path, traced: bool) -> Dict[str, float]:
    args = [str(crate)] + (["--tracemalloc"] if traced else [])
    result = run(python_module("benchmarks.probe", *args))
    if result.returncode != 0:
        raise RuntimeError(f"probe failed on {crate}: {result.stderr[-2000:]}")
    return {**json.loads(result.stdout), "wall": result.seconds}


def measure(sizes: Sequence[int], reps: int) -> List[Point]:
    with tempfile.TemporaryDirectory(prefix="buildsys-bench-") as tmp:
        crates = {}
        for n in sizes:
            crates[n] = synthetic.write_crate(Path(tmp) / f"synth-{n}", n)
            prepare.prepare(crates[n], REGISTRY)  # what %cargo_prep leaves for %cargo_specparts
        samples: Dict[int, List[Dict[str, float]]] = {n: [] for n in sizes}
        # sizes interleaved within each round: a change of load on the shared
        # machine hits every size alike instead of one of them
        for _ in range(reps):
            for n in sizes:
                samples[n].append(_probe(crates[n], traced=False))
        traced = {n: _probe(crates[n], traced=True) for n in sizes}
    points = []
    for n in sizes:
        s = samples[n]
        points.append(
            Point(
                features=n,
                subpackages=int(s[0]["subpackages"]),
                generation=median([x["seconds"] for x in s]),
                wall=median([x["wall"] for x in s]),
                peak_rss_kib=median([x["peak_rss_kib"] for x in s]),
                baseline_kib=median([x["baseline_rss_kib"] for x in s]),
                traced_bytes=int(traced[n]["tracemalloc_peak_bytes"]),
                text_bytes=int(s[0]["text_bytes"]),
            )
        )
    return points


def _exponent_notes(points: List[Point]) -> List[str]:
    notes = []
    big = [p for p in points if p.features >= 100]
    for label, chosen in (("all sizes", points), ("sizes ≥ 100", big)):
        if len(chosen) >= 2:
            t = power_fit([p.subpackages for p in chosen], [p.generation for p in chosen])
            m = power_fit([p.subpackages for p in chosen], [max(p.traced_bytes, 1) for p in chosen])
            notes.append(
                f"Fitted exponent (log-log least squares over {label}, {t.points} points, x = subpackages): "
                f"generation time ∝ n^{t.exponent:.2f}, traced memory ∝ n^{m.exponent:.2f}."
            )
    return notes


def _target_notes(points: List[Point]) -> List[str]:
    at = [p for p in points if p.features == TARGET_FEATURES]
    if not at:
        return []
    p = at[0]
    peak = p.peak_rss_kib / 1024
    ok_t, ok_m = p.generation < TARGET_SECONDS, peak < TARGET_MIB
    return [
        f"Target, {TARGET_FEATURES} features in under {TARGET_SECONDS:.0f} s: "
        f"{'met' if ok_t else 'NOT met'} ({seconds(p.generation)} generation, {seconds(p.wall)} for the whole process).",
        f"Target, under {TARGET_MIB:.0f} MB peak memory: {'met' if ok_m else 'NOT met'} "
        f"({peak:.1f} MiB peak resident size (VmHWM) of the whole process, interpreter included).",
    ]


def _local_exponents(points: List[Point]) -> List[str]:
    """The exponent between each size and the one before: where growth
    bends, which one fit over all sizes hides."""
    out = ["–"]
    for a, b in zip(points, points[1:]):
        out.append(f"{power_fit([a.subpackages, b.subpackages], [a.generation, b.generation]).exponent:.2f}")
    return out


def table(points: List[Point], reps: int) -> Table:
    rows = [
        (
            p.features,
            p.subpackages,
            seconds(p.generation),
            seconds(p.wall),
            mebibytes(p.peak_rss_kib),
            mebibytes(p.baseline_kib),
            mebibytes(p.traced_bytes / 1024),
            f"{p.text_bytes / 1024:.0f} KiB",
            local,
        )
        for p, local in zip(points, _local_exponents(points))
    ]
    notes = [
        f"Median of {reps} fresh processes per size (`python -m benchmarks.probe`), sizes interleaved in each round.",
        "generation: `specparts.for_project` on a prepared crate (manifest, plan, every subpackage's "
        "Provides and Requires, the specparts text), timed inside the process, imports excluded.",
        "process: wall time of the whole process (interpreter start-up, imports, generation), as `buildsys specparts` costs a build.",
        "peak RSS: `VmHWM` (peak resident size) of that process; before: the same once the imports were done, "
        "before generation; "
        "traced: `tracemalloc` peak during generation, from one extra run (tracing is not timed).",
        "exponent from previous size: log(time ratio) / log(subpackage ratio) between this size and the one above it.",
    ]
    notes += _exponent_notes(points) + _target_notes(points)
    return make(
        "Scaling: full generation of synthetic crates",
        ("features", "subpackages", "generation", "process", "peak RSS", "RSS before", "traced peak", "specparts text",
         "exponent from previous size"),
        rows,
        notes,
    )


def benchmark(sizes: Sequence[int] = SIZES, reps: int = 5) -> Table:
    return table(measure(sizes, reps), reps)
