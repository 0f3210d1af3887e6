"""BuildSystem: cargo and %cargo_compat beside Fedora's own Rust macro files.

Fedora's macros.cargo, macros.rust and macros.rust-srpm sort after
macros.buildsys* and define %cargo_*, %crates_source, %version_no_tilde...
with their own signatures; its cargo.attr runs cargo2rpm on every Cargo.toml
in the registry. A root that holds them as Fedora installs them (the shared
copy of rust-packaging 24~pre.6, and the cargo2rpm command its cargo.attr
runs) must build buildsys's specs into exactly the packages a root without
them builds: same names, same Provides and Requires, none doubled.

Both sides are measured here, never written down: each project is built in
a root with buildsys alone and in one with Fedora's files too, and the two
are compared. RPM 4.20.1 and 6.1 take BuildSystem: cargo; 4.16.1.2 (the EL9
stand-in) takes %cargo_compat's static sections. Its Python is 3.9, where
cargo2rpm (3.10+) cannot start: there Fedora's generator, if it ran, would
fail the build.
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

from debian_corpus import DEBIAN_ONLY
from expectations import package_set
from helpers import (APP, EXAMPLE, GATE_CLOSE, GATE_ELSE, GATE_OPEN, LEAF, MID, REGISTRY, REPO, Crate, buildsys_new,
                     crate_archive)
from rpmroot import SOURCES, BuildRoot, shared_upstream

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import cargo2rpm_root  # noqa: E402

pytestmark = [pytest.mark.rpmbuild, pytest.mark.corpus, pytest.mark.slow]

FEDORA = "fedora-rust-packaging-24pre"
# The shared copy's files, where Fedora's packages put them (rpm's
# %_rpmconfigdir on Debian and Fedora alike).
FEDORA_FILES = {
    "macros.d/macros.cargo": "/usr/lib/rpm/macros.d/macros.cargo",
    "macros.d/macros.rust": "/usr/lib/rpm/macros.d/macros.rust",
    "macros.d/macros.rust-srpm": "/usr/lib/rpm/macros.d/macros.rust-srpm",
    "fileattrs/cargo.attr": "/usr/lib/rpm/fileattrs/cargo.attr",
}

# What buildsys-cargo-rpm-macros installs under Fedora's file names
BUILDSYS_FEDORA_API = ("/usr/lib/rpm/macros.d/macros.cargo", "/usr/lib/rpm/macros.d/macros.rust",
                       "/usr/lib/rpm/fileattrs/cargo.attr", "/usr/lib/rpm/fileattrs/cargo_vendor.attr")

# suite -> (its RPM, what the spec's gate picks there: %{cargo_buildsystem})
SUITES = {
    "trixie": ("4.20.1", "1"),
    "forky": ("6.1", "1"),
    "bullseye": ("4.16.1.2", "0"),
}

# Unseen crates from Debian's registry, with the spec `buildsys new` writes:
# a library with features, and one with binaries as well.
UNSEEN = ["unicode-bidi-0.3.17", "xml-rs-0.8.19"]

# project -> the crates whose packages it builds (a package belongs to a
# crate as rust-CRATE-devel, rust-CRATE+FEATURE-devel or CRATE)
PROJECTS: Dict[str, Tuple[str, ...]] = {
    "fixture chain": (LEAF.name, MID.name, APP.name),
    "bundled example": (EXAMPLE.name,),
    **{dirname: (dirname.rsplit("-", 1)[0],) for dirname in UNSEEN},
}

Packages = Dict[str, Tuple[List[str], List[str], str]]


def install_fedoras_files(root: BuildRoot) -> None:
    """Fedora's macro files and cargo.attr as its packages install them,
    and cargo2rpm (the command cargo.attr runs) as its console script."""
    upstream = shared_upstream() / FEDORA
    # make install put buildsys-cargo-rpm-macros's files there too: the real
    # package replaces that one (dnf swap, tests/test_fedora_api_swap.py)
    for inside in BUILDSYS_FEDORA_API:
        root.path(inside).unlink()
    for name, inside in FEDORA_FILES.items():
        root.write(inside, (upstream / name).read_bytes())
    with zipfile.ZipFile(cargo2rpm_root.wheel()) as whl:
        whl.extractall(root.path("/usr/lib/python3/dist-packages"))
    root.write("/usr/bin/cargo2rpm", cargo2rpm_root.SCRIPT.encode()).chmod(0o755)


def unseen_specs(registry: Path, workdir: Path) -> List[Tuple[Path, str, str]]:
    """(.crate, spec name, spec text) of each unseen crate."""
    out = []
    for dirname in UNSEEN:
        name, version = dirname.rsplit("-", 1)
        archive = crate_archive(registry / dirname, workdir, name, version, skip=DEBIAN_ONLY)
        out.append((archive, f"{dirname}.spec", buildsys_new(archive)))
    return out


def behind_the_gate(spec: str) -> str:
    """A BuildSystem-only spec behind the documented version gate
    (docs/compat.md), its BuildOption lines as %cargo_compat's words: the
    bundled example, as RPM 4.16 needs it."""
    lines = spec.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("BuildSystem:"))
    end = at + 1
    while end < len(lines) and lines[end].startswith("BuildOption"):
        end += 1
    options = [re.match(r"BuildOption(?:\((\w+)\))?:\s*(.*)$", line).groups() for line in lines[at + 1:end]]
    # conf's words (a BuildOption without a section) come before any "SECTION:"
    words = [w for s, w in options if not s] + [f"{s}: {w}" for s, w in options if s]
    compat = "%cargo_compat" + (" -- " + " ".join(words) if words else "")
    return "\n".join(lines[:at] + [GATE_OPEN, *lines[at:end], GATE_ELSE, compat, GATE_CLOSE] + lines[end:]) + "\n"


def the_example(suite: str, workdir: Path) -> Crate:
    """The bundled example as it is where the gate picks BuildSystem: cargo,
    and behind the gate elsewhere."""
    if SUITES[suite][1] == "1":
        return EXAMPLE
    spec = workdir / EXAMPLE.spec.name
    spec.write_text(behind_the_gate(EXAMPLE.spec.read_text()))
    return EXAMPLE._replace(spec=spec)


def build_everything(root: BuildRoot, example: Crate, unseen: Sequence[Tuple[Path, str, str]]) -> Dict[str, str]:
    """The chain (leaf, its RPMs installed, mid, its RPMs installed, app),
    the example and the unseen crates, each -ba, no --nodeps: project ->
    the end of the log of a build that failed ("" where all went well)."""
    def failed(proc) -> str:
        return "" if proc.returncode == 0 else (proc.stdout[-3000:] + proc.stderr[-3000:])

    logs = {project: "" for project in PROJECTS}
    for crate in (LEAF, MID, APP):
        logs["fixture chain"] = failed(root.rpmbuild(root.stage(crate), "-ba", check=False))
        if logs["fixture chain"]:
            break
        if crate is not APP:
            root.install(h.path for h in root.built(f"rust-{crate.name}").values())
    logs["bundled example"] = failed(root.rpmbuild(root.stage(example), "-ba", check=False))
    root.path(SOURCES).mkdir(parents=True, exist_ok=True)
    for (archive, spec_name, spec), dirname in zip(unseen, UNSEEN):
        shutil.copy(archive, root.path(SOURCES))
        root.write(f"/root/{spec_name}", spec.encode())
        logs[dirname] = failed(root.rpmbuild(f"/root/{spec_name}", "-ba", check=False))
    return logs


# suite -> the packages and logs of each side, and the root beside Fedora's files
Side = Tuple[Packages, Dict[str, str]]
_SIDES: Dict[str, Tuple[Side, Side, BuildRoot]] = {}


@pytest.fixture(scope="module")
def sides_dir(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("side-by-side")
    yield workdir
    for _, _, root in _SIDES.values():
        root.remove()
    _SIDES.clear()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def unseen(corpus_registry, sides_dir):
    out = sides_dir / "crates"
    out.mkdir()
    return unseen_specs(corpus_registry, out)


@pytest.fixture(params=sorted(SUITES), scope="module")
def sides(request, sides_dir, unseen):
    """suite, ((packages, logs) alone, (packages, logs) beside Fedora's
    files, the root beside them)."""
    suite = request.param
    if suite not in _SIDES:
        example = the_example(suite, sides_dir / "crates")
        with BuildRoot(suite, sides_dir / f"{suite}-alone") as alone:
            logs_alone = build_everything(alone, example, unseen)
            packages_alone = package_set(alone)
        beside = BuildRoot(suite, sides_dir / f"{suite}-beside")
        install_fedoras_files(beside)
        logs_beside = build_everything(beside, example, unseen)
        _SIDES[suite] = ((packages_alone, logs_alone), (package_set(beside), logs_beside), beside)
    return suite, _SIDES[suite]


def belongs(package: str, crates: Sequence[str]) -> bool:
    return any(package == c or package.startswith((f"rust-{c}-", f"rust-{c}+")) for c in crates)


def test_fedoras_files_are_in_force_beside_buildsys(sides):
    """The comparison means something only where Fedora's names win: its
    %cargo_* over buildsys's, its generator set up for the registry."""
    suite, (_, _, beside) = sides
    rpm_version, gate = SUITES[suite]
    assert beside.run("rpm --version").stdout.split()[-1].startswith(rpm_version)
    assert beside.run("rpm --define 'name rust-leaf' --eval '%{cargo_buildsystem}'").stdout.strip() == gate
    # Fedora's getopt string: buildsys's %cargo_install has no -t
    tried = beside.run("rpm --eval '%{cargo_install -t x}'", check=False)
    assert "Unknown option" not in tried.stderr, tried.stderr
    assert beside.run("rpm --eval '%{?__cargo_to_rpm}'").stdout.strip() == "/usr/bin/cargo2rpm"
    assert "cargo2rpm" in beside.run("rpm --eval '%{__cargo_provides}'").stdout
    assert "registry" in beside.run("rpm --eval '%{__cargo_path}'").stdout
    if gate == "1":
        # where the generator can run, it answers for the Cargo.toml our
        # rust-leaf-devel installed: rpmbuild would have added its answer
        manifest, = beside.path(REGISTRY).glob(f"{LEAF.name}-*/Cargo.toml")
        generator = beside.run("rpm --define 'name rust-leaf-devel' --eval '%{__cargo_provides}'").stdout.strip()
        answer = beside.run(f"echo {beside.inside(manifest)} | {generator}").stdout.split()
        assert answer, "Fedora's generator gives nothing here: the comparison would prove nothing"


