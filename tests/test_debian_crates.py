"""Unseen real crates, as Debian trixie ships them in ``librust-*-dev``,
built with the minimal ``BuildSystem: cargo`` spec by real rpmbuild 4.20.1
(trixie) and 6.1 (forky). Every feature must come out as a subpackage whose
Provides and Requires equal what cargo2rpm 0.4.0 computes from cargo's own
metadata, apart from the core issue's documented improvements (other-OS
dependencies dropped, comparators intersected).

The crates were picked because their dependencies (optional ones included:
cargo resolves those too) are in both roots' registries, and they differ in
shape: 400 empty Windows features, proc-macro and sval/serde feature webs,
a build script, a Linux system crate, a library with a binary."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Tuple

import pytest

import oracles
from debian_corpus import DEBIAN_ONLY
from expectations import assert_requires_agree, cargo2rpm_expectations, own_deps
from helpers import crate_archive, minimal_spec
from rpmroot import SOURCES, SUITES, BuildRoot

# crate directory in Debian's registry -> extra spec lines. --no-check where
# the crate's dev-dependencies are not packaged in the roots (cargo cannot
# resolve the test build offline); the tests run for all the others.
CRATES: Dict[str, str] = {
    "winapi-0.3.9": "",
    "bytemuck-1.21.0": "",
    "value-bag-1.9.0": "",
    "regex-syntax-0.8.5": "",
    "unicode-bidi-0.3.17": "",
    "typenum-1.17.0": "",
    # its network test needs interfaces a build chroot does not have
    "sysinfo-0.30.13": "BuildOption(check): --skip test_networks\n",
    "smallvec-1.13.2": "BuildOption: --no-check\n",
    "escargot-0.5.12": "BuildOption: --no-check\n",
}


def crate_facts(src: Path) -> Tuple[str, str, str, bool]:
    """Name, version, license and whether it has binaries, as cargo reads
    the manifest: what a packager copies into the spec."""
    meta = oracles.cargo_metadata(src)
    assert meta is not None, f"cargo metadata fails on {src}"
    pkg = oracles.root_package(meta, src)
    bins = any("bin" in t["kind"] for t in pkg["targets"])
    return pkg["name"], pkg["version"], pkg["license"] or "MIT", bins


def is_ours(name: str, crate: str) -> bool:
    # the binaries' package is named after the crate (Fedora's applications)
    return name in (crate, f"rust-{crate}", f"rust-{crate}-devel") or name.startswith(f"rust-{crate}+")


@pytest.fixture(scope="module", params=sorted(SUITES))
def debian_builds(request, corpus_registry, tmp_path_factory):
    """Every crate built in one root per suite, in turn; the logs of failed
    builds are kept for the assertion message."""
    registry = corpus_registry
    with BuildRoot(request.param, tmp_path_factory.mktemp("debian-" + request.param)) as root:
        results = {}
        for dirname, extra in CRATES.items():
            src = registry / dirname
            name, version, license_, bins = crate_facts(src)
            crate_archive(src, root.path(SOURCES), name, version, skip=DEBIAN_ONLY)
            spec = f"/root/rust-{name}.spec"
            root.write(spec, minimal_spec(name, version, license_, bins, extra).encode())
            proc = root.rpmbuild(spec, "-ba", check=False)
            results[dirname] = (src, name, bins, proc)
        built = root.built()
        yield root, results, built


@pytest.mark.rpmbuild
@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("dirname", sorted(CRATES))
def test_unseen_debian_crate_builds_with_the_minimal_spec(debian_builds, dirname, figures):
    root, results, built = debian_builds
    src, name, bins, proc = results[dirname]
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    expected = cargo2rpm_expectations(src)
    ours = sorted(n for n in built if is_ours(n, name) and not n.endswith(("-debuginfo", "-debugsource")))
    assert ours == sorted(list(expected) + ([name] if bins else []))
    for pkg, (provides, requires) in expected.items():
        got_provides, got_requires = own_deps(built[pkg])
        assert got_provides == provides, pkg
        assert_requires_agree(got_requires, requires, pkg)
        assert built[pkg].arch == "noarch", pkg
        figures[f"debian crates on {root.suite}: subpackages matching cargo2rpm"] += 1
        figures[f"debian crates on {root.suite}: of them with Requires identical in form"] += got_requires == requires
    if bins:
        assert any(f.startswith("/usr/bin/") for f in built[name].files)


def test_minimal_spec_is_about_a_dozen_lines():
    spec = minimal_spec("bytemuck", "1.21.0", "Zlib OR Apache-2.0 OR MIT", False, "")
    lines = [line for line in spec.splitlines() if line.strip()]
    assert len(lines) <= 12
