"""buildsys.project and buildsys.record: one model for a crate and a
workspace, loaded from the tree, from an archive, or from what %cargo_prep
recorded; the same answers whichever way it was loaded."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import pytest

from buildsys import plan, prepare, project, record
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.record import Options

from helpers import FIXTURES, REGISTRY, WORKSPACE, WS, member, prepare_workspace, tree, workspace_at


@pytest.mark.parametrize(
    "crate, version, message",
    [
        ("wsdemo-cli", "0.3.1", None),
        ("wsdemo-fmt", "0.2.0", None),
        ("wsdemo-fmt", "0.3.1", "workspace member 'wsdemo-fmt' is version 0.2.0, and the spec builds version 0.3.1 "
                                "(%{version}): fix Version"),
        ("wsdemo", "0.3.1", "the spec builds crate 'wsdemo' (%{crate}), which is not a member of this workspace "
                            "(members: wsdemo-cli, wsdemo-core, wsdemo-fmt, wsdemo-testutil): set %global crate"),
    ],
)
def test_the_spec_names_a_member_at_its_version(tmp_path, crate, version, message):
    root = tmp_path / "ws"
    shutil.copytree(WORKSPACE, root)
    if message is None:
        prepare_workspace(root, crate=crate, rpm_version=version)
        return
    with pytest.raises(BuildsysError) as exc:
        prepare_workspace(root, crate=crate, rpm_version=version)
    assert (exc.value.message, exc.value.path) == (message, str(root / "Cargo.toml"))


@pytest.mark.parametrize(
    "crate, version, fix",
    [
        ("leaf", "1.2.0", None),
        # the name matches: the archive is the other version (a bumped Version, an old Source0)
        ("leaf", "1.3.0", "fix Version, or Source0 if it is an older archive"),
        # the name does not: %{crate} comes from Name, or Source0 is another crate's
        ("leave", "1.2.0", "set %global crate if the name differs from Name without rust-, or fix Source0"),
    ],
)
def test_a_crate_the_spec_does_not_name_says_what_to_fix(tmp_path, crate, version, fix):
    root = tmp_path / "leaf-1.2.0"
    shutil.copytree(FIXTURES / "leaf", root)
    if fix is None:
        prepare.prepare(root, REGISTRY, crate=crate, rpm_version=version)
        return
    with pytest.raises(BuildsysError) as exc:
        prepare.prepare(root, REGISTRY, crate=crate, rpm_version=version)
    assert exc.value.message == (f"this is crate 'leaf' version 1.2.0, and the spec builds {crate!r} version {version} "
                                 f"(%{{crate}}, %{{version}}): {fix}")


@pytest.mark.parametrize(
    "a_extra, b_extra, message",
    [
        ('[dependencies]\nb = { path = "../b" }\n', 'publish = false\n',
         "a is packaged (a library that may be published), but needs b, which is not (publish = false, no version, "
         "or no library): set publish = false for a too"),
        ('[dependencies]\nb = { path = "../b", version = "0.0.0" }\n', '', None),
    ],
)
def test_a_packaged_member_cannot_need_an_internal_one(tmp_path, a_extra, b_extra, message):
    root = tree(tmp_path / "ws", {"Cargo.toml": WS, **member("a", a_extra), "b/Cargo.toml": f'[package]\nname = "b"\n{b_extra}',
                                  "b/src/lib.rs": ""})
    if message is None:
        # b has no version: cargo treats it as unpublishable, so a cannot be packaged either
        with pytest.raises(BuildsysError, match="needs b, which is not"):
            workspace_at(root)
        return
    with pytest.raises(BuildsysError) as exc:
        workspace_at(root)
    assert (exc.value.message, exc.value.path) == (message, str(root / "a" / "Cargo.toml"))


def copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name, symlinks=True))


@pytest.mark.parametrize("fixture, workspace, members", [
    # a crate is a workspace of one, its member at "."
    ("leaf", False, [(".", "leaf", True)]),
    ("app", False, [(".", "app", False)]),
    ("workspace", True, [("crates/wsdemo-cli", "wsdemo-cli", False), ("crates/wsdemo-core", "wsdemo-core", True),
                         ("crates/wsdemo-fmt", "wsdemo-fmt", True), ("crates/wsdemo-testutil", "wsdemo-testutil", False)]),
])
def test_a_project_is_the_same_from_the_tree_and_from_the_record(tmp_path, fixture, workspace, members):
    root = copy(fixture, tmp_path)
    before = project.load(str(root), workspace)
    prepare.prepare(root, REGISTRY, Options(workspace=workspace))
    after = project.load(str(root))  # the record says what it is; no flag needed
    for p in (before, after):
        assert [(m.path, m.name, m.packaged) for m in p.members] == members
        assert p.is_workspace is workspace
    assert plan.project_buildrequires(before, Selection(), True) == plan.project_buildrequires(after, Selection(), True)


def test_the_record_keeps_the_options_prep_was_given(tmp_path):
    root = copy("vendapp", tmp_path)
    vendor = tmp_path / "vendapp-0.4.0-vendor.tar.xz"
    with tarfile.open(vendor, "w:xz") as tar:
        info = tarfile.TarInfo("vendor")
        info.type = tarfile.DIRTYPE
        tar.addfile(info)
    prepare.prepare(root, REGISTRY, Options(), vendor)
    assert project.load(str(root)).options == Options(workspace=False, vendor="vendapp-0.4.0-vendor.tar.xz")
    # later steps read it: a vendored application needs only the toolchain
    assert all(not br.startswith("crate(") and "crate(" not in br
               for br in plan.project_buildrequires(project.load(str(root)), Selection(), True,
                                                    project.load(str(root)).options.vendor is not None))


def test_prepare_twice_with_other_options_is_refused(tmp_path):
    root = copy("workspace", tmp_path)
    prepare.prepare(root, REGISTRY, Options(workspace=True))
    with pytest.raises(BuildsysError, match="ran here before with other options"):
        prepare.prepare(root, REGISTRY, Options(workspace=False))


def test_a_workspace_flag_on_a_crate_prepared_alone_is_refused(tmp_path):
    root = copy("leaf", tmp_path)
    prepare.prepare(root, REGISTRY)
    with pytest.raises(BuildsysError, match="prepared this as a single crate"):
        project.load(str(root), workspace_option=True)


@pytest.mark.parametrize("damage, message", [
    ("not json", "the record is damaged"),
    ('{"format": 0, "members": [], "options": {}}', "written by another buildsys"),
])
def test_a_damaged_record_is_a_clear_error(tmp_path, damage, message):
    root = copy("leaf", tmp_path)
    prepare.prepare(root, REGISTRY)
    (root / record.STATE / "project.json").write_text(damage)
    with pytest.raises(BuildsysError, match=message):
        project.load(str(root))


def test_the_record_is_byte_identical_when_prep_runs_again(tmp_path):
    root = copy("workspace", tmp_path)
    prepare.prepare(root, REGISTRY, Options(workspace=True))
    first = (root / record.STATE / "project.json").read_bytes()
    prepare.prepare(root, REGISTRY, Options(workspace=True))
    assert (root / record.STATE / "project.json").read_bytes() == first
    entry = json.loads(first)["members"][1]
    assert entry == {"path": "crates/wsdemo-core", "name": "wsdemo-core", "normalized": True}


@pytest.mark.parametrize("fixture, workspace, crate, version, message", [
    ("leaf", False, "leaf", "1.2.0", None),
    ("leaf", False, "impostor", "1.2.0", "this is crate 'leaf' version 1.2.0, and the spec builds 'impostor' version 1.2.0"),
    ("leaf", False, "leaf", "9.0.0", "this is crate 'leaf' version 1.2.0, and the spec builds 'leaf' version 9.0.0"),
    ("workspace", True, "wsdemo-fmt", "0.2.0", None),
    ("workspace", True, "wsdemo-fmt", "0.3.1", "workspace member 'wsdemo-fmt' is version 0.2.0"),
    ("workspace", True, "nope", "0.3.1", "'nope' (%{crate}), which is not a member of this workspace"),
])
def test_the_spec_names_a_member_of_the_project(tmp_path, fixture, workspace, crate, version, message):
    root = copy(fixture, tmp_path)
    if message is None:
        prepare.prepare(root, REGISTRY, Options(workspace=workspace), crate=crate, rpm_version=version)
        return
    with pytest.raises(BuildsysError, match=message.replace("(", r"\(").replace(")", r"\)").replace("{", r"\{")):
        prepare.prepare(root, REGISTRY, Options(workspace=workspace), crate=crate, rpm_version=version)
