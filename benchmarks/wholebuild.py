"""Part 3, whole builds: real ``rpmbuild -bb`` of a large crate on RPM 4.20
(Debian trixie root): the minimal ``BuildSystem: cargo`` spec (A), and a
static rust2rpm-style spec the Fedora way, its Provides and Requires made by
``cargo.attr``'s generator run once per package and direction: cargo2rpm
(B) or buildsys (C, macros.d/cargo.attr).

Each spec builds in a root of its own (tests/rpmroot.py: an overlay on the
cached root with buildsys installed), so that a generator fileattr is never
active for another variant's build. The builds rotate their order in every
repetition. Each line rpmbuild prints is stamped with the time it came, so
that the package phase (from the first "Processing files:" to "Checking for
unpackaged file(s)": the files of every package, and the generators) is
timed apart from the whole.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from buildsys import manifest, plan, record
from buildsys.files import licenses_and_docs
from benchmarks import cargo2rpm_root, specs
from benchmarks.realcrates import by_name, prepared_copy
from benchmarks.stats import median
from benchmarks.table import Table, make, ratio, seconds
from debian_corpus import DEBIAN_ONLY, cache_root
from rpmroot import BuildRoot, crate_archive

SUITE = "trixie"
DEFAULT_CRATE = "winapi-0.3.9"


BUILDSYS_ATTR = Path(__file__).resolve().parent.parent / "macros.d" / "cargo.attr"
# rpmbuild's output, each line after the time it was read (in the root's
# python3, so that the pipe costs rpmbuild nothing it would notice)
STAMP = "python3 -u -c 'import sys, time\nfor line in sys.stdin: sys.stdout.write(\"%.6f %s\" % (time.time(), line))'"
PHASE = ("Processing files:", "Checking for unpackaged file(s)")
KEYS = ("a", "b", "c")


@dataclass(frozen=True)
class Variant:
    label: str
    spec_lines: int
    seconds: Tuple[float, ...]
    phase: Tuple[float, ...]  # the package phase of each build
    packages: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]  # name -> (Provides, Requires)


def package_phase(stamped: str) -> float:
    """Seconds from the first line starting the package phase to the line
    that ends it, in rpmbuild's time-stamped output."""
    start = end = None
    for line in stamped.splitlines():
        when, _, text = line.partition(" ")
        if start is None and text.startswith(PHASE[0]):
            start = float(when)
        elif text.startswith(PHASE[1]):
            end = float(when)
    if start is None or end is None:
        raise RuntimeError(f"no package phase in rpmbuild's output:\n{stamped[-2000:]}")
    return end - start


