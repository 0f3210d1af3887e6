"""Expectations for built RPMs that do not come from buildsys: cargo2rpm
0.4.0 run on cargo's own metadata, and RPM's own version comparison for
requirements written in a different but equivalent form; and the package
sets that builds on different RPMs must share."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

from cargo2rpm import rpm as cargo2rpm_rpm
from cargo2rpm.metadata import Package

import oracles
from helpers import Crate
from rpmroot import BuildRoot, Header


def own_deps(h: Header) -> Tuple[List[str], List[str]]:
    """Provides without the package's own name, and Requires."""
    return [p for p in h.provides if not p.startswith(h.name + " ")], h.requires


def assert_requires_agree(ours: List[str], theirs: List[str], what: str) -> None:
    """Equal, or, capability by capability, the same set of versions in a
    tighter form (buildsys intersects any number of comparators; judged by
    RPM's own version comparison)."""
    if ours == theirs:
        return
    mine, other = oracles.by_capability(ours), oracles.by_capability(theirs)
    assert sorted(mine) == sorted(other), what
    for cap in mine:
        if sorted(mine[cap]) != sorted(other[cap]):
            assert len(mine[cap]) == 1, (what, cap)
            versions = oracles.candidate_versions(mine[cap] + other[cap])
            for v in versions:
                assert oracles.rpm_satisfies(mine[cap][0], v) == all(oracles.rpm_satisfies(t, v) for t in other[cap]), (what, cap, v)


def cargo2rpm_expectations(crate_dir: Path) -> Dict[str, Tuple[List[str], List[str]]]:
    """Subpackage -> (Provides, Requires) as cargo2rpm computes them from
    `cargo metadata`, with other-OS dependencies dropped first (buildsys's
    documented improvement)."""
    meta = oracles.cargo_metadata(crate_dir, cached=False)
    assert meta is not None, f"cargo metadata failed on {crate_dir}"
    raw = oracles.root_package(meta, crate_dir)
    exprs = {d["target"] for d in raw["dependencies"] if d["target"] and d["target"].startswith("cfg(")}
    linux = Package(oracles.linux_only_metadata(raw, oracles.rustc_linux_cfg_truth(exprs)))
    if not linux.is_lib():
        return {}
    out = {}
    for feature in [None, "default"] + sorted(linux.features):
        name = f"rust-{raw['name']}-devel" if feature is None else f"rust-{raw['name']}+{feature}-devel"
        with oracles.cargo2rpm_any_comparators():
            out[name] = ([cargo2rpm_rpm.provides(linux, feature)], sorted(cargo2rpm_rpm.requires(linux, feature)))
    return out


def assert_built_as_cargo2rpm_says(root: BuildRoot, crate: Crate) -> None:
    """The crate's packages built in ``root`` are exactly those cargo2rpm
    computes, with its Provides and Requires, to the letter."""
    expected = cargo2rpm_expectations(crate.src)
    built = root.built(f"rust-{crate.name}")
    assert sorted(built) == sorted(expected)
    for name, h in built.items():
        assert own_deps(h) == expected[name], name


# What rpm's ELF dependency generator reads off a binary: it names the
# build platform's C library (its symbol versions), not what buildsys wrote.
ELF_LIBRARY_DEP = re.compile(r"^(\S+\.so(\.\d+)*(\(.*\))*|rtld\(.*\))$")


def package_set(root: BuildRoot) -> Dict[str, Tuple[List[str], List[str], str]]:
    """Every package the chain built but the debuginfo ones: name ->
    (Provides, Requires but those of the C library, noarch or not)."""
    return {
        n: (h.provides, [r for r in h.requires if not ELF_LIBRARY_DEP.match(r)], "noarch" if h.arch == "noarch" else "arch")
        for n, h in root.built().items()
        if n != "debian-bridge" and not n.endswith(("-debuginfo", "-debugsource"))
    }
