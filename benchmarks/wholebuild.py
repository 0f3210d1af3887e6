"""Part 3, whole builds: real ``rpmbuild -bb`` of a large crate on RPM 4.20
(Debian trixie root), the minimal ``BuildSystem: cargo`` spec against a
static rust2rpm-style spec with cargo2rpm as the dependency generator.

Each spec builds in a root of its own (tests/rpmroot.py: an overlay on the
cached root with buildsys installed), so that the cargo2rpm fileattr is
never active for the buildsys build. The builds alternate, A first in even
repetitions.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

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


@dataclass(frozen=True)
class Variant:
    label: str
    spec_lines: int
    seconds: Tuple[float, ...]
    packages: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]  # name -> (Provides, Requires)


def _build(root: BuildRoot, spec: str) -> float:
    shutil.rmtree(root.path("/root/rpmbuild/RPMS"), ignore_errors=True)
    start = time.perf_counter()
    proc = root.rpmbuild(spec, "-bb", check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"rpmbuild -bb {spec} failed in {root.dir}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return elapsed


def _packages(root: BuildRoot, crate: str) -> Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]:
    return {
        name: (tuple(h.provides), tuple(h.requires))
        for name, h in root.built().items()
        if name == f"rust-{crate}-devel" or name.startswith(f"rust-{crate}+")
    }


def measure(dirname: str, reps: int) -> Tuple[Variant, Variant, str]:
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
        texts = {
            "a": specs.minimal(p, license_, summary),
            "b": specs.static(p, license_, summary, licenses, docs),
        }
        roots = {key: BuildRoot(SUITE, work / key) for key in texts}
        cargo2rpm_root.install(roots["b"])
        spec = f"/root/rust-{crate.name}.spec"
        for key, root in roots.items():
            crate_archive(crate.directory, root.path("/root/rpmbuild/SOURCES"), crate.name, crate.version, skip=DEBIAN_ONLY)
            root.write(spec, texts[key].encode())
        times: Dict[str, List[float]] = {"a": [], "b": []}
        for r in range(reps):
            for key in ("a", "b") if r % 2 == 0 else ("b", "a"):
                times[key].append(_build(roots[key], spec))
        versions = roots["a"].run("rpm --version; cargo --version").stdout.replace("\n", "; ").strip("; ")
        a = Variant("A: `BuildSystem: cargo`, buildsys specparts", len(texts["a"].splitlines()), tuple(times["a"]),
                    _packages(roots["a"], crate.name))
        b = Variant("B: static spec, cargo2rpm as dependency generator (cargo.attr)", len(texts["b"].splitlines()),
                    tuple(times["b"]), _packages(roots["b"], crate.name))
        return a, b, versions
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(dirname: str, a: Variant, b: Variant, versions: str) -> Table:
    same = sum(1 for name, deps in a.packages.items() if b.packages.get(name) == deps)
    rows = [
        (v.label, v.spec_lines, len(v.packages), ", ".join(seconds(s) for s in v.seconds), seconds(median(v.seconds)))
        for v in (a, b)
    ]
    r = median(b.seconds) / median(a.seconds)
    notes = [
        f"`rpmbuild -bb` of Debian's {dirname} (its .crate rebuilt from the librust-*-dev sources without Debian's "
        f"additions) in a Debian trixie root ({versions}), wall time on the host, {len(a.seconds)} builds each, "
        "alternating (A first, then B first).",
        f"Ratio B / A (medians): {ratio(r)}; B - A: {seconds(median(b.seconds) - median(a.seconds))}.",
        f"Crate packages built (-devel and one per feature): A {len(a.packages)}, B {len(b.packages)}; "
        f"with identical Provides and Requires in both (read from the built RPMs' headers): {same}.",
        "B's build sections are the same %cargo_* calls as A's generated ones (prep, generate_buildrequires, build, "
        "install, check); its subpackages are listed in the spec and cargo2rpm 0.4.0 runs as `cargo2rpm "
        "provides|requires --subpackage --feature=%{name}` once per package and direction (rust-packaging's "
        "cargo.attr, benchmarks/fedora.py).",
    ]
    return make(
        "Whole builds: rpmbuild -bb on RPM 4.20",
        ("spec", "spec lines", "packages", "builds", "median"),
        rows,
        notes,
    )


def benchmark(dirname: str = DEFAULT_CRATE, reps: int = 2) -> Table:
    a, b, versions = measure(dirname, reps)
    return table(dirname, a, b, versions)
