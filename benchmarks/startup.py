"""Part 5, start-up: every call a build makes of buildsys, as a whole
process, the way rpmbuild starts it, side by side with cargo2rpm 0.4.0.

buildsys runs as installed (``make install`` into a scratch directory; the
system's ``/usr/bin/python3 -s`` and the wrapper script, byte-compiled as
buildsys.spec compiles it), cargo2rpm from its wheel under the same
interpreter, the way its console script starts it. Both read the same
crates: Debian's copy prepared as ``%cargo_prep`` leaves it (the tree) and
installed as ``%cargo_install`` does (the registry copy the generators
read). The two sides alternate in every repetition; each figure is the
median wall time of whole processes, with their peak resident size
(``wait4``).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from benchmarks import REPO, cargo2rpm_root
from benchmarks.realcrates import REGISTRY, Crate, by_name, prepared_copy
from benchmarks.stats import median
from benchmarks.table import Table, make, mebibytes, ratio, seconds

PYTHON = "/usr/bin/python3"
TIME = "/usr/bin/time"  # GNU time (make host-packages)
CRATES = ("serde_json-1.0.139", "sequoia-openpgp-2.0.0", "winapi-0.3.9")
TYPICAL = CRATES[0]
# cargo2rpm's console script, under the interpreter buildsys runs under
CARGO2RPM = "import sys; sys.path.insert(0, {wheel!r}); from cargo2rpm.__main__ import main; sys.exit(main())"


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_kib: int


def timed(argv: Sequence[str], stdin: str) -> Sample:
    """One whole process: wall time seen from here, its peak resident size
    from GNU time (a process forked from this one would count this one's
    memory as its own until it execs)."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        start = time.perf_counter()
        proc = subprocess.run([TIME, "-f", "%M", "-o", peak.name, *argv], input=stdin, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode:
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr[-2000:]}")
        return Sample(elapsed, int(peak.read().split()[-1]))


@dataclass(frozen=True)
class Setup:
    buildsys: List[str]  # the command that starts the installed buildsys
    cargo2rpm: List[str]
    trees: Dict[str, Path]  # crate dir name -> prepared tree
    installed: Dict[str, Path]  # crate dir name -> installed Cargo.toml
    crates: Dict[str, Crate]


