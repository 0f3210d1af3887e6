"""The compat layer with real rpmbuild: specs written by ``buildsys new``
for unseen Debian crates build on RPM 4.16 (Debian bullseye, the EL9
stand-in: static sections), real 4.19.1.1 (EL10: specparts) and 4.20.1
(trixie: BuildSystem) into the same
packages; a crate update that adds a feature regenerates the static
sections (patches: tests/test_fix_metadata.py)."""

from __future__ import annotations

import shutil

import pytest

from debian_corpus import DEBIAN_ONLY
from expectations import cargo2rpm_expectations, package_set
from helpers import buildsys_new, crate_archive, leaf_at
from rpmroot import SOURCES, BuildRoot, root_fixture

pytestmark = pytest.mark.rpmbuild

# unseen crates: two libraries (one with 24 features), two with binaries
NEW_CRATES = ["bytemuck-1.21.0", "unicode-bidi-0.3.17", "xml-rs-0.8.19", "rustdoc-stripper-0.1.12"]
SUITES = ["bullseye", "el10", "trixie"]


@pytest.fixture(scope="module")
def new_specs(corpus_registry, tmp_path_factory):
    """Crate dir -> (name, .crate on the host, spec text)."""
    out = tmp_path_factory.mktemp("crates")
    specs = {}
    for dirname in NEW_CRATES:
        name, version = dirname.rsplit("-", 1)
        archive = crate_archive(corpus_registry / dirname, out, name, version, skip=DEBIAN_ONLY)
        specs[dirname] = (name, archive, buildsys_new(archive))
    return specs


@pytest.fixture(scope="module")
def new_builds(new_specs, tmp_path_factory):
    """Suite -> (root, crate dir -> rpmbuild log): every spec built as
    buildsys new wrote it, on RPM 4.16 and on 4.20.1."""
    out = {}
    for suite in SUITES:
        root = BuildRoot(suite, tmp_path_factory.mktemp("new-" + suite))
        logs = {}
        root.path(SOURCES).mkdir(parents=True, exist_ok=True)
        for dirname, (name, archive, spec) in new_specs.items():
            shutil.copy(archive, root.path(SOURCES))
            root.write(f"/root/{dirname}.spec", spec.encode())
            logs[dirname] = root.rpmbuild(f"/root/{dirname}.spec", "-ba", check=False)
        out[suite] = (root, logs)
    yield out
    for root, _ in out.values():
        root.remove()


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("dirname", NEW_CRATES)
def test_spec_from_buildsys_new_builds_as_it_is(new_builds, new_specs, corpus_registry, suite, dirname):
    root, logs = new_builds[suite]
    proc = logs[dirname]
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    name = new_specs[dirname][0]
    built = {n for n in package_set(root) if n == name or n.startswith((f"rust-{name}-", f"rust-{name}+"))}
    expected = set(cargo2rpm_expectations(corpus_registry / dirname))
    # every feature package cargo2rpm knows of, and the application where
    # there are binaries
    assert expected <= built and len(built - expected) <= 1


@pytest.mark.corpus
@pytest.mark.slow
def test_rpm_416_419_and_420_build_the_same_packages_from_one_spec(new_builds, corpus_registry):
    sets = {suite: package_set(root) for suite, (root, _) in new_builds.items()}
    for dirname in NEW_CRATES:
        assert set(cargo2rpm_expectations(corpus_registry / dirname)) <= set(sets["trixie"]), dirname
    assert sets["bullseye"] == sets["trixie"] == sets["el10"]


el9 = root_fixture("bullseye")


def test_crate_update_with_a_new_feature_regenerates_the_static_sections(el9, tmp_path):
    """The packager bumps Version and nothing else: the new feature's
    package appears on RPM 4.16 too."""
    spec = el9.stage(leaf_at("1.3.0", tmp_path, extra_feature="fresh"), "/root/rust-leaf.spec")
    proc = el9.rpmbuild(spec, "-bb", check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "rust-leaf+fresh-devel" in el9.built()
    assert el9.built()["rust-leaf+fresh-devel"].provides == ["crate(leaf/fresh) = 1.3.0", "rust-leaf+fresh-devel = 1.3.0-1"]


def test_a_parse_without_the_crate_archive_warns_naming_it(el9, tmp_path):
    """spectool and the SRPM step parse the spec before Source0 is there: no
    error then, but never silently without the feature packages."""
    crate = leaf_at("1.5.0", tmp_path)
    el9.write("/root/rust-leaf-nosource.spec", crate.spec.read_bytes())
    parsed = el9.run("rpmspec -q --qf '%{name}\\n' /root/rust-leaf-nosource.spec", check=False)
    assert parsed.returncode == 0, parsed.stderr
    assert "buildsys: warning: /root/rpmbuild/SOURCES/leaf-1.5.0.crate is not there" in parsed.stderr
    assert "put the crate into SOURCES" in parsed.stderr
    assert "rust-leaf+" not in parsed.stdout
    el9.stage(crate, "/root/rust-leaf-nosource.spec")  # now it is there: the same parse has them
    parsed = el9.run("rpmspec -q --qf '%{name}\\n' /root/rust-leaf-nosource.spec")
    assert "is not there" not in parsed.stderr and "rust-leaf+default-devel" in parsed.stdout
