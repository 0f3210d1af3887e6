"""Part 4, corpus throughput: every ``Cargo.toml`` of Debian trixie's
``librust-*-dev`` packages through ``buildsys metadata``, in one process and
as one CLI process per crate, against cargo2rpm's per-crate cost on a
sample of the same crates."""

from __future__ import annotations

import concurrent.futures
import json
import os
import random
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from buildsys import manifest, plan
from benchmarks import fedora
from benchmarks.realcrates import corpus
from benchmarks.runner import python_module, run, tool
from benchmarks.stats import median
from benchmarks.table import Table, make, seconds
from debian_corpus import ensure_corpus

SEED = 6
TARGET_SECONDS = 60.0


@dataclass(frozen=True)
class InProcess:
    seconds: Tuple[float, ...]  # generation inside the process, per repetition
    walls: Tuple[float, ...]  # the whole process
    crates: int
    errors: Tuple[str, ...]
    subpackages: Dict[str, int]


@dataclass(frozen=True)
class Cli:
    wall: float
    cpu: float  # user + system of all the processes
    jobs: int
    crates: int
    failures: int


@dataclass(frozen=True)
class Cargo2rpmSample:
    crates: Tuple[str, ...]
    per_run: Tuple[float, ...]  # every cargo2rpm process timed
    per_crate: Tuple[float, ...]  # 2 × subpackages runs, extrapolated where sampled
    failures: int
    capped: int  # sample crates whose subpackages were themselves sampled


def in_process(limit: int, reps: int) -> InProcess:
    registry = ensure_corpus()
    times, walls, last = [], [], {}
    for _ in range(reps):
        args = [str(registry)] + ([f"--limit={limit}"] if limit else [])
        result = run(python_module("benchmarks.corpus_probe", *args))
        if result.returncode != 0:
            raise RuntimeError(f"corpus probe failed: {result.stderr[-2000:]}")
        last = json.loads(result.stdout)
        times.append(last["seconds"])
        walls.append(result.seconds)
    return InProcess(tuple(times), tuple(walls), last["crates"], tuple(last["errors"]), last["subpackages"])


def cli(dirs: Sequence[Path], jobs: int) -> Cli:
    """One ``buildsys -p DIR metadata`` process per crate, ``jobs`` at a
    time, as ``xargs -P`` would run them."""
    command = tool("buildsys")

    def one(directory: Path) -> int:
        return run([command, "-p", str(directory), "metadata"]).returncode

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        codes = list(pool.map(one, dirs))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Cli(wall, cpu, jobs, len(dirs), sum(code != 0 for code in codes))


def cli_batch(dirs: Sequence[Path]) -> Cli:
    """One ``buildsys metadata`` process for all crates, their Cargo.toml
    paths on stdin (one JSON document per line out)."""
    result = run([tool("buildsys"), "metadata"], stdin="".join(f"{d / 'Cargo.toml'}\n" for d in dirs))
    docs = len(result.stdout.splitlines())
    return Cli(result.seconds, result.cpu_seconds, 1, len(dirs), len(dirs) - docs)


def cargo2rpm_sample(dirs: Sequence[Path], subpackages: Dict[str, int], size: int, cap: int) -> Cargo2rpmSample:
    """cargo2rpm as RPM's generator runs it, on a seeded random sample of
    crates: both directions for every subpackage (at most ``cap`` of them,
    sampled and extrapolated beyond that)."""
    rng = random.Random(SEED)
    chosen = rng.sample([d for d in dirs if d.name in subpackages], min(size, len(subpackages)))
    per_run: List[float] = []
    per_crate: List[float] = []
    failures = capped = 0
    for directory in chosen:
        names = [s.name for s in plan.plan(manifest.load(str(directory))).subpackages]
        if not names:
            continue  # no library: RPM's generator has nothing to run for
        timed = names if len(names) <= cap else rng.sample(names, cap)
        capped += len(timed) < len(names)
        spent = 0.0
        for name in timed:
            for direction in fedora.DIRECTIONS:
                result = fedora.generator_run(direction, str(directory / "Cargo.toml"), name)
                per_run.append(result.seconds)
                spent += result.seconds
                failures += result.returncode != 0
        per_crate.append(spent / len(timed) * len(names))
    return Cargo2rpmSample(tuple(d.name for d in chosen), tuple(per_run), tuple(per_crate), failures, capped)