def setup(work: Path) -> Setup:
    destdir = work / "install"
    subprocess.run(["make", "-s", "-C", str(REPO), "install", f"DESTDIR={destdir}", f"TARGET_PYTHON={PYTHON}"],
                   check=True)
    pydir = destdir / "usr/share/buildsys"
    script = destdir / "usr/bin/buildsys"
    # the wrapper names the final path; here, where it was installed
    script.write_text(script.read_text().replace('"/usr/share/buildsys"', repr(str(pydir))))
    subprocess.run([PYTHON, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", str(pydir)], check=True)
    wheel = work / "cargo2rpm"
    with zipfile.ZipFile(cargo2rpm_root.wheel()) as whl:
        whl.extractall(wheel)
    trees, installed, crates = {}, {}, {}
    from buildsys import naming, project, registry

    for name in CRATES:
        crate = by_name(name)
        tree, _ = prepared_copy(crate, work / "build")
        proj = project.load(str(tree))
        registry.install(proj, work / "buildroot", REGISTRY)
        member = proj.packaged[0]
        installed[name] = Path(str(work / "buildroot") + naming.crate_dir(REGISTRY, member.manifest)) / "Cargo.toml"
        trees[name], crates[name] = tree, crate
    return Setup([PYTHON, "-s", str(script)], [PYTHON, "-s", "-c", CARGO2RPM.format(wheel=str(wheel))],
                 trees, installed, crates)


def actions(s: Setup, name: str, sub: str) -> List[Tuple[str, List[str], str]]:
    """(label, argv, stdin) of each call a build makes, for crate ``name``
    and the subpackage ``sub`` the generator is asked about."""
    tree, cargo_toml = str(s.trees[name]), str(s.installed[name])
    b = s.buildsys
    return [
        ("generate provides (cargo.attr)", b + ["generate", "provides", sub, tree], cargo_toml + "\n"),
        ("generate requires (cargo.attr)", b + ["generate", "requires", sub, tree], cargo_toml + "\n"),
        ("mode (every parse)", b + ["mode", "--rpm-version", "4.20.1"], ""),
        ("is-bin", b + ["-p", tree, "is-bin"], ""),
        ("bin-paths", b + ["-p", tree, "bin-paths"], ""),
        ("buildrequires", b + ["-p", tree, "buildrequires", "-t"], ""),
        ("specparts", b + ["-p", tree, "specparts", "--registry", REGISTRY, "--stdout"], ""),
        ("provides -f default (cargo2rpm's form, no record)", b + ["-p", cargo_toml, "provides", "-f", "default"], ""),
        ("metadata (all subpackages, one process)", b + ["-p", cargo_toml, "metadata"], ""),
    ]


def _cargo2rpm_calls(s: Setup, name: str, sub: str) -> List[Tuple[str, List[str], str]]:
    cargo_toml = str(s.installed[name]) + "\n"
    return [(f"cargo2rpm {d} --subpackage (cargo.attr)", s.cargo2rpm + [d, "--subpackage", f"--feature={sub}"],
             cargo_toml) for d in ("provides", "requires")]


def measure(reps: int, seed: int = 18) -> Tuple[List[Tuple[str, str, Sample, Sample]], Dict[str, Dict[str, float]]]:
    """Rows (crate, action, median, worst peak), and per crate the medians
    the ratios are made of."""
    work = Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        s = setup(work)
        rows = []
        figures: Dict[str, Dict[str, float]] = {}
        rng = random.Random(seed)
        for name in CRATES:
            subs = s.crates[name].subpackages
            calls = actions(s, name, subs[0]) + _cargo2rpm_calls(s, name, subs[0])
            samples: Dict[str, List[Sample]] = {label: [] for label, _, _ in calls}
            for r in range(reps):
                sub = rng.choice(subs)  # a different subpackage each time, as rpmbuild asks
                calls = actions(s, name, sub) + _cargo2rpm_calls(s, name, sub)
                for label, argv, stdin in calls if r % 2 == 0 else reversed(calls):
                    samples[label].append(timed(argv, stdin))
            medians = {label: median([x.seconds for x in xs]) for label, xs in samples.items()}
            figures[name] = dict(medians, subpackages=float(len(subs)))
            for label, xs in samples.items():
                rows.append((name, label, Sample(medians[label], max(x.peak_kib for x in xs)), xs[0]))
        return rows, figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(rows, figures: Dict[str, Dict[str, float]], reps: int) -> Table:
    body = [(crate, label, seconds(sample.seconds), mebibytes(sample.peak_kib)) for crate, label, sample, _ in rows]
    notes = [
        f"Median wall time of {reps} whole processes per row, the two tools alternating; peak: the largest "
        "resident size of those processes (wait4's ru_maxrss).",
        f"buildsys: `{PYTHON} -s /usr/bin/buildsys ...` as `make install` writes it (byte-compiled); the tree is "
        "Debian's crate prepared by %cargo_prep, the Cargo.toml the one %cargo_install put into the registry. "
        "`generate` is what macros.d/cargo.attr runs (answers recorded by %cargo_prep); the other rows read the "
        "crate. cargo2rpm 0.4.0: its console script under the same interpreter, asked as Fedora's cargo.attr asks "
        "(the Cargo.toml path on stdin, `cargo metadata` inside).",
        "Each repetition asks about a subpackage drawn at random (random.Random(18)).",
    ]
    for crate, f in figures.items():
        generator = median([f["cargo2rpm provides --subpackage (cargo.attr)"],
                            f["cargo2rpm requires --subpackage (cargo.attr)"]])
        ours = median([f["generate provides (cargo.attr)"], f["generate requires (cargo.attr)"]])
        per_subpackage = generator * 2 * f["subpackages"]
        metadata = f["metadata (all subpackages, one process)"]
        notes.append(
            f"{crate} ({f['subpackages']:.0f} subpackages): the generator call, cargo2rpm / buildsys: "
            f"{ratio(generator / ours)} ({seconds(generator)} against {seconds(ours)}); `metadata` against the "
            f"per-subpackage path ({f['subpackages']:.0f} × 2 cargo2rpm calls, {seconds(per_subpackage)}): "
            f"{ratio(per_subpackage / metadata)}."
        )
    return make("Start-up: each call a build makes, as a whole process", ("crate", "call", "median", "peak"), body,
                notes)


def benchmark(reps: int = 11) -> Table:
    rows, figures = measure(reps)
    return table(rows, figures, reps)
