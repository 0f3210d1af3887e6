"""Crates written by an attacker (tests/hostile_crates.py), built with real
rpmbuild: RPM 4.20.1 (trixie, BuildSystem: cargo and specparts) and RPM
4.16.1.2 (bullseye, the static sections of the compat layer).

For every crate that builds: no macro ran (no canary file anywhere in the
root), the packages are exactly the ones the crate's features call for,
none has a scriptlet, a changelog or a file outside the crate's registry
directory, and each attack text is in the description as written. Every
crate that must not build fails with the generator's one-line message and
writes no package.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict

import pytest
import rpm

from helpers import REGISTRY, buildsys_new, crate_archive, crate_spec
from hostile_crates import BUILT, REJECTED, Hostile
from rpmroot import SOURCES, BuildRoot, read_header

pytestmark = pytest.mark.rpmbuild

SUITES = ("trixie", "el10", "bullseye")


def build(root: BuildRoot, crate: Hostile, workdir: Path):
    src = crate.write(workdir / f"{root.suite}-{crate.name}")
    crate_archive(src, root.path(SOURCES), crate.name, crate.version)
    root.write(f"/root/rust-{crate.name}.spec", crate_spec(crate.name, crate.version, "A hostile crate").encode())
    return root.rpmbuild(f"/root/rust-{crate.name}.spec", "-ba", check=False)


@pytest.fixture(scope="module", params=SUITES)
def hostile_builds(request, tmp_path_factory):
    """Suite -> (root, crate name -> rpmbuild result), every crate built once."""
    workdir = tmp_path_factory.mktemp("hostile-" + request.param)
    root = BuildRoot(request.param, workdir)
    results = {crate.name: build(root, crate, workdir) for crate in BUILT + REJECTED}
    yield root, results
    shutil.rmtree(workdir, ignore_errors=True)


def canaries(root: BuildRoot) -> list:
    """Files an attack would create, anywhere in the root (the crates' own
    files merely have the word inside their names)."""
    return sorted(str(p) for p in root.upper.rglob("*") if p.name.startswith("buildsys-canary") and p.is_file())


def headers(root: BuildRoot, crate: Hostile) -> Dict[str, "rpm.hdr"]:
    found = {}
    for path in sorted(root.path("/root/rpmbuild/RPMS").rglob(f"rust-{crate.name}*.rpm")):
        hdr = read_header(path)
        found[hdr[rpm.RPMTAG_NAME]] = (path, hdr)
    return found


def words(text: str) -> str:
    return " ".join(text.split())


def test_no_macro_from_any_crate_ran(hostile_builds):
    root, results = hostile_builds
    assert set(results) == {c.name for c in BUILT + REJECTED}
    assert canaries(root) == []


@pytest.mark.parametrize("crate", BUILT, ids=[c.name for c in BUILT])
def test_hostile_text_builds_exactly_the_crates_packages(hostile_builds, crate):
    root, results = hostile_builds
    proc = results[crate.name]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    built = headers(root, crate)
    assert sorted(built) == sorted(crate.packages)
    instdir = f"{REGISTRY}/{crate.name}-{crate.version}"
    for name, (path, hdr) in built.items():
        assert root.run(f"rpm -qp --scripts --triggers {root.inside(path)}").stdout.strip() == "", name
        assert not hdr[rpm.RPMTAG_CHANGELOGTEXT], name
        outside = [f for f in hdr[rpm.RPMTAG_FILENAMES] if f != instdir and not f.startswith(instdir + "/")]
        assert outside == [], name
        assert hdr[rpm.RPMTAG_ARCH] == "noarch"
        assert [p for p in hdr[rpm.RPMTAG_PROVIDENAME] if not p.startswith(f"crate({crate.name}") and p != name] == []


@pytest.mark.parametrize("crate", BUILT, ids=[c.name for c in BUILT])
def test_hostile_text_reaches_the_description_literally(hostile_builds, crate):
    root, _ = hostile_builds
    _, hdr = headers(root, crate)[f"rust-{crate.name}-devel"]
    description = words(hdr[rpm.RPMTAG_DESCRIPTION])
    missing = [text for text in crate.shown if words(text) not in description]
    assert not missing, f"not shown as written: {missing}"


def test_hostile_file_names_are_installed_not_listed(hostile_builds):
    """Files the crate ships under names that are macros, not UTF-8, or
    hold a newline are installed with the crate, owned through its directory,
    and never written into spec text (%license/%doc list plain names only)."""
    root, _ = hostile_builds
    crate = next(c for c in BUILT if c.files)
    _, hdr = headers(root, crate)[f"rust-{crate.name}-devel"]
    files = set(hdr[rpm.RPMTAG_FILENAMES])
    instdir = f"{REGISTRY}/{crate.name}-{crate.version}"
    for rel in crate.files:
        assert f"{instdir}/{rel.decode('utf-8', 'surrogateescape')}".encode("utf-8", "surrogateescape") in {
            f.encode("utf-8", "surrogateescape") if isinstance(f, str) else f for f in files}, rel
    flags = dict(zip(hdr[rpm.RPMTAG_FILENAMES], hdr[rpm.RPMTAG_FILEFLAGS]))
    assert flags[f"{instdir}/COPYING"] & rpm.RPMFILE_LICENSE
    assert flags[f"{instdir}/README.md"] & rpm.RPMFILE_DOC
    assert not any(flags[f] & rpm.RPMFILE_LICENSE for f in files if "lua" in f)


@pytest.mark.parametrize("crate", REJECTED, ids=[c.name for c in REJECTED])
def test_untrusted_names_and_bytes_fail_the_build_with_one_line(hostile_builds, crate):
    root, results = hostile_builds
    proc = results[crate.name]
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    lines = [line for line in log.splitlines() if line.startswith("buildsys: error: ")]
    assert lines, log[-3000:]
    # the line names the crate's file or directory (in %prep, or in the
    # .crate archive when the static sections are made at parse time)
    assert crate.error in lines[0] and f"{crate.name}-{crate.version}" in lines[0], lines[0]
    assert headers(root, crate) == {}


# Where a build in the root may write: rpmbuild's own tree, RPM's script
# and parse-time files, and what the test itself put there (buildsys, the
# bridge package in the rpmdb, the specs, the host toolchain's mount point).
ALLOWED = ("/root/rpmbuild/", "/var/tmp/", "/var/lib/rpm/", "/usr/lib/sysimage/rpm/", "/usr/share/buildsys/",
           "/usr/bin/buildsys", "/usr/lib/rpm/", "/root/bridge.spec", "/root/rust-", "/usr/share/cargo/registry/",
           "/usr/lib/python3/dist-packages/", "/usr/bin/cargo", "/usr/bin/rustc", "/usr/bin/rustdoc", "/root/.rustup/",
           "/root/.cargo/", "/etc/rpm/", "/root/.rpmdb/")


def test_nothing_is_written_outside_the_build_tree(hostile_builds):
    root, _ = hostile_builds
    written = sorted("/" + str(p.relative_to(root.upper)) for p in root.upper.rglob("*") if not p.is_dir())
    outside = [p for p in written if not p.startswith(ALLOWED)]
    assert outside == [], outside
    assert any(p.startswith("/root/rpmbuild/RPMS/") for p in written)


@pytest.mark.parametrize("suite", SUITES)
def test_buildsys_new_specs_for_hostile_crates_build_and_show_the_text(tmp_path, suite):
    """`buildsys new` puts crate text into Summary, License, comments and
    %description: each spec builds as written, nothing runs, and the
    License tag is the crate's license as written."""
    with BuildRoot(suite, tmp_path) as root:
        for crate in BUILT:
            src = crate.write(tmp_path / crate.name)
            archive = crate_archive(src, root.path(SOURCES), crate.name, crate.version)
            root.write(f"/root/new-{crate.name}.spec", buildsys_new(archive).encode())
            proc = root.rpmbuild(f"/root/new-{crate.name}.spec", "-bb", check=False)
            assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
            _, hdr = headers(root, crate)[f"rust-{crate.name}-devel"]
            assert hdr[rpm.RPMTAG_LICENSE] == "MIT AND %(touch buildsys-canary-license)"
            assert words(crate.description)[:40] in words(hdr[rpm.RPMTAG_DESCRIPTION])
        assert canaries(root) == []
