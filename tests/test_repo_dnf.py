"""dnf resolves what buildsys builds: the fixture crates leaf and mid, and
leaf again at other versions, built with real rpmbuild 4.20.1, go into
repositories made by real createrepo_c; real dnf (dnf 4.23 on Debian
trixie, dnf5 5.4 on forky) installs from them into fresh, empty
installroots, by crate(...) capability only.

cargo and the crates the fixtures take from Debian (libc, log, serde) are
dpkg packages in the roots; a Fedora repository would hold them as RPMs.
Here one stand-in package (repo_helpers.registry_standin) provides them,
read from Debian's registry; it provides nothing of leaf or mid, so every
crate(leaf...) and crate(mid...) dnf resolves comes from a package buildsys
built. It shows up in every successful install."""

from __future__ import annotations

import itertools
import shutil
from typing import Dict, FrozenSet, Tuple

import pytest

from helpers import rpm_version
from repo_helpers import DNF, LEAF_VERSIONS, Builds, built, installed, make_repo  # noqa: F401 (built: a fixture)
from rpmroot import BuildRoot, Header

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow]

STANDIN = "debian-registry-standin"

# Derived by hand from tests/fixtures/{leaf,mid}/Cargo.toml with Fedora's
# conventions (rpm-facts §1), not from buildsys' output:
# - rust-X-devel (crate(X)) requires the non-optional dependencies with
#   their default features: mid-devel needs crate(leaf/default) and, for
#   features = ["unix"], crate(leaf/unix);
# - rust-X+F-devel requires rust-X-devel (crate(X) = V) and what F enables;
# - leaf: default = ["std"], std = ["serde?/std"] (weak: crate(serde) and
#   crate(serde/std), from the stand-in), unix = ["dep:libc"] (libc from the
#   stand-in), log = ["dep:logging"] (log, renamed, from the stand-in),
#   serde = ["dep:serde"];
# - mid: default = [], logging = ["leaf/log"].
LEAF_DEFAULT = {"rust-leaf-devel", "rust-leaf+default-devel", "rust-leaf+std-devel"}
MID = {"rust-mid-devel", "rust-leaf+unix-devel", STANDIN} | LEAF_DEFAULT
INSTALL_SETS: Dict[str, FrozenSet[str]] = {
    "crate(leaf/serde)": frozenset({"rust-leaf+serde-devel", "rust-leaf-devel", STANDIN}),
    "crate(leaf/default)": frozenset(LEAF_DEFAULT | {STANDIN}),
    "crate(mid)": frozenset(MID),
    "crate(mid/default)": frozenset(MID | {"rust-mid+default-devel"}),
    "crate(mid/logging)": frozenset(MID | {"rust-mid+logging-devel", "rust-leaf+log-devel"}),
}

# Capabilities no package may provide. leaf's optional dependencies are all
# enabled through "dep:", which (cargo's rule) removes the implicit feature
# of the dependency's name; winapi is a non-optional, Windows-only
# dependency, never a feature.
NO_SUCH_FEATURE = ["crate(mid/nope)", "crate(leaf/logging)", "crate(leaf/libc)", "crate(leaf/winapi)"]

# mid requires leaf "1.2" (= ^1.2): >= 1.2.0 and < 2.0.0, written
# (crate(leaf/...) >= 1.2.0 with crate(leaf/...) < 2.0.0~). A repository
# holding mid and leaf only at one of these versions: is mid installable?
RANGE_CASES: Dict[str, Tuple[bool, str]] = {
    "2.0.0": (False, "too new: the next major version"),
    "2.0.0-alpha.1": (False, "a pre-release of 2.0.0: the upper bound < 2.0.0~ keeps it out"),
    "1.2.0-rc.1": (False, "a pre-release of the lower bound 1.2.0 sorts below it"),
    "1.1.0": (False, "too old"),
    "1.9.9": (True, "inside the range"),
    # Cargo rejects 1.3.0-alpha.1 for ^1.2 (no comparator opts into its
    # pre-releases); RPM has no opt-in, so dnf accepts it: exception (a) of
    # docs/versions.md, pinned here so that a change of it is seen.
    "1.3.0-alpha.1": (True, "documented exception (a): RPM has no pre-release opt-in"),
}
assert sorted(RANGE_CASES) == sorted(LEAF_VERSIONS)


