"""A build as mock and koji drive it, with real rpmbuild and real dnf:

1. the SRPM is built (``rpmbuild -bs``) in a root that has nothing of
   buildsys but the buildsys-srpm-macros RPM (built from buildsys.spec);
2. a build root starts from the farm's base set, here that same
   buildsys-srpm-macros package installed with dnf from the repository;
   the SRPM is installed, and ``rpmbuild -br`` runs in a loop: while it
   exits 11, the BuildRequires it wrote into the .buildreqs.nosrc.rpm are
   installed with dnf from the repository, buildsys itself included;
3. ``rpmbuild -ba``, no --nodeps.

The crate is mid, whose dependency leaf comes from the repository as the
RPMs buildsys built (repo_helpers.builds). cargo, rustc and Python are
Debian's in these roots; bridge packages tell the rpmdb so (rpmroot's for
cargo, rust and Debian's registry crates, repo_helpers' for python3 and
make), as a farm's base set of RPMs would provide them.

On RPM 4.20.1 with dnf 4 (trixie) and RPM 6.1 with dnf5 (forky)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from expectations import own_deps
from helpers import MID, caret
from repo_helpers import DNF, Builds, built, install_tools_bridge, installed, make_repo  # noqa: F401 (built: a fixture)
from rpmroot import BuildRoot, Header

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow]


# Hand-derived. %cargo_generate_buildrequires (macros.buildsys-srpm) asks for
# cargo and buildsys, and, once buildsys is installed, for the crate's
# BuildRequires; mid's Cargo.toml: rust-version = "1.70", leaf = "1.2" with
# its default features and "unix", no dev-dependencies; with the tests on,
# every feature of mid counts (cargo test's lock file): logging adds leaf/log.
LEAF_BRS = {caret("crate(leaf/default)", "1.2.0", "2.0.0"), caret("crate(leaf/unix)", "1.2.0", "2.0.0"),
            caret("crate(leaf/log)", "1.2.0", "2.0.0")}
ROUND1_ASKED = {"cargo", "buildsys"}
ROUND2_ASKED = {"cargo", "buildsys", "rust >= 1.70"} | LEAF_BRS
# cargo and rust >= 1.70 are there from the start (the bridge: cargo 1.85
# on trixie, 1.97 on forky), so each round misses only the new ones.
ROUND1_MISSING = {"buildsys"}
ROUND2_MISSING = LEAF_BRS
# what dnf adds: buildsys (its srpm-macros are already in the base set);
# then leaf-devel, +default (and +std, which leaf's default = ["std"]
# enables), +unix and +log.
ROUND1_INSTALLED = {"buildsys"}
ROUND2_INSTALLED = {"rust-leaf-devel", "rust-leaf+default-devel", "rust-leaf+std-devel", "rust-leaf+unix-devel",
                    "rust-leaf+log-devel"}
# mid's features: default = [], logging = ["leaf/log"]
MID_PACKAGES = {"rust-mid-devel", "rust-mid+default-devel", "rust-mid+logging-devel"}


@dataclass(frozen=True)
class Round:
    exit_status: int
    asked: Tuple[str, ...]  # the Requires of the .buildreqs.nosrc.rpm
    missing: Tuple[str, ...]  # what rpmbuild said was missing
    installed: Tuple[str, ...]  # what dnf added to the rpmdb


@dataclass(frozen=True)
class FarmBuild:
    srpm_root: BuildRoot
    build_root: BuildRoot
    srpm: str
    base: Dict[str, str]  # the build root's rpmdb before the loop
    rounds: Tuple[Round, ...]
    final: Dict[str, Header]


def build_srpm(suite: str, workdir: Path, built: Builds) -> Tuple[BuildRoot, str]:
    """rpmbuild -bs with only the parse-time macros (koji's buildSRPMFromSCM
    root has the srpm-build group, of which buildsys-srpm-macros is the
    part this project provides)."""
    root = BuildRoot(suite, workdir / "srpm", install=False)
    root.write("/root/buildsys-srpm-macros.rpm", built.self_rpms.srpm_macros.read_bytes())
    root.run("rpm -i /root/buildsys-srpm-macros.rpm")
    root.rpmbuild(root.stage(MID), "-bs")
    return root, "/root/rpmbuild/SRPMS/rust-mid-0.4.0-1.src.rpm"


def requires_of(root: BuildRoot, rpm_file: str) -> List[str]:
    out = root.run(f"rpm -qp --requires {rpm_file}").stdout.splitlines()
    return sorted(line.strip() for line in out if line.strip() and not line.startswith("rpmlib("))


def farm_build(suite: str, workdir: Path, built: Builds) -> FarmBuild:
    srpm_root, srpm = build_srpm(suite, workdir, built)
    flavour = DNF[suite]
    root = BuildRoot(suite, workdir / "build", extra=flavour.extra, install=False)
    install_tools_bridge(root)
    repo = make_repo(root, "/srv/repo", built.leaf + [built.self_rpms.main, built.self_rpms.srpm_macros])

    def dnf_install(*specs: str) -> None:
        root.run(flavour.cmd("/", {"farm": repo}, "install", *specs))

    dnf_install("buildsys-srpm-macros")
    base = installed(root, "/")
    root.write("/root/mid.src.rpm", srpm_root.path(srpm).read_bytes())
    root.run("rpm -i /root/mid.src.rpm")
    spec = f"/root/rpmbuild/SPECS/{MID.spec.name}"
    rounds: List[Round] = []
    for _ in range(5):
        proc = root.rpmbuild(spec, "-br", check=False)
        if proc.returncode == 0:
            rounds.append(Round(0, (), (), ()))
            break
        assert proc.returncode == 11, proc.stdout[-3000:] + proc.stderr[-3000:]
        nosrc = sorted(root.path("/root/rpmbuild/SRPMS").glob("*.buildreqs.nosrc.rpm"))
        assert len(nosrc) == 1, nosrc
        asked = requires_of(root, root.inside(nosrc[0]))
        missing = re.findall(r"^\s+(.+) is needed by rust-mid-", proc.stderr, re.M)
        before = set(installed(root, "/"))
        dnf_install(*asked)
        nosrc[0].unlink()
        rounds.append(Round(11, tuple(asked), tuple(sorted(missing)), tuple(sorted(set(installed(root, "/")) - before))))
    root.rpmbuild(spec, "-ba")
    final = {n: h for n, h in root.built().items() if n.startswith("rust-mid")}
    return FarmBuild(srpm_root, root, srpm, base, tuple(rounds), final)


_FARM: Dict[str, FarmBuild] = {}


@pytest.fixture(scope="module", params=sorted(DNF))
def farm(request, built, tmp_path_factory) -> FarmBuild:
    workdir = tmp_path_factory.mktemp(f"farm-{request.param}")
    yield farm_build(request.param, workdir, built)
    shutil.rmtree(workdir, ignore_errors=True)


def test_srpm_is_built_with_only_the_parse_time_macros(farm):
    root = farm.srpm_root
    rpms = set(installed(root, "/"))
    assert rpms == {"buildsys-srpm-macros", "debian-bridge"}
    assert not root.path("/usr/bin/buildsys").exists() and not (root.lower / "usr/bin/buildsys").exists()
    assert not root.path("/usr/lib/rpm/macros.d/macros.buildsys").exists()
    # no static BuildRequires: everything comes from the -br loop
    assert requires_of(root, farm.srpm) == []


def test_build_root_starts_without_buildsys(farm):
    assert "buildsys" not in farm.base and "buildsys-srpm-macros" in farm.base
    assert not [n for n in farm.base if n.startswith("rust-")]


def test_each_round_asks_for_what_buildsys_can_know_then(farm):
    assert [r.exit_status for r in farm.rounds] == [11, 11, 0]
    first, second, _ = farm.rounds
    assert set(first.asked) == ROUND1_ASKED and set(first.missing) == ROUND1_MISSING
    assert set(second.asked) == ROUND2_ASKED and set(second.missing) == ROUND2_MISSING


def test_each_round_installs_the_reported_buildrequires_from_the_repository(farm):
    first, second, _ = farm.rounds
    assert set(first.installed) == ROUND1_INSTALLED
    assert set(second.installed) == ROUND2_INSTALLED


def test_final_build_gives_the_same_packages_as_a_build_with_make_install(farm, built):
    """The farm's mid (buildsys from its RPM, leaf from the repository via
    dnf) equals mid built with `make install` and leaf installed by rpm -i."""
    assert set(farm.final) == MID_PACKAGES
    reference = {h.name: h for h in (Header(p) for p in built.mid)}
    for name, h in farm.final.items():
        assert own_deps(h) == own_deps(reference[name]), name
        assert h.arch == "noarch", name
    # and the SRPM the farm keeps records the dynamic BuildRequires
    srpm = farm.build_root.path("/root/rpmbuild/SRPMS/rust-mid-0.4.0-1.src.rpm")
    assert set(Header(srpm).requires) == ROUND2_ASKED