def _build(root: BuildRoot, spec: str) -> Tuple[float, float]:
    shutil.rmtree(root.path("/root/rpmbuild/RPMS"), ignore_errors=True)
    start = time.perf_counter()
    proc = root.run(f"{{ rpmbuild -bb {spec} 2>&1; echo \"rpmbuild exited $?\"; }} | {STAMP}", check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or not proc.stdout.rstrip().endswith("rpmbuild exited 0"):
        raise RuntimeError(f"rpmbuild -bb {spec} failed in {root.dir}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return elapsed, package_phase(proc.stdout)


def _packages(root: BuildRoot, crate: str) -> Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]:
    return {
        name: (tuple(h.provides), tuple(h.requires))
        for name, h in root.built().items()
        if name == f"rust-{crate}-devel" or name.startswith(f"rust-{crate}+")
    }


def measure(dirname: str, reps: int) -> Tuple[Tuple[Variant, ...], str]:
    crate = by_name(dirname)
    base = cache_root() / "bench"
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="wholebuild-", dir=base))
    try:
        copy, _ = prepared_copy(crate, work)
        p = plan.plan(manifest.load(str(copy)))
        licenses, docs = licenses_and_docs(record.source_files(copy), p.manifest.license_file)
        license_ = p.manifest.license or "MIT"
        summary = f"Debian's {crate.name} crate"
        static = specs.static(p, license_, summary, licenses, docs)
        texts = {"a": specs.minimal(p, license_, summary), "b": static, "c": static}
        roots = {key: BuildRoot(SUITE, work / key) for key in texts}
        cargo2rpm_root.install(roots["b"])
        roots["c"].write("/usr/lib/rpm/fileattrs/cargo.attr", BUILDSYS_ATTR.read_bytes())
        spec = f"/root/rust-{crate.name}.spec"
        for key, root in roots.items():
            crate_archive(crate.directory, root.path("/root/rpmbuild/SOURCES"), crate.name, crate.version, skip=DEBIAN_ONLY)
            root.write(spec, texts[key].encode())
        times: Dict[str, List[Tuple[float, float]]] = {key: [] for key in KEYS}
        for r in range(reps):
            for key in KEYS[r % 3:] + KEYS[:r % 3]:
                times[key].append(_build(roots[key], spec))
        versions = roots["a"].run("rpm --version; cargo --version").stdout.replace("\n", "; ").strip("; ")
        labels = {
            "a": "A: `BuildSystem: cargo`, buildsys specparts",
            "b": "B: static spec, cargo2rpm as dependency generator (cargo.attr)",
            "c": "C: static spec, buildsys as dependency generator (cargo.attr)",
        }
        variants = tuple(
            Variant(labels[key], len(texts[key].splitlines()), tuple(t for t, _ in times[key]),
                    tuple(ph for _, ph in times[key]), _packages(roots[key], crate.name))
            for key in KEYS
        )
        return variants, versions
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(dirname: str, variants: Sequence[Variant], versions: str) -> Table:
    a, b, c = variants
    same = {v.label[0]: sum(1 for name, deps in a.packages.items() if v.packages.get(name) == deps) for v in (b, c)}
    rows = [
        (v.label, v.spec_lines, len(v.packages), ", ".join(seconds(s) for s in v.seconds), seconds(median(v.seconds)),
         ", ".join(seconds(s) for s in v.phase), seconds(median(v.phase)))
        for v in variants
    ]
    notes = [
        f"`rpmbuild -bb` of Debian's {dirname} (its .crate rebuilt from the librust-*-dev sources without Debian's "
        f"additions) in a Debian trixie root ({versions}), wall time on the host, {len(a.seconds)} builds each, "
        "in an order that rotates in every repetition.",
        "package phase: from rpmbuild's first `Processing files:` line to `Checking for unpackaged file(s)`, from "
        "the time each line of its output came (the files of every package and, for B and C, the dependency "
        "generator run once per package and direction).",
        f"The generator, B against C: package phase {ratio(median(b.phase) / median(c.phase))} "
        f"({seconds(median(b.phase))} against {seconds(median(c.phase))}); whole build "
        f"{ratio(median(b.seconds) / median(c.seconds))}. Against A: B {ratio(median(b.seconds) / median(a.seconds))}, "
        f"C {ratio(median(c.seconds) / median(a.seconds))} of A's whole build.",
        f"Crate packages built (-devel and one per feature): A {len(a.packages)}, B {len(b.packages)}, "
        f"C {len(c.packages)}; with Provides and Requires identical to A's (read from the built RPMs' headers): "
        f"B {same['B']}, C {same['C']}.",
        "B's and C's build sections are the same %cargo_* calls as A's generated ones (prep, generate_buildrequires, "
        "build, install, check); their subpackages are listed in the spec. B: cargo2rpm 0.4.0 runs as `cargo2rpm "
        "provides|requires --subpackage --feature=%{name}` (rust-packaging's cargo.attr, benchmarks/fedora.py). "
        "C: `buildsys generate provides|requires %{name} TREE` (macros.d/cargo.attr), "
        "answering from what %cargo_prep recorded (buildsys.answers).",
    ]
    return make(
        "Whole builds: rpmbuild -bb on RPM 4.20",
        ("spec", "spec lines", "packages", "builds", "median", "package phase", "phase median"),
        rows,
        notes,
    )


def benchmark(dirname: str = DEFAULT_CRATE, reps: int = 2) -> Table:
    variants, versions = measure(dirname, reps)
    return table(dirname, variants, versions)
