"""Every real crate of Debian trixie's librust-*-dev packages, compared with
real cargo (features, targets) and cargo2rpm 0.4.0 (Provides, Requires,
BuildRequires). Each difference must belong to a documented class, checked
independently: rustc decides cfg(...), RPM decides range equivalence."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path
from typing import Dict, List, Optional, Set

import pytest

import debian_corpus
import oracles
from buildsys import manifest, plan
from buildsys.features import Selection
from debian_corpus import crate_dirs

cargo2rpm_rpm = pytest.importorskip("cargo2rpm.rpm", reason="cargo2rpm is a test dependency")
from cargo2rpm.metadata import FeatureFlags, Package  # noqa: E402

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

# The crate names the per-crate test was parametrized with (from the
# corpus index, not the corpus: collection reads no manifest).
COLLECTED: List[str] = []


def pytest_generate_tests(metafunc):
    if "crate_name" in metafunc.fixturenames:
        COLLECTED[:] = debian_corpus.parametrize(metafunc, "crate_name")


@pytest.fixture(scope="module")
def crates(corpus_registry) -> List[Path]:
    return crate_dirs(corpus_registry)


@pytest.fixture(scope="module", autouse=True)
def _cargo2rpm_conjunctions():
    with oracles.cargo2rpm_any_comparators():
        yield


@pytest.fixture(scope="module")
def corpus(crates) -> Dict[str, Optional[dict]]:
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        metas = list(pool.map(oracles.cargo_metadata, crates))
    return {c.name: m for c, m in zip(crates, metas)}


def targets_of(corpus: Dict[str, Optional[dict]]) -> Set[str]:
    """Every target a dependency of a corpus crate is written for."""
    return {
        d["target"]
        for meta in corpus.values() if meta
        for pkg in meta["packages"]
        for d in pkg["dependencies"]
        if d["target"]
    }


@pytest.fixture(scope="module")
def cfg_truth(corpus) -> Dict[str, bool]:
    return oracles.rustc_linux_cfg_truth(t for t in targets_of(corpus) if t.startswith("cfg("))


def test_corpus_is_large_enough(crates):
    assert len(crates) >= 300
    # the index the parametrization read is the corpus as it is now
    assert COLLECTED == [c.name for c in crates]


def test_cfg_evaluation_agrees_with_rustc_on_every_corpus_target(corpus, cfg_truth, figures):
    from buildsys.cfg import target_applies

    targets = targets_of(corpus)
    wrong = []
    for target in sorted(targets):
        expected = oracles.target_is_linux(target, cfg_truth)
        if target_applies(target) != expected:
            # documented: an empty target_env counts as Linux (kept, never dropped)
            if not ('target_env = ""' in target and target_applies(target)):
                wrong.append(target)
    figures["cfg expressions compared with rustc"] = len(targets)
    assert not wrong


def test_cargo_prep_takes_other_systems_tables_out_of_every_corpus_manifest(crates, figures):
    """%cargo_prep's textual edit must manage every real manifest with
    tables for other systems, quoted headers with escapes included
    ([target."cfg(target_os = \\"windows\\")".dependencies.winapi]); its
    own check re-parses the result and compares it with the original."""
    from buildsys.prepare import without_foreign_targets

    edited, failed = 0, []
    for crate_dir in crates:
        text, data = manifest.read_toml(crate_dir / "Cargo.toml")
        try:
            _, removed = without_foreign_targets(text, data, str(crate_dir))
        except Exception as exc:  # the edit's own verification
            failed.append(f"{crate_dir.name}: {exc}")
            continue
        edited += bool(removed)
    figures["corpus: manifests %cargo_prep edits for other systems"] = edited
    assert edited >= 100
    assert not failed, failed[:5]


def _diff_is_explained(ours: List[str], theirs: List[str], pkg: dict, figures, what: str) -> List[str]:
    """Return the unexplained differences between our lines and cargo2rpm's."""
    unexplained = []
    ours_by = oracles.by_capability(ours)
    theirs_by = oracles.by_capability(theirs)
    for cap in sorted(set(ours_by) | set(theirs_by)):
        a, b = sorted(ours_by.get(cap, [])), sorted(theirs_by.get(cap, []))
        if a == b:
            continue
        if len(a) == 1 and b and all(oracles.same_versions(a[0], x) for x in b):
            figures[f"{what}: same range, tighter form"] += 1
            continue
        if len(a) == 1 and len(b) > 1 and _and_equivalent(a[0], b):
            figures[f"{what}: duplicates merged into one range"] += 1
            continue
        if not b and a and _nonoptional_dep_feature(cap, pkg):
            figures[f"{what}: X/f on a non-optional dependency required"] += 1
            continue
        unexplained.append(f"{cap}: ours={a} cargo2rpm={b}")
    return unexplained


