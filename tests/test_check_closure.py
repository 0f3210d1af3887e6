"""%check with nothing but the BuildRequires: for real crates, a registry
holding exactly what dnf would install for ``buildsys buildrequires -t``
(each crate() capability from the highest Debian version RPM's own
comparison lets satisfy it, then that package's Requires, to a fixed
point) is enough for cargo itself to resolve the crate's lock file
offline, as ``cargo test`` does first. cargo is the judge.

rand_core shows why ``-t`` covers every feature: ``cargo build -Z
avoid-dev-deps`` resolves the selected features only, but a lock file
covers them all, so %check failed on getrandom, an optional dependency no
default feature enables, when the BuildRequires named only the default
features' dependencies."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

import debian_corpus
from buildsys import manifest, plan, prepare
from buildsys.registry import install
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.rpmdeps import semver2rpm
from debian_corpus import DEBIAN_ONLY
from helpers import REGISTRY
from oracles import rpm_satisfies, split_dependency

pytestmark = pytest.mark.corpus

CARGO = shutil.which("cargo")


class Index:
    """Debian's crates by name, as an RPM repository would offer them."""

    def __init__(self, registry: Path) -> None:
        self.by_name: Dict[str, List[Tuple[str, Path]]] = {}
        for directory in debian_corpus.crate_dirs(registry):
            try:
                m = manifest.load(str(directory))
            except Exception:  # crates buildsys refuses are never candidates
                continue
            self.by_name.setdefault(m.name, []).append((semver2rpm(m.version), directory))

    def best(self, dep: str) -> Optional[Path]:
        """The directory dnf would install for ``dep``: the highest version
        that satisfies it, whose feature (if any) exists."""
        import rpm

        cap, _ = split_dependency(dep)
        name, _, feature = cap[len("crate("):-1].partition("/")
        found = [(v, d) for v, d in self.by_name.get(name, []) if rpm_satisfies(dep, v)
                 and (not feature or feature in plan.feature_names(manifest.load(str(d))))]
        if not found:
            return None
        best = found[0]
        for candidate in found[1:]:
            if rpm.labelCompare(("0", candidate[0], "1"), ("0", best[0], "1")) > 0:
                best = candidate
        return best[1]

    def closure(self, requires: List[str]) -> Tuple[Set[Path], List[str]]:
        """The crate directories dnf would install, and what nothing provides."""
        chosen: Set[Path] = set()
        missing: List[str] = []
        queue, seen = list(requires), set()
        while queue:
            dep = queue.pop()
            if dep in seen or not dep.startswith(("crate(", "(crate(")):
                continue
            seen.add(dep)
            directory = self.best(dep)
            if directory is None:
                missing.append(dep)
                continue
            chosen.add(directory)
            cap, _ = split_dependency(dep)
            feature = cap[len("crate("):-1].partition("/")[2] or None
            queue.extend(plan.requires(manifest.load(str(directory)), feature))
        return chosen, sorted(missing)


@pytest.fixture(scope="module")
def index(corpus_registry) -> Index:
    return Index(corpus_registry)