class DnfRoot:
    """A root with createrepo_c and one dnf, and the repositories of the
    tests; every install goes into a new, empty installroot."""

    def __init__(self, flavour: str, root: BuildRoot, built: Builds) -> None:
        self.flavour = DNF[flavour]
        self.root = root
        self.built = built
        self._count = itertools.count()
        self.repos: Dict[str, str] = {}
        self.repos["main"] = make_repo(root, "/srv/repos/main", built.leaf + built.mid + [built.standin])
        for version in LEAF_VERSIONS:
            self.repos[version] = make_repo(root, f"/srv/repos/leaf-{version}", built.leaf_versions[version] + built.mid + [built.standin])
        many = [p for v in ("2.0.0", "2.0.0-alpha.1", "1.9.9") for p in built.leaf_versions[v]]
        self.repos["many"] = make_repo(root, "/srv/repos/many", built.leaf + many + built.mid + [built.standin])

    def install(self, repo: str, *specs: str) -> Tuple[int, str, Dict[str, str], str]:
        """(exit status, dnf's output, name -> version installed, installroot)."""
        installroot = f"/var/tmp/installroot-{next(self._count)}"
        proc = self.root.run(self.flavour.cmd(installroot, {"local": self.repos[repo]}, "install", *specs), check=False)
        return proc.returncode, proc.stdout + proc.stderr, installed(self.root, installroot), installroot


@pytest.fixture(scope="module", params=sorted(DNF))
def dnf(request, built, tmp_path_factory) -> DnfRoot:
    if request.param == "trixie":
        # the builder root has dnf 4 and createrepo_c already
        yield DnfRoot("trixie", built.root, built)
        return
    workdir = tmp_path_factory.mktemp(f"dnf-{request.param}")
    root = BuildRoot(request.param, workdir, extra=DNF[request.param].extra, install=False)
    yield DnfRoot(request.param, root, built)
    shutil.rmtree(workdir, ignore_errors=True)


def test_stand_in_provides_nothing_buildsys_built(built):
    provided = Header(built.standin).provides
    assert [p for p in provided if p.startswith("cargo = ")] and [p for p in provided if p.startswith("crate(serde/std) = ")]
    assert not [p for p in provided if p.startswith(("crate(leaf", "crate(mid"))]


@pytest.mark.parametrize("capability", sorted(INSTALL_SETS))
def test_installing_a_crate_feature_installs_exactly_its_dependency_closure(dnf, capability):
    rc, out, got, installroot = dnf.install("main", capability)
    assert rc == 0, out
    assert sorted(got) == sorted(INSTALL_SETS[capability]), out
    for name, version in got.items():
        if name.startswith("rust-"):
            assert version == ("1.2.0" if name.startswith("rust-leaf") else "0.4.0"), name
    # the crate sources are where cargo's offline registry reads them
    assert dnf.root.path(f"{installroot}/usr/share/cargo/registry/leaf-1.2.0/src/lib.rs").is_file()


@pytest.mark.parametrize("capability", NO_SUCH_FEATURE)
def test_a_feature_that_does_not_exist_fails_with_no_match_and_installs_nothing(dnf, capability):
    rc, out, got, _ = dnf.install("main", capability)
    assert rc != 0
    assert f"No match for argument: {capability}" in out, out
    assert got == {}


@pytest.mark.parametrize("version", list(RANGE_CASES), ids=[f"leaf-{v}" for v in RANGE_CASES])
def test_version_range_of_mid_on_leaf_admits_and_excludes_the_right_providers(dnf, version):
    accepted, why = RANGE_CASES[version]
    rc, out, got, _ = dnf.install(version, "crate(mid)")
    if accepted:
        assert rc == 0, (why, out)
        leaf = {n: v for n, v in got.items() if n.startswith("rust-leaf")}
        assert sorted(leaf) == sorted(LEAF_DEFAULT | {"rust-leaf+unix-devel"}), out
        assert set(leaf.values()) == {rpm_version(version)}, why
    else:
        assert rc != 0, (why, out)
        assert "nothing provides (crate(leaf/default) >= 1.2.0 with crate(leaf/default) < 2.0.0~)" in out, out
        assert got == {}, why


def test_newest_provider_inside_the_range_is_chosen(dnf):
    """leaf at 1.2.0, 1.9.9, 2.0.0-alpha.1 and 2.0.0 in one repository: mid
    gets 1.9.9, the newest leaf its range admits; leaf alone gets 2.0.0."""
    rc, out, got, _ = dnf.install("many", "crate(mid/logging)")
    assert rc == 0, out
    assert {v for n, v in got.items() if n.startswith("rust-leaf")} == {"1.9.9"}, out
    assert "rust-leaf+log-devel" in got
    rc, out, got, _ = dnf.install("many", "crate(leaf/default)")
    assert rc == 0, out
    assert {v for n, v in got.items() if n.startswith("rust-leaf")} == {"2.0.0"}, out


def test_a_versioned_request_for_a_feature_is_resolved_by_version(dnf):
    """crate(leaf/serde) < 2.0.0~ from the repository with four leaf
    versions: 1.9.9, as 2.0.0~alpha.1 sorts above 2.0.0~ (rpmvercmp)."""
    rc, out, got, _ = dnf.install("many", "crate(leaf/serde) < 2.0.0~")
    assert rc == 0, out
    assert got.get("rust-leaf+serde-devel") == "1.9.9", out
