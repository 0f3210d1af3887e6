"""A vendored application (``BuildOption: --vendor N``), its spec written by
``buildsys new --vendored``, built with real
rpmbuild 4.20.1 (BuildSystem) and 4.16.1.2 (static compat) in roots whose
crate registry has been removed: every crate comes from the vendor tarball.

The fixture is tests/fixtures/vendapp (log, serde with derive, serde_json).
Its vendor tarball holds the real crates of Cargo.lock, taken from Debian
trixie's registry, which is itself a cargo directory source (``cargo vendor``
refuses Debian's registry: some of its checksum files say "Could not get
crate checksum"). The expected bundled crates come from ``cargo metadata``
for x86_64 Linux: the crates linked into the binary, that is the normal
dependencies, not proc-macros or build-dependencies, as cargo resolves them.
"""

from __future__ import annotations

import json
import shutil
from typing import Dict, Set, Tuple

import pytest
import rpm

from helpers import FIXTURES, REGISTRY, buildsys_new, crate_archive, reproducible_tar
from rpmroot import DEBIAN_REGISTRY_CARGO_CONFIG, SOURCES, BuildRoot, payload_file

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow]

NAME, VERSION = "vendapp", "0.4.0"
SRC = FIXTURES / NAME
SUITES = ("trixie", "el10", "bullseye")


def linked_crates(metadata: dict) -> Set[Tuple[str, str]]:
    """The crates compiled into the binary: reachable from the root through
    normal dependencies, proc-macros left out (they run in the compiler)."""
    packages = {p["id"]: p for p in metadata["packages"]}
    nodes = {n["id"]: n for n in metadata["resolve"]["nodes"]}
    root = metadata["resolve"]["root"]
    seen, todo = set(), [root]
    while todo:
        node = nodes[todo.pop()]
        for dep in node["deps"]:
            if not any(k["kind"] is None for k in dep["dep_kinds"]):
                continue
            if any("proc-macro" in t["kind"] for t in packages[dep["pkg"]]["targets"]):
                continue
            if dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    return {(packages[i]["name"], packages[i]["version"]) for i in seen}


@pytest.fixture(scope="module")
def vendored(tmp_path_factory):
    """(the .crate with Cargo.lock, the vendor tarball, the expected
    bundled crates), made offline in the trixie root."""
    out = tmp_path_factory.mktemp("vendored")
    with BuildRoot("trixie", out / "lock") as root:
        shutil.copytree(SRC, root.path(f"/root/{NAME}"))
        root.write("/root/.cargo/config.toml", DEBIAN_REGISTRY_CARGO_CONFIG)
        root.run(f"cd /root/{NAME} && cargo generate-lockfile --offline --quiet")
        meta = json.loads(root.run(f"cd /root/{NAME} && cargo metadata --offline --format-version 1 "
                                   "--filter-platform x86_64-unknown-linux-gnu").stdout)
        lock = tomllib.loads(root.path(f"/root/{NAME}/Cargo.lock").read_text())
        files: Dict[str, bytes] = {}
        for package in lock["package"]:
            if "source" not in package:
                continue  # the application itself
            crate_dir = root.lower / REGISTRY.lstrip("/") / f"{package['name']}-{package['version']}"
            for path in crate_dir.rglob("*"):
                if path.is_file():
                    files[f"vendor/{crate_dir.name}/{path.relative_to(crate_dir)}"] = path.read_bytes()
        tarball = reproducible_tar(out / f"{NAME}-{VERSION}-vendor.tar.xz", sorted(files.items()))
        src = shutil.copytree(SRC, out / "src")
        shutil.copy(root.path(f"/root/{NAME}/Cargo.lock"), src / "Cargo.lock")
        archive = crate_archive(src, out, NAME, VERSION)
    return archive, tarball, linked_crates(meta)


@pytest.fixture(scope="module", params=SUITES)
def build(request, vendored, tmp_path_factory):
    archive, tarball, _ = vendored
    with BuildRoot(request.param, tmp_path_factory.mktemp("vendored-" + request.param)) as root:
        root.run(f"rm -rf {REGISTRY}")  # nothing but the tarball to build from
        root.path(SOURCES).mkdir(parents=True, exist_ok=True)
        for source in (archive, tarball):
            shutil.copy(source, root.path(SOURCES))
        # the spec is the one `buildsys new --vendored` writes, as it is
        root.write(f"/root/{NAME}.spec", buildsys_new(archive, "--vendored").encode())
        log = root.rpmbuild(f"/root/{NAME}.spec", "-ba")
        yield root, log


def test_vendored_application_builds_one_package_with_no_crate_buildrequires(build):
    root, _ = build
    # (and rpm's own debuginfo packages, where the platform makes them)
    assert sorted(n for n in root.built() if n != "debian-bridge" and "-debug" not in n) == [NAME]
    srpm = root.run("rpm -qp --requires /root/rpmbuild/SRPMS/*.src.rpm").stdout.split("\n")
    assert not [r for r in srpm if "crate(" in r]


def test_every_linked_crate_is_a_bundled_provide(build, vendored):
    root, _ = build
    _, _, linked = vendored
    assert {("log", "0.4.26"), ("serde", "1.0.217"), ("serde_json", "1.0.139")} <= linked  # sanity of the oracle
    assert not {n for n, _ in linked} & {"serde_derive", "proc-macro2", "quote", "syn"}
    bundled = {p for p in root.built()[NAME].provides if p.startswith("bundled(")}
    assert bundled == {f"bundled(crate({n})) = {v}" for n, v in linked}


def test_license_list_covers_every_bundled_crate(build, vendored):
    root, log = build
    _, _, linked = vendored
    header = root.built()[NAME]
    licenses = [f for f in header.files if f.endswith("/LICENSE.dependencies")]
    assert licenses and header.fileflags[licenses[0]] & rpm.RPMFILE_LICENSE
    text = payload_file(header.path, licenses[0]).decode()
    # Fedora's form: LICENSE: NAME vVERSION
    listed = {(name, version[1:]) for name, version in
              (line.split(": ", 1)[1].split() for line in text.splitlines() if ": " in line)}
    assert linked <= listed
    assert "### BEGIN LICENSE SUMMARY ###" in log.stdout + log.stderr


def test_vendored_binary_runs(build):
    root, _ = build
    root.run(f"rpm -i --nodeps /root/rpmbuild/RPMS/*/{NAME}-{VERSION}-1.*.rpm")
    assert root.run(NAME).stdout.strip() == '{"from":"vendapp","answer":42}'
