"""Part 6, parse time on RPM 4.16 (EPEL 9's static mode): ``rpmspec -P`` of
the spec ``buildsys new`` writes for a large crate, whose ``%cargo_compat``
expands every subpackage from the crate archive while the spec is parsed
(one ``buildsys mode`` and one ``buildsys sections``), against the static
spec rust2rpm writes for the same crate (benchmarks/specs.py), which lists
them all.

Both are parsed in the same overlay of the cached Debian bullseye root
(RPM 4.16.1.2, the host's Rust standing in for EL9's), many times, by a
loop inside the root, so that entering the root is not timed; the two
alternate.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Dict, List

from benchmarks.realcrates import by_name
from benchmarks.specs import static
from benchmarks.stats import median
from benchmarks.table import Table, make, ratio, seconds
from buildsys import manifest, plan
from buildsys.files import licenses_and_docs, walk_sources
from buildsys.newspec import spec_for
from debian_corpus import DEBIAN_ONLY, cache_root
from rpmroot import BuildRoot, crate_archive

DEFAULT_CRATE = "winapi-0.3.9"
# the timing loop, run by the root's own python3 (3.9)
LOOP = """
import subprocess, sys, time
reps, specs = int(sys.argv[1]), sys.argv[2:]
for r in range(reps):
    for spec in (specs if r % 2 == 0 else specs[::-1]):
        start = time.perf_counter()
        out = subprocess.run(["rpmspec", "-P", spec], capture_output=True, text=True)
        took = time.perf_counter() - start
        if out.returncode:
            sys.exit(out.stderr[-3000:])
        print(spec, took, out.stdout.count("%package"), flush=True)
"""


def measure(dirname: str, reps: int) -> Dict[str, object]:
    crate = by_name(dirname)
    base = cache_root() / "bench"
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="parsetime-", dir=base))
    try:
        root = BuildRoot("bullseye", work)
        sources = root.path("/root/rpmbuild/SOURCES")
        archive = crate_archive(crate.directory, sources, crate.name, crate.version, skip=DEBIAN_ONLY)
        ours = spec_for(archive)
        unpacked = work / "unpacked"
        shutil.copytree(crate.directory, unpacked, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
        m = manifest.load(str(unpacked))
        licenses, docs = licenses_and_docs(walk_sources(unpacked), m.license_file)
        theirs = static(plan.plan(m), m.license or "MIT", f"Debian's {crate.name} crate", licenses, docs)
        root.write("/root/buildsys-new.spec", ours.encode())
        root.write("/root/rust2rpm-static.spec", theirs.encode())
        root.write("/root/loop.py", LOOP.encode())
        proc = root.run(f"python3 /root/loop.py {reps} /root/buildsys-new.spec /root/rust2rpm-static.spec")
        times: Dict[str, List[float]] = {}
        packages: Dict[str, int] = {}
        for line in proc.stdout.splitlines():
            spec, took, count = line.split()
            times.setdefault(spec, []).append(float(took))
            packages[spec] = int(count)
        version = root.run("rpm --version").stdout.strip()
        return {"crate": dirname, "times": times, "packages": packages, "version": version,
                "lines": {"/root/buildsys-new.spec": len(ours.splitlines()),
                          "/root/rust2rpm-static.spec": len(theirs.splitlines())}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(found: Dict[str, object]) -> Table:
    times: Dict[str, List[float]] = found["times"]  # type: ignore[assignment]
    labels = {"/root/buildsys-new.spec": "`buildsys new` spec (%cargo_compat: static mode)",
              "/root/rust2rpm-static.spec": "rust2rpm's static spec"}
    rows = [(labels[spec], found["lines"][spec], found["packages"][spec],  # type: ignore[index]
             seconds(median(ts)), f"{seconds(min(ts))} – {seconds(max(ts))}") for spec, ts in times.items()]
    ours, theirs = (median(times[s]) for s in labels)
    notes = [
        f"`rpmspec -P` of both specs for Debian's {found['crate']} in a Debian bullseye root ({found['version']}), "
        f"{len(times['/root/buildsys-new.spec'])} parses each, alternating, timed by a loop inside the root.",
        "%package: `%package` lines in the parsed output (the subpackages the spec defines at parse time).",
        f"buildsys / rust2rpm: {ratio(ours / theirs)} (target: at most 2×).",
    ]
    return make("Parse time on RPM 4.16: rpmspec -P", ("spec", "lines", "%package", "median", "range"), rows, notes)


def benchmark(dirname: str = DEFAULT_CRATE, reps: int = 7) -> Table:
    return table(measure(dirname, reps))
