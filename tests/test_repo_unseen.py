"""Unseen real crates, built by buildsys into a repository and installed by
crate(...) name with real dnf (4 on trixie, dnf5 on forky) into fresh
installroots: serde_json and the three crates it depends on that buildsys
builds too (itoa, ryu, memchr), from Debian trixie's librust-*-dev sources,
each with the minimal spec. Everything else they need (serde, indexmap, log,
cargo, rust) comes from the stand-in package for Debian's registry, which
provides nothing of these four."""

from __future__ import annotations

import itertools
import shutil
from typing import Dict, FrozenSet, List, Tuple

import pytest

from debian_corpus import DEBIAN_ONLY
from helpers import crate_archive, minimal_spec
from repo_helpers import DNF, installed, make_repo, registry_standin
from rpmroot import SOURCES, BuildRoot

pytestmark = [pytest.mark.rpmbuild, pytest.mark.corpus, pytest.mark.slow]

UNSEEN = {"itoa": "1.0.14", "ryu": "1.0.19", "memchr": "2.7.4", "serde_json": "1.0.139"}
STANDIN = "debian-registry-standin"

# Derived by hand from the four Cargo.toml files (Debian trixie) and
# Fedora's conventions, not from buildsys' output:
# - serde_json-devel needs its non-optional dependencies: itoa and ryu with
#   default features (crate(X/default)), memchr and serde without
#   (default-features = false);
# - serde_json: std = ["memchr/std", "serde/std"], preserve_order =
#   ["indexmap", "std"] ("indexmap" is the implicit feature of the optional
#   dependency, as no "dep:indexmap" hides it);
# - memchr: std = ["alloc"], logging = ["dep:log"]; itoa's and ryu's
#   default features enable nothing.
ITOA = {"rust-itoa-devel", "rust-itoa+default-devel"}
RYU = {"rust-ryu-devel", "rust-ryu+default-devel"}
SERDE_JSON = {"rust-serde_json-devel", "rust-memchr-devel", STANDIN} | ITOA | RYU
STD = SERDE_JSON | {"rust-serde_json+std-devel", "rust-memchr+std-devel", "rust-memchr+alloc-devel"}
INSTALL_SETS: Dict[str, FrozenSet[str]] = {
    "crate(serde_json)": frozenset(SERDE_JSON),
    "crate(serde_json/std)": frozenset(STD),
    "crate(serde_json/default)": frozenset(STD | {"rust-serde_json+default-devel"}),
    "crate(serde_json/preserve_order)": frozenset(STD | {"rust-serde_json+preserve_order-devel",
                                                           "rust-serde_json+indexmap-devel"}),
    "crate(memchr/logging)": frozenset({"rust-memchr-devel", "rust-memchr+logging-devel", STANDIN}),
}
NO_SUCH_FEATURE = ["crate(serde_json/nope)", "crate(memchr/dep:log)", "crate(itoa/std)"]


@pytest.fixture(scope="module")
def unseen_rpms(corpus_registry, tmp_path_factory) -> Tuple[BuildRoot, List[str]]:
    """The four crates built on RPM 4.20.1, and the stand-in, as paths in
    the trixie root (which has dnf 4 and createrepo_c)."""
    with BuildRoot("trixie", tmp_path_factory.mktemp("unseen"), extra=DNF["trixie"].extra) as root:
        for name, version in UNSEEN.items():
            crate_archive(corpus_registry / f"{name}-{version}", root.path(SOURCES), name, version, skip=DEBIAN_ONLY)
            # tests off: their dev-dependencies are not packaged here
            spec = minimal_spec(name, version, "MIT OR Apache-2.0", False, "BuildOption: --no-check\n")
            root.write(f"/root/rust-{name}.spec", spec.encode())
            root.rpmbuild(f"/root/rust-{name}.spec", "-bb")
        rpms = [root.inside(p) for p in sorted(root.path("/root/rpmbuild/RPMS").rglob("rust-*.rpm"))]
        rpms.append(root.inside(registry_standin(root, exclude=list(UNSEEN))))
        yield root, rpms


@pytest.fixture(scope="module", params=sorted(DNF))
def repo(request, unseen_rpms, tmp_path_factory):
    """(root with that dnf, repository path in it, an installroot counter)."""
    builder, rpms = unseen_rpms
    if request.param == "trixie":
        root, workdir = builder, None
    else:
        workdir = tmp_path_factory.mktemp(f"unseen-{request.param}")
        root = BuildRoot(request.param, workdir, extra=DNF[request.param].extra, install=False)
        for path in rpms:
            root.write(path, builder.path(path).read_bytes())
    yield request.param, root, make_repo(root, "/srv/repos/unseen", [root.path(p) for p in rpms]), itertools.count()
    if workdir is not None:
        shutil.rmtree(workdir, ignore_errors=True)


def install(repo, capability: str):
    flavour, root, path, counter = repo
    installroot = f"/var/tmp/unseen-installroot-{next(counter)}"
    proc = root.run(DNF[flavour].cmd(installroot, {"unseen": path}, "install", capability), check=False)
    return proc.returncode, proc.stdout + proc.stderr, installed(root, installroot)


@pytest.mark.parametrize("capability", sorted(INSTALL_SETS))
def test_unseen_crates_install_exactly_their_closure_by_crate_name(repo, capability):
    code, log, got = install(repo, capability)
    assert code == 0, log[-3000:]
    assert set(got) == INSTALL_SETS[capability], log[-3000:]
    for name, version in UNSEEN.items():
        if f"rust-{name}-devel" in got:
            assert got[f"rust-{name}-devel"] == version


@pytest.mark.parametrize("capability", NO_SUCH_FEATURE)
def test_unseen_crates_refuse_features_they_do_not_have(repo, capability):
    code, log, got = install(repo, capability)
    assert code != 0 and "No match for argument" in log, log[-3000:]
    assert not got