def _and_equivalent(ours: str, theirs: List[str]) -> bool:
    versions = oracles.candidate_versions([ours] + theirs)
    return all(oracles.rpm_satisfies(ours, v) == all(oracles.rpm_satisfies(t, v) for t in theirs) for v in versions)


def _nonoptional_dep_feature(cap: str, pkg: dict) -> bool:
    """crate(X/f) where some feature lists X/f or X?/f and X is a
    non-optional build- or weak-referenced dependency: cargo2rpm omits it."""
    inner = cap[len("crate("):-1]
    if "/" not in inner:
        return False
    crate, feat = inner.split("/", 1)
    for dep in pkg["dependencies"]:
        if dep["name"] != crate or dep["optional"] or dep["kind"] == "dev":
            continue
        key = dep["rename"] or dep["name"]
        for values in pkg["features"].values():
            if f"{key}/{feat}" in values and dep["kind"] == "build":
                return True
            if f"{key}?/{feat}" in values:
                return True
    return False


def _unfiltered_requires(package, feature):
    try:
        return sorted(cargo2rpm_rpm.requires(package, feature))
    except ValueError as exc:  # cargo2rpm cannot translate path dependencies
        return [str(exc)]


def test_crate_agrees_with_cargo_and_cargo2rpm(crate_name: str, corpus_registry, corpus, cfg_truth, figures):
    crate_dir = corpus_registry / crate_name
    meta = corpus[crate_dir.name]
    assert meta is not None, (crate_dir / "Cargo.toml", "cargo metadata rejected the crate")
    raw = oracles.root_package(meta, crate_dir)
    m = manifest.load(str(crate_dir / "Cargo.toml"))
    figures["crates read"] += 1

    assert set(m.features) == set(raw["features"]), "feature set differs from cargo metadata"
    assert m.is_lib == Package(raw).is_lib()
    assert sorted(b.name for b in m.binaries) == sorted(t["name"] for t in raw["targets"] if "bin" in t["kind"])

    linux = Package(oracles.linux_only_metadata(raw, cfg_truth))
    unfiltered = Package(raw)
    problems = []
    if m.is_lib:
        for feature in (None,) + plan.feature_names(m):
            figures["subpackages compared"] += 1
            assert plan.provides(m, feature) == cargo2rpm_rpm.provides(unfiltered, feature)
            ours = list(plan.requires(m, feature))
            theirs = sorted(cargo2rpm_rpm.requires(linux, feature))
            if ours == theirs:
                figures["subpackages: Requires identical to cargo2rpm"] += 1
                if ours != _unfiltered_requires(unfiltered, feature):
                    figures["subpackages: identical once other-OS and path-only dependencies are dropped"] += 1
                continue
            problems += _diff_is_explained(ours, theirs, raw, figures, "requires")
    for flags, selection, check in (
        (FeatureFlags(), Selection(), False),
        (FeatureFlags(all_features=True), Selection(all_features=True), True),
    ):
        figures["buildrequires compared"] += 1
        ours = list(plan.buildrequires(m, selection, check))
        theirs = sorted(cargo2rpm_rpm.buildrequires(linux, flags, with_dev_deps=check))
        if ours == theirs:
            figures["buildrequires identical to cargo2rpm"] += 1
            continue
        problems += _diff_is_explained(ours, theirs, raw, figures, "buildrequires")
    assert not problems, "\n".join(problems)