def table(ours: InProcess, cli_run: Cli, batch: Cli, theirs: Cargo2rpmSample) -> Table:
    generation = median(ours.seconds)
    wall = median(ours.walls)
    total_runs = 2 * sum(ours.subpackages.values())
    estimate = median(theirs.per_run) * total_runs if theirs.per_run else 0.0
    rows = [
        ("buildsys, one process (library calls)", ours.crates, seconds(generation), f"{ours.crates / generation:.0f}",
         f"{generation / ours.crates * 1000:.2f} ms", len(ours.errors)),
        ("buildsys, one process, start-up included", ours.crates, seconds(wall), f"{ours.crates / wall:.0f}",
         f"{wall / ours.crates * 1000:.2f} ms", len(ours.errors)),
        ("buildsys CLI, one process, paths on stdin", batch.crates, seconds(batch.wall),
         f"{batch.crates / batch.wall:.0f}", f"{batch.wall / batch.crates * 1000:.2f} ms", batch.failures),
        (f"buildsys CLI, one process per crate, {cli_run.jobs} at a time", cli_run.crates, seconds(cli_run.wall),
         f"{cli_run.crates / cli_run.wall:.1f}", f"{cli_run.cpu / cli_run.crates * 1000:.0f} ms CPU", cli_run.failures),
    ]
    if theirs.per_crate:
        rows.append(
            (f"cargo2rpm as RPM's generator, sample of {len(theirs.crates)} crates", len(theirs.crates),
             f"{seconds(estimate)} (estimated for all {ours.crates})", f"{ours.crates / estimate:.2f}" if estimate else "–",
             f"{seconds(median(theirs.per_crate))} (median), {seconds(sum(theirs.per_crate) / len(theirs.per_crate))} (mean)",
             theirs.failures)
        )
    notes = [
        f"One process: `python -m benchmarks.corpus_probe REGISTRY`: for every crate directory, "
        "`buildsys.cli.metadata_document(manifest.load(dir), Selection())` and its JSON text, the document "
        f"`buildsys -p DIR metadata` prints; median of {len(ours.seconds)} fresh processes.",
        "CLI, one process: `buildsys metadata` with every crate's Cargo.toml path on stdin, one JSON "
        "document per line out (errors: crates without a document).",
        f"CLI: `buildsys -p DIR metadata` once per crate, {cli_run.jobs} processes at a time "
        "(as `xargs -P` runs them), one pass over the corpus; "
        "per crate: user + system CPU time of its process. The CPU time of all of them divided by the "
        f"{cli_run.jobs} workers, what the pass would take with the cores to itself: {seconds(cli_run.cpu / cli_run.jobs)}.",
        "cargo2rpm: for each sampled crate, `cargo2rpm provides|requires --subpackage --feature=SUBPACKAGE` with the "
        "crate's Cargo.toml on stdin, for every subpackage (Fedora's cargo.attr), one process each; "
        f"per crate = the sum (crates with more than the cap had their subpackages sampled and extrapolated: "
        f"{theirs.capped}). Corpus estimate = median time of one cargo2rpm run ({median(theirs.per_run) * 1000:.0f} ms) "
        f"× 2 × all {total_runs // 2} subpackages of the corpus. Sample: random.Random({SEED}).sample.",
        "errors: crates buildsys rejects (listed below) or cargo2rpm runs that failed.",
    ]
    notes += [f"rejected: {e}" for e in ours.errors[:10]]
    ok = generation < TARGET_SECONDS
    notes.append(
        f"Target, the whole corpus in under {TARGET_SECONDS:.0f} s on this {os.cpu_count()}-core machine: "
        f"{'met' if ok else 'NOT met'} in one process ({seconds(wall)} with start-up); "
        f"{'met' if batch.wall < TARGET_SECONDS else 'NOT met'} through the CLI in one process ({seconds(batch.wall)}); "
        f"{'met' if cli_run.wall < TARGET_SECONDS else 'NOT met'} with one CLI process per crate ({seconds(cli_run.wall)})."
    )
    return make(
        "Corpus throughput: buildsys metadata over Debian trixie's librust-*-dev crates",
        ("how", "crates", "time", "crates/s", "per crate", "errors"),
        rows,
        notes,
    )


def benchmark(limit: int = 0, reps: int = 3, jobs: int = 0, sample: int = 30, cap: int = 40) -> Table:
    ours = in_process(limit, reps)
    dirs = corpus()
    if limit:
        dirs = dirs[:limit]
    cli_run = cli(dirs, jobs or os.cpu_count() or 1)
    batch = cli_batch(dirs)
    theirs = cargo2rpm_sample(dirs, ours.subpackages, sample, cap)
    return table(ours, cli_run, batch, theirs)
