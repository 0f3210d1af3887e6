"""The version math against the real thing, over random (VERSION,
REQUIREMENT) pairs (tests/version_pairs.py).

- The oracle for "does VERSION satisfy REQUIREMENT" is Rust's ``semver``
  crate, which cargo uses: tests/semver_oracle, built offline in the Debian
  trixie root against librust-semver-dev.
- The judge for "does a package providing ``crate(foo) = VERSION`` satisfy
  the dependency buildsys writes" is RPM's own resolver (tests/rpm_judge.py).

RPM cannot say one thing cargo says: a pre-release version matches only if
some comparator with the same MAJOR.MINOR.PATCH has a pre-release too. The
rule buildsys emits instead (docs/versions.md) is asserted here exactly.

    BUILDSYS_DIFF_SEED=7 BUILDSYS_DIFF_PAIRS=1000000 make check PYTEST_ARGS=tests/test_version_differential.py

runs a longer campaign with another seed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest
import rpm

from buildsys.errors import BuildsysError
from buildsys.rpmdeps import range_dependency, semver2rpm
from buildsys.semver import Range, Requirement, Version
from rpm_judge import RpmJudge
from rpmroot import DEBIAN_REGISTRY_CARGO_CONFIG, BuildRoot
from version_pairs import pairs

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow]

SEED = int(os.environ.get("BUILDSYS_DIFF_SEED", "20261121"))
COUNT = int(os.environ.get("BUILDSYS_DIFF_PAIRS", "160000"))
ORACLE = Path(__file__).parent / "semver_oracle"


@dataclass(frozen=True)
class Cargo:
    """What the semver crate says of one pair."""

    req_ok: bool
    ver_ok: bool
    matches: bool
    release_matches: bool  # does VERSION's MAJOR.MINOR.PATCH match
    # per comparator: its version (missing parts as 0), the sign of VERSION
    # against it, and whether it was written with parts missing
    comparators: Tuple[Tuple[str, str, bool], ...]

    def opts_in(self, version: Version) -> bool:
        """cargo's rule: a comparator of the same release with a pre-release."""
        return any(not partial and Version.parse(text).pre and Version.parse(text).release == version.release
                   for text, _, partial in self.comparators)

    def has_partial(self) -> bool:
        return any(partial for _, _, partial in self.comparators)


@dataclass(frozen=True)
class Ours:
    req_ok: bool
    ver_ok: bool
    error: str
    dependency: Optional[str]
    provides: Optional[str]


def parse_oracle_line(line: str) -> Cargo:
    head, *rest = line.split(" | ")
    req_ok, ver_ok, matches, release_matches = (f == "1" for f in head.split())
    comparators = tuple((text, sign, partial == "1") for text, sign, partial in (item.rsplit(":", 2) for item in rest))
    return Cargo(req_ok, ver_ok, matches, release_matches, comparators)


def ours(ver: str, req: str) -> Ours:
    try:
        requirement = Requirement.parse(req)
        req_ok = True
    except BuildsysError as exc:
        requirement, req_ok, error = None, False, str(exc)
    try:
        version: Optional[Version] = Version.parse(ver)
    except BuildsysError:
        version = None
    if requirement is None or version is None:
        return Ours(req_ok, version is not None, "" if req_ok else error, None, None)
    try:
        rng: Range = requirement.to_range()
    except BuildsysError as exc:
        return Ours(True, True, str(exc), None, semver2rpm(version))
    return Ours(True, True, "", range_dependency("c", None, rng), semver2rpm(version))


def partial_quirk(version: Version, cargo: "Cargo") -> bool:
    """Rule (c): a pre-release VERSION that a comparator opts in, beside a
    comparator written without its minor or patch number."""
    return bool(version.pre) and cargo.opts_in(version) and cargo.has_partial()


def rpm_order(a: Version, b: Version) -> str:
    sign = rpm.labelCompare(("0", semver2rpm(a), "1"), ("0", semver2rpm(b), "1"))
    return "<" if sign < 0 else "=" if sign == 0 else ">"


def orders_differ(ver: Version, cargo: Cargo) -> bool:
    """Does RPM order VERSION against one of the comparators' pre-releases
    of the same MAJOR.MINOR.PATCH otherwise than semver does? (Fedora's
    ``~`` mapping compares pre-release identifiers with rpmvercmp: numbers
    inside identifiers numerically, and numbers above letters.)"""
    for text, sign, _ in cargo.comparators:
        other = Version.parse(text)
        if other.pre and other.release == ver.release and rpm_order(ver, other) != sign:
            return True
    return False


@pytest.fixture(scope="module")
def oracle_binary(tmp_path_factory):
    with BuildRoot("trixie", tmp_path_factory.mktemp("semver-oracle")) as root:
        shutil.copytree(ORACLE, root.path("/root/semver_oracle"), ignore=shutil.ignore_patterns("target"))
        root.write("/root/.cargo/config.toml", DEBIAN_REGISTRY_CARGO_CONFIG)
        root.run("cd /root/semver_oracle && cargo build --release --offline --quiet")
        yield root