def lock_resolves(crate_src: Path, crates: Set[Path], work: Path) -> subprocess.CompletedProcess:
    """``cargo generate-lockfile --offline`` in the crate as %cargo_prep
    leaves it, against a registry of exactly ``crates``, each as its -devel
    package installs it (buildsys's %cargo_prep and %cargo_install: the
    manifest without other systems' tables, the crate's files, the checksum
    file)."""
    registry = str(work / "registry")
    for directory in sorted(crates):
        copy = work / "sources" / directory.name
        shutil.copytree(directory, copy, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
        built, _ = prepare.prepare(copy, registry)
        install(built, work / "buildroot", registry)
    tree = work / crate_src.name
    shutil.copytree(crate_src, tree, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
    prepare.prepare(tree, str(work / "buildroot") + registry)
    return subprocess.run([CARGO, "generate-lockfile", "--offline"], cwd=tree, capture_output=True, text=True,
                          env=dict(os.environ, CARGO_HOME=str(work / "cargo-home")))


def judgeable(registry: Path, directory: Path, index: "Index") -> bool:
    """Can Debian's registry stand for a distribution's repository here:
    does something provide each BuildRequires, and does every crate of the
    closure package as it is? (Debian patches crates whose optional
    dependencies it lacks; chrono, time and tracing-core need a packager's
    patch before %cargo_prep takes them: their features name dependencies
    that exist only for other systems.)"""
    import tempfile

    try:
        brs = list(plan.buildrequires(manifest.load(str(directory)), Selection(), True))
    except BuildsysError:
        return False
    crates, missing = index.closure(brs)
    if missing:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        for dep in sorted(crates | {directory}):
            copy = Path(tmp) / dep.name
            shutil.copytree(dep, copy, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
            try:
                prepare.prepare(copy, REGISTRY)
            except BuildsysError:
                return False
    return True


def sample(registry: Path) -> List[str]:
    """Library crates with optional dependencies and dev-dependencies,
    across the corpus, that Debian's registry can judge; rand_core first."""
    index = Index(registry)
    picked = ["rand_core-0.6.4"]
    for directory in debian_corpus.crate_dirs(registry)[::23]:
        text = (directory / "Cargo.toml").read_text(errors="replace")
        if ("optional = true" in text and "dev-dependencies" in text and (directory / "src" / "lib.rs").exists()
                and judgeable(registry, directory, index)):
            picked.append(directory.name)
        if len(picked) == 12:
            break
    return picked


def pytest_generate_tests(metafunc):
    if "sampled" in metafunc.fixturenames:
        debian_corpus.parametrize(metafunc, "sampled", "check-closure-judged", sample)


@pytest.mark.skipif(CARGO is None, reason="cargo, the judge, is installed on the machines that run the tests")
def test_cargo_test_needs_every_optional_dependency_the_default_closure_leaves_out(tmp_path, corpus_registry, index):
    """The judge can fail: rand_core with only its default features'
    BuildRequires (what -t gave before) does not resolve."""
    src = corpus_registry / "rand_core-0.6.4"
    crates, missing = index.closure(list(plan.buildrequires(manifest.load(str(src)), Selection(), False)))
    assert not missing
    proc = lock_resolves(src, crates, tmp_path)
    assert proc.returncode != 0 and "getrandom" in proc.stderr, proc.stderr


@pytest.mark.skipif(CARGO is None, reason="cargo, the judge, is installed on the machines that run the tests")
def test_the_check_buildrequires_are_enough_for_cargos_lock_file(tmp_path, corpus_registry, index, sampled, figures):
    src = corpus_registry / sampled
    brs = list(plan.buildrequires(manifest.load(str(src)), Selection(), True))
    crates, missing = index.closure(brs)
    assert not missing, "the sample holds crates whose closure Debian's registry satisfies"
    proc = lock_resolves(src, crates, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures["check closure: crates whose lock file resolves from their BuildRequires alone"] += 1


@pytest.mark.rpmbuild
@pytest.mark.slow
@pytest.mark.parametrize("dirname", ["rand_core-0.6.4"])
def test_check_passes_in_a_root_whose_registry_holds_only_the_buildrequires(tmp_path, corpus_registry, index, dirname):
    """rpmbuild -ba with %check on, RPM 4.20.1: the root's crate registry is
    emptied, then given exactly the closure of the spec's BuildRequires
    (``rpmbuild -br`` says which), each crate as its -devel package installs
    it; the rest of the root is the usual one."""
    from helpers import buildsys_new, crate_archive
    from rpmroot import SOURCES, BuildRoot, Header

    src = corpus_registry / dirname
    name, version = dirname.rsplit("-", 1)
    archive = crate_archive(src, tmp_path, name, version, skip=DEBIAN_ONLY)
    with BuildRoot("trixie", tmp_path / "root") as root:
        root.run(f"rm -rf {REGISTRY} && mkdir -p {REGISTRY}")
        root.path(SOURCES).mkdir(parents=True, exist_ok=True)
        shutil.copy(archive, root.path(SOURCES))
        spec = f"/root/rust-{name}.spec"
        root.write(spec, buildsys_new(archive).encode())
        asked = root.rpmbuild(spec, "-br", check=False)
        # the source package -br writes carries what %generate_buildrequires asked
        nosrc = sorted(root.path("/root/rpmbuild/SRPMS").glob("*.rpm"))
        assert nosrc, asked.stdout[-3000:] + asked.stderr[-3000:]
        wanted = [r for r in Header(nosrc[-1]).requires if r.startswith(("crate(", "(crate("))]
        assert any("getrandom" in r for r in wanted), wanted
        crates, missing = index.closure(wanted)
        assert not missing
        work = tmp_path / "closure"
        for directory in sorted(crates):
            copy = work / directory.name
            shutil.copytree(directory, copy, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
            built, _ = prepare.prepare(copy, REGISTRY)
            install(built, root.upper, REGISTRY)
        assert {p.name for p in root.path(REGISTRY).iterdir()} == {d.name for d in crates}
        proc = root.rpmbuild(spec, "-ba", check=False)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, log[-4000:]
        assert "Executing(%check)" in log and "test result: ok" in log
