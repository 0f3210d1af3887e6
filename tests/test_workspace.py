"""Workspaces: several crates from one source (tests/fixtures/workspace).

``buildsys new`` writes the spec for the workspace's release tarball, and
it builds as it is with real rpmbuild 4.20.1 (BuildSystem, specparts) and
4.16 (static sections). A crate outside the workspace then builds against
the -devel packages installed from those RPMs, so cargo itself reads the
normalized manifests from the registry. And cargo's own reading of each
member inside the workspace is compared with its reading of the manifest
buildsys normalized for the registry.

The fixture (by hand, from its Cargo.toml files):
- wsdemo-core 0.3.1: a library; version, edition, license, repository,
  rust-version, lints and two dependencies come from [workspace] (serde
  with the workspace's feature std and its own derive); its
  readme is the root's README.md. Features: default = [std], std, serde.
- wsdemo-fmt 0.2.0: a library, license MIT, depending on wsdemo-core by
  path only (no version) with feature serde; winapi on Windows; a dev
  path dependency on wsdemo-testutil. Its LICENSE-MIT is a link to the
  root's.
- wsdemo-testutil: a library with publish = false (internal: no package).
- wsdemo-cli 0.3.1: publish = false, builds the binary ``wsdemo``.
- crates/scratch: excluded.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from buildsys import project as project_mod
from buildsys import record
from buildsys.cfg import target_applies
from buildsys.manifest import tomllib
from helpers import FIXTURES, REGISTRY, buildsys_new, crate_archive
from rpmroot import SOURCES, BuildRoot, payload_file, root_fixture, spec_built

WORKSPACE = FIXTURES / "workspace"
VERSION = "0.3.1"
SUITES = ("trixie", "el10", "bullseye")
# by hand from the fixture's manifests
DEVEL = {
    "rust-wsdemo-core-devel", "rust-wsdemo-core+default-devel", "rust-wsdemo-core+std-devel",
    "rust-wsdemo-core+serde-devel", "rust-wsdemo-fmt-devel", "rust-wsdemo-fmt+default-devel",
}
SERDE = ["(crate(serde) >= 1.0.0 with crate(serde) < 2.0.0~)", "(crate(serde/derive) >= 1.0.0 with crate(serde/derive) < 2.0.0~)",
         "(crate(serde/std) >= 1.0.0 with crate(serde/std) < 2.0.0~)"]
REQUIRES = {
    "rust-wsdemo-core-devel": ["(crate(log/default) >= 0.4.0 with crate(log/default) < 0.5.0~)", "cargo", "rust >= 1.70"],
    "rust-wsdemo-core+serde-devel": SERDE + ["cargo", "crate(wsdemo-core) = 0.3.1"],
    "rust-wsdemo-fmt-devel": ["cargo", "crate(wsdemo-core/default) = 0.3.1", "crate(wsdemo-core/serde) = 0.3.1"],
    "rust-wsdemo-fmt+default-devel": ["cargo", "crate(wsdemo-fmt) = 0.2.0"],
}
LICENSES = {"rust-wsdemo-core-devel": "MIT OR Apache-2.0", "rust-wsdemo-fmt-devel": "MIT",
            "rust-wsdemo-fmt+default-devel": "MIT", "wsdemo": "MIT AND (MIT OR Apache-2.0)"}
# a crate from elsewhere, built against the installed -devel packages
CONSUMER = {
    "Cargo.toml": '[package]\nname = "wsgreet"\nversion = "1.0.0"\nedition = "2021"\nlicense = "MIT"\n'
                  'description = "Greets through wsdemo."\n\n[dependencies]\nwsdemo-core = "0.3"\nwsdemo-fmt = "0.2"\n',
    "src/main.rs": 'fn main() {\n    println!("{}", wsdemo_fmt::format(&wsdemo_core::greet("consumer")));\n}\n',
}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """(the release tarball, the spec ``buildsys new`` writes for it)."""
    out = tmp_path_factory.mktemp("workspace")
    tarball = crate_archive(WORKSPACE, out, "wsdemo", VERSION).rename(out / f"wsdemo-{VERSION}.tar.gz")
    return tarball, buildsys_new(tarball)


def test_new_writes_one_spec_for_the_workspace(released):
    _, spec = released
    lines = spec.splitlines()
    for line in ("Name:           wsdemo", "%global crate wsdemo-cli", f"Version:        {VERSION}",
                 "%global cargo_source_dir wsdemo-%{version_no_tilde}", "Source:         wsdemo-%{version_no_tilde}.tar.gz",
                 "%global cargo_options --workspace", "%{_bindir}/wsdemo",
                 "%license LICENSE-APACHE LICENSE-MIT LICENSE.dependencies", f"License:        {LICENSES['wsdemo']}"):
        assert line in lines, line
    assert "BuildArch:      noarch" not in lines


@pytest.fixture(scope="module", params=[pytest.param(s, marks=(pytest.mark.rpmbuild, pytest.mark.slow)) for s in SUITES])
def built(request, released, tmp_path_factory):
    tarball, spec = released
    with spec_built(request.param, tmp_path_factory.mktemp("ws-" + request.param), "wsdemo.spec", spec, [tarball]) as built:
        yield built


def test_every_published_library_member_gets_its_packages(built):
    root, _ = built
    names = set(root.built())
    assert {n for n in names if n.startswith("rust-")} == DEVEL
    assert "wsdemo" in names
    assert not [n for n in names if "testutil" in n or "scratch" in n or "wsdemo-cli" in n]


def test_members_provide_and_require_across_the_workspace(built):
    root, _ = built
    headers = root.built()
    for name, requires in REQUIRES.items():
        assert headers[name].requires == sorted(requires), name
    # the crate's own version in crate(), the spec's (the workspace's) in the package's
    assert headers["rust-wsdemo-fmt-devel"].provides == ["crate(wsdemo-fmt) = 0.2.0", f"rust-wsdemo-fmt-devel = {VERSION}-1"]
    assert headers["rust-wsdemo-core+serde-devel"].provides == ["crate(wsdemo-core/serde) = 0.3.1",
                                                               f"rust-wsdemo-core+serde-devel = {VERSION}-1"]
    for name, license_ in LICENSES.items():
        assert headers[name].license == license_, name


def test_registry_holds_normalized_manifests(built):
    root, _ = built
    headers = root.built()
    core = headers["rust-wsdemo-core-devel"].path
    where = f"{REGISTRY}/wsdemo-core-{VERSION}"
    normalized = tomllib.loads(payload_file(core, f"{where}/Cargo.toml").decode())
    assert "workspace" not in json.dumps(normalized)
    assert normalized["package"]["version"] == VERSION and normalized["package"]["rust-version"] == "1.70"
    assert normalized["package"]["readme"] == "README.md"
    assert normalized["dependencies"]["log"] == {"version": "0.4"}
    assert normalized["lints"] == {"rust": {"unsafe_code": "forbid"}}
    original = payload_file(core, f"{where}/Cargo.toml.orig").decode()
    assert "version.workspace = true" in original
    for name in ("LICENSE-MIT", "LICENSE-APACHE", "README.md"):
        assert payload_file(core, f"{where}/{name}") == (WORKSPACE / name).read_bytes()
    fmt_devel = headers["rust-wsdemo-fmt-devel"]
    # the fixture's link to the root's license: its text, as cargo package copies it
    assert payload_file(fmt_devel.path, f"{REGISTRY}/wsdemo-fmt-0.2.0/LICENSE-MIT") == (WORKSPACE / "LICENSE-MIT").read_bytes()
    assert f"{REGISTRY}/wsdemo-fmt-0.2.0/LICENSE-APACHE" not in fmt_devel.files
    fmt = tomllib.loads(payload_file(fmt_devel.path, f"{REGISTRY}/wsdemo-fmt-0.2.0/Cargo.toml").decode())
    assert fmt["dependencies"] == {"wsdemo-core": {"features": ["serde"], "version": "=0.3.1"}}
    assert "target" not in fmt and fmt.get("dev-dependencies", {}) == {}


def test_workspace_binary_is_built_tested_and_runs(built):
    root, log = built
    text = log.stdout + log.stderr
    # cargo test --workspace ran every member's tests
    assert "test tests::greets ... ok" in text and "test tests::formats ... ok" in text
    root.run(f"rpm -i --nodeps /root/rpmbuild/RPMS/*/wsdemo-{VERSION}-1.*.rpm")
    assert root.run("wsdemo packager").stdout == "Hello, packager!\n"


def test_a_crate_outside_builds_against_the_installed_members(built):
    root, _ = built
    headers = root.built()
    root.install(headers[n].path for n in sorted(DEVEL))
    src = root.path("/root/wsgreet-1.0.0")
    for rel, text in CONSUMER.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    archive = crate_archive(src, root.path(SOURCES), "wsgreet", "1.0.0")
    shutil.rmtree(src)
    # the spec buildsys writes: it builds on 4.16 as on 4.20
    root.write("/root/wsgreet.spec", buildsys_new(archive).encode())
    root.rpmbuild("/root/wsgreet.spec", "-ba")
    root.run("rpm -i --nodeps /root/rpmbuild/RPMS/*/wsgreet-1.0.0-1.*.rpm")
    assert root.run("wsgreet").stdout == "Hello, consumer!\n"


def _cargo_metadata(root: BuildRoot, where: str) -> dict:
    out = root.run(f"cd {where} && cargo metadata --no-deps --offline --format-version 1").stdout
    return {p["name"]: p for p in json.loads(out)["packages"]}


def _deps(package: dict) -> list:
    return sorted((d["name"], d["kind"] or "normal", d["target"], d["req"], d["optional"],
                   d["uses_default_features"], tuple(sorted(d["features"])), d["rename"]) for d in package["dependencies"])


trixie = root_fixture("trixie")


@pytest.mark.rpmbuild
def test_cargo_reads_each_normalized_manifest_as_the_member_in_its_workspace(trixie):
    """cargo metadata of the workspace as upstream wrote it, against cargo
    metadata of each normalized manifest standing alone. The differences
    are the ones cargo package makes, applied here by hand: a path-only
    dependency becomes exactly its member's version, a path-only
    dev-dependency is dropped, and the tables of other operating systems
    are gone (buildsys's own rule, docs/workspaces.md)."""
    shutil.copytree(WORKSPACE, trixie.path("/root/upstream"))
    upstream = _cargo_metadata(trixie, "/root/upstream")
    shutil.copytree(WORKSPACE, trixie.path("/root/prepared"))
    trixie.run(f"buildsys -p /root/prepared prepare --workspace --registry {REGISTRY}")
    members = project_mod.load(str(trixie.path("/root/prepared"))).members
    assert sorted(m.name for m in members) == ["wsdemo-cli", "wsdemo-core", "wsdemo-fmt", "wsdemo-testutil"]
    versions = {m.name: str(m.manifest.version) for m in members}
    compared = 0
    for member in members:
        alone = f"/root/alone/{member.name}"
        shutil.copytree(trixie.path(f"/root/prepared/{member.path}"), trixie.path(alone),
                        ignore=shutil.ignore_patterns(".buildsys"))
        normalized = record.normalized_manifest(trixie.path(f"/root/prepared/{member.path}"))
        trixie.path(alone + "/Cargo.toml").write_text(normalized.read_text())
        ours = _cargo_metadata(trixie, alone)[member.name]
        theirs = upstream[member.name]
        for field in ("version", "license", "edition", "rust_version", "description", "features", "publish", "readme"):
            if field == "readme" and theirs[field]:
                assert Path(ours[field]).name == Path(theirs[field]).name
                continue
            assert ours[field] == theirs[field], (member.name, field)
        assert [(t["name"], t["kind"]) for t in ours["targets"]] == [(t["name"], t["kind"]) for t in theirs["targets"]]
        expected = []
        for dep in theirs["dependencies"]:
            if dep["target"] and not target_applies(dep["target"]):
                continue
            if dep.get("path"):
                if dep["req"] == "*":
                    if dep["kind"] == "dev":
                        continue
                    dep = dict(dep, req="=" + versions[dep["name"]])
            expected.append(dep)
        assert _deps(ours) == _deps({"dependencies": expected}), member.name
        compared += 1
    assert compared == 4