@pytest.fixture(scope="module")
def campaign(oracle_binary, figures):
    cases = list(pairs(SEED, COUNT))
    oracle_binary.write("/root/pairs.tsv", "".join(f"{v}\t{r}\n" for v, r in cases).encode())
    out = oracle_binary.run("/root/semver_oracle/target/release/semver-oracle < /root/pairs.tsv").stdout.splitlines()
    assert len(out) == len(cases)
    cargo = [parse_oracle_line(line) for line in out]
    mine = [ours(v, r) for v, r in cases]
    judged = [i for i, o in enumerate(mine) if o.dependency is not None]
    verdicts = RpmJudge().satisfied([(mine[i].dependency, mine[i].provides) for i in judged])  # type: ignore[misc]
    rpm_says: Dict[int, bool] = dict(zip(judged, verdicts))
    figures[f"version differential: seed {SEED}, pairs"] = len(cases)
    figures["version differential: pairs judged by RPM"] = len(judged)
    return cases, cargo, mine, rpm_says


def test_requirement_and_version_grammar_agree_with_cargo(campaign, figures):
    cases, cargo, mine, _ = campaign
    wrong = [(cases[i], c.req_ok, c.ver_ok, m.error) for i, (c, m) in enumerate(zip(cargo, mine))
             if (c.req_ok, c.ver_ok) != (m.req_ok, m.ver_ok)]
    figures["version differential: requirements semver rejects"] = sum(not c.req_ok for c in cargo)
    assert not wrong, f"{len(wrong)} pairs parsed differently, e.g. {wrong[:10]}"


def test_unsatisfiable_requirements_match_no_version(campaign, figures):
    cases, cargo, mine, _ = campaign
    empty = [i for i, m in enumerate(mine) if m.req_ok and m.ver_ok and m.dependency is None]
    figures["version differential: unsatisfiable requirements (an error for us)"] = len(empty)
    assert all("cannot be satisfied" in mine[i].error for i in empty)
    # cargo does match pre-releases of some of these through rule (c) below
    quirk = [i for i in empty if cargo[i].matches and partial_quirk(Version.parse(cases[i][0]), cargo[i])]
    figures["version differential: unsatisfiable for us, matched by cargo through (c)"] = len(quirk)
    wrong = [cases[i] for i in empty if (cargo[i].matches or cargo[i].release_matches) and i not in quirk]
    assert not wrong, f"cargo matches versions of requirements we reject as unsatisfiable: {wrong[:10]}"


def test_release_versions_satisfy_exactly_what_cargo_says(campaign, figures):
    cases, cargo, mine, rpm_says = campaign
    releases = [i for i in rpm_says if not Version.parse(cases[i][0]).pre]
    wrong = [(cases[i], mine[i].dependency, cargo[i].matches) for i in releases if rpm_says[i] != cargo[i].matches]
    figures["version differential: release versions, RPM == cargo"] = len(releases) - len(wrong)
    assert releases
    assert not wrong, f"{len(wrong)} disagreements, e.g. {wrong[:10]}"


def test_prerelease_versions_follow_the_documented_rule(campaign, figures):
    """For a pre-release VERSION, RPM's answer is cargo's, except exactly:
    (a) RPM accepts a pre-release that cargo rejects only when cargo accepts
        its release (the same MAJOR.MINOR.PATCH without the pre-release):
        RPM has no opt-in rule, so a pre-release inside the bounds passes;
    (b) RPM orders pre-release identifiers otherwise than semver, against a
        comparator's pre-release of the same release;
    (c) a comparator opts VERSION in, and another comparator leaves out
        its minor or patch number: the semver crate judges pre-releases
        against those by their numbers, which is not an interval.
    Nothing else: in particular RPM rejects no pre-release that cargo
    accepts, but for (b) and (c)."""
    cases, cargo, mine, rpm_says = campaign
    pre = [i for i in rpm_says if Version.parse(cases[i][0]).pre]
    counts = {"same": 0, "a": 0, "b": 0, "c": 0}
    unexplained = []
    for i in pre:
        c, version = cargo[i], Version.parse(cases[i][0])
        if rpm_says[i] == c.matches:
            counts["same"] += 1
        elif orders_differ(version, c):
            counts["b"] += 1
        elif rpm_says[i] and c.release_matches:
            counts["a"] += 1
        elif partial_quirk(version, c):
            counts["c"] += 1
        else:
            unexplained.append((cases[i], mine[i].dependency, mine[i].provides, c))
    figures["version differential: pre-release versions, RPM == cargo"] = counts["same"]
    figures["version differential: pre-release versions, (a) no opt-in rule in RPM"] = counts["a"]
    figures["version differential: pre-release versions, (b) rpmvercmp order"] = counts["b"]
    figures["version differential: pre-release versions, (c) opted in beside a partial comparator"] = counts["c"]
    assert pre and counts["same"] and counts["a"]
    assert not unexplained, f"{len(unexplained)} unexplained, e.g. {unexplained[:10]}"