@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_the_same_packages_are_built_beside_fedoras_files(sides, project, figures):
    suite, ((alone, logs_alone), (beside, logs_beside), _) = sides
    assert not logs_alone[project], f"{project} fails on {suite} with buildsys alone:\n{logs_alone[project]}"
    assert not logs_beside[project], f"{project} fails on {suite} beside Fedora's files:\n{logs_beside[project]}"
    crates = PROJECTS[project]
    mine = {n: v for n, v in alone.items() if belongs(n, crates)}
    theirs = {n: v for n, v in beside.items() if belongs(n, crates)}
    assert mine, f"{project}: nothing built on {suite}"
    assert sorted(theirs) == sorted(mine), f"{project} on {suite}: package names differ"
    for name in mine:
        provides, requires, arch = mine[name]
        assert theirs[name][0] == provides, f"{name} on {suite}: Provides {theirs[name][0]} beside Fedora's files"
        assert theirs[name][1] == requires, f"{name} on {suite}: Requires {theirs[name][1]} beside Fedora's files"
        assert theirs[name][2] == arch, f"{name} on {suite}: {theirs[name][2]}"
        # none doubled by a second generator
        assert len(set(provides)) == len(provides) and len(set(requires)) == len(requires), name
    figures[f"side by side with Fedora's macro files: packages compared on RPM {SUITES[suite][0]}"] += len(mine)


def test_nothing_else_is_built_beside_fedoras_files(sides):
    suite, ((alone, _), (beside, _), _) = sides
    assert sorted(beside) == sorted(alone), suite
    assert all(belongs(n, [c for cs in PROJECTS.values() for c in cs]) for n in alone), sorted(alone)


@pytest.mark.parametrize("fedoras_vendor_generator", [False, True], ids=["alone", "beside Fedora's cargo_vendor.attr"])
def test_buildsys_vendor_attr_steps_aside_for_fedoras(sides, fedoras_vendor_generator):
    """cargo-rpm-macros 25+ ships cargo_vendor.attr (%__cargo_vendor_*), which
    the shared 24~pre copy has not: where it is defined, a spec of Fedora's
    gets bundled(crate(...)) from it alone, never twice."""
    _, (_, _, beside) = sides
    define = "--define '__cargo_vendor_path ^/usr/share/licenses/[^/]+/cargo-vendor.txt$' " if fedoras_vendor_generator else ""
    ours = beside.run(f"rpm {define}--eval '%{{__buildsys_vendor_path}}'").stdout.strip()
    assert bool(ours) != fedoras_vendor_generator, ours
