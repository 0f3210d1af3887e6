"""Workspaces without rpmbuild: which members cargo would see, the manifest
``cargo package`` would write for each, the features members ask of each
other, and what reaches the specparts. Expectations are written by hand
from cargo's documented rules (docs/workspaces.md); tests/test_workspace.py
builds the fixture workspace with real rpmbuild and compares with cargo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from buildsys import cli, plan, prepare, project, record, specparts, workspace
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.record import Options
from buildsys.tomlread import read_toml, tomllib
from buildsys.tomlwrite import dumps

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "workspace"
REGISTRY = "/usr/share/cargo/registry"


def prepare_workspace(root: Path, **check: str) -> None:
    prepare.prepare(root, REGISTRY, Options(workspace=True), **check)


def workspace_at(root: Path) -> project.Project:
    return project.load(str(root), workspace_option=True)


def tree(root: Path, files: Dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def member(name: str, extra: str = "", version: str = 'version = "1.0.0"') -> Dict[str, str]:
    return {f"{name}/Cargo.toml": f'[package]\nname = "{name}"\n{version}\n{extra}', f"{name}/src/lib.rs": ""}


def normalized(tmp_path: Path, root_toml: str, *members: Dict[str, str], rel: str = "a") -> dict:
    files = {"Cargo.toml": root_toml}
    for m in members:
        files.update(m)
    root = tree(tmp_path / "ws", files)
    prepare_workspace(root)
    return tomllib.loads((root / rel / ".buildsys" / record.NORMALIZED).read_text())


WS = '[workspace]\nmembers = ["a", "b"]\n'
SHARED = (WS + '[workspace.package]\nversion = "2.1.0"\nedition = "2021"\nlicense = "MIT"\nrust-version = "1.74"\n'
          'readme = "README.md"\n[workspace.dependencies]\nlog = "0.4"\n'
          'serde = { version = "1", default-features = false, features = ["std"] }\nb = { path = "b", version = "2.1" }\n'
          '[workspace.lints.rust]\nunsafe_code = "forbid"\n')


@pytest.mark.parametrize(
    "a_toml, expected",
    [
        # package fields: inherited ones take the workspace's value
        ('version.workspace = true\nedition.workspace = true\nlicense = { workspace = true }\n',
         {"package": {"name": "a", "version": "2.1.0", "edition": "2021", "license": "MIT"}}),
        # a dependency's features add to the workspace's; optional and default-features are the member's
        ('version = "1.0.0"\n[dependencies]\nlog.workspace = true\nserde = { workspace = true, optional = true, features = ["derive"] }\n',
         {"dependencies": {"log": {"version": "0.4"},
                           "serde": {"version": "1", "default-features": False, "features": ["std", "derive"], "optional": True}}}),
        # an inherited path dependency keeps its version, not its path
        ('version = "1.0.0"\n[dependencies]\nb.workspace = true\n', {"dependencies": {"b": {"version": "2.1"}}}),
        # a path without a version: exactly the member's version, from the same source
        ('version = "1.0.0"\n[dependencies]\nb = { path = "../b" }\n', {"dependencies": {"b": {"version": "=2.1.0"}}}),
        ('version = "1.0.0"\n[dependencies]\nb = { path = "../b", version = "2", features = ["x"] }\n',
         {"dependencies": {"b": {"version": "2", "features": ["x"]}}}),
        # dev-dependencies by path alone are dropped, as cargo package drops them
        ('version = "1.0.0"\n[dev-dependencies]\nb = { path = "../b" }\nlog.workspace = true\n',
         {"dev-dependencies": {"log": {"version": "0.4"}}}),
        # target tables get the same treatment
        ('version = "1.0.0"\n[target.\'cfg(unix)\'.dependencies]\nb = { path = "../b" }\n',
         {"target": {"cfg(unix)": {"dependencies": {"b": {"version": "=2.1.0"}}}}}),
        ('version = "1.0.0"\n[lints]\nworkspace = true\n', {"lints": {"rust": {"unsafe_code": "forbid"}}}),
        # a readme from the workspace (or up the tree) is copied into the crate
        ('version = "1.0.0"\nreadme.workspace = true\n', {"package": {"name": "a", "version": "1.0.0", "readme": "README.md"}}),
        ('version = "1.0.0"\nlicense-file = "../LICENSE.txt"\n',
         {"package": {"name": "a", "version": "1.0.0", "license-file": "LICENSE.txt"}}),
        # a git dependency with a version is published with the version alone
        ('version = "1.0.0"\n[dependencies]\nx = { git = "https://example.org/x", branch = "main", version = "0.2" }\n',
         {"dependencies": {"x": {"version": "0.2"}}}),
    ],
)
def test_member_manifest_is_normalized_as_cargo_package_writes_it(tmp_path, a_toml, expected):
    b = member("b", "[features]\nx = []\n", version='version.workspace = true')
    got = normalized(tmp_path, SHARED, {"a/Cargo.toml": '[package]\nname = "a"\n' + a_toml, "a/src/lib.rs": "",
                                        "README.md": "hello", "LICENSE.txt": "MIT"}, b)
    for table, value in expected.items():
        assert got[table] == value
    assert "workspace" not in repr(got)


def test_files_from_outside_the_member_are_copied_in(tmp_path):
    root = tree(tmp_path / "ws", {"Cargo.toml": SHARED, "README.md": "hello", "LICENSE-MIT": "mit", **member("b"),
                                  "a/Cargo.toml": '[package]\nname = "a"\nversion = "1.0.0"\nreadme.workspace = true\n',
                                  "a/src/lib.rs": ""})
    prepare_workspace(root)
    # the readme it names, and the root's license texts (it has none of its own)
    assert (root / "a" / "README.md").read_text() == "hello"
    assert (root / "a" / "LICENSE-MIT").read_text() == "mit"
    assert "README.md" in record.source_files(root / "a")


def test_root_package_loses_workspace_patch_and_replace(tmp_path):
    got = normalized(tmp_path, '[package]\nname = "top"\nversion = "1.0.0"\n[workspace]\nmembers = ["a"]\n'
                     '[patch.crates-io]\nlog = { path = "x" }\n[profile.release]\nlto = true\n',
                     member("a"), {"src/lib.rs": ""}, rel=".")
    assert set(got) == {"package", "profile"}


@pytest.mark.parametrize(
    "root_toml, a_toml, message",
    [
        (WS, 'version.workspace = true\n', "package.version is inherited from a workspace (workspace = true) whose "
                                           "[workspace.package] has no version"),
        (WS, 'version = "1.0.0"\n[dependencies]\nlog.workspace = true\n',
         "dependency 'log' is inherited from a workspace (workspace = true) whose [workspace.dependencies] has no 'log'"),
        # outside the root (inside, it would be a member: cargo's rule)
        (WS, 'version = "1.0.0"\n[dependencies]\nz = { path = "../../z" }\n',
         "path dependency 'z' (../z) is not a member of the workspace, and has no version"),
        (WS, 'version = "1.0.0"\n[dependencies]\nx = { git = "https://example.org/x" }\n',
         "dependency 'x' comes from git without a version: a crate in the registry cannot use it"),
        (WS, 'version = "1.0.0"\nlicense-file = "../../LICENSE"\n', "package.license-file '../../LICENSE' is outside the workspace"),
    ],
)
def test_what_cannot_be_normalized_is_one_line_naming_the_member(tmp_path, root_toml, a_toml, message):
    root = tree(tmp_path / "ws", {"Cargo.toml": root_toml, "a/Cargo.toml": '[package]\nname = "a"\n' + a_toml,
                                  "a/src/lib.rs": "", **member("b")})
    tree(tmp_path, {"z/Cargo.toml": '[package]\nname = "z"\n'})
    with pytest.raises(BuildsysError) as exc:
        prepare_workspace(root)
    assert exc.value.message == message
    assert exc.value.path == str(root / "a" / "Cargo.toml")


@pytest.mark.parametrize(
    "root_toml, files, message",
    [
        (WS, member("a"), "workspace member 'b' does not exist"),
        ('[workspace]\nmembers = ["a", "b"]\n', {**member("a"), "b/x.txt": ""}, "workspace member 'b' has no Cargo.toml"),
        ('[workspace]\nmembers = ["a", "b"]\n', {**member("a"), **member("b").__class__(
            {"b/Cargo.toml": '[package]\nname = "a"\n', "b/src/lib.rs": ""})}, "two workspace members are both named 'a'"),
        ('[workspace]\nmembers = ["../x"]\n', {}, "workspace member '../x' is outside the workspace"),
        ('[workspace]\nmembers = ["my crate"]\n', {"my crate/Cargo.toml": '[package]\nname = "c"\n'},
         "workspace member 'my crate': buildsys takes directory names of ASCII letters, digits, '.', '_', '+' and '-' "
         "(not first)"),
        ('[package]\nname = "p"\n', {}, "BuildOption --workspace, but this Cargo.toml has no [workspace] table"),
    ],
)
def test_workspace_errors_are_one_line_naming_the_root(tmp_path, root_toml, files, message):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "Cargo.toml").write_text('[package]\nname = "x"\n')
    root = tree(tmp_path / "ws", {"Cargo.toml": root_toml, **files})
    with pytest.raises(BuildsysError) as exc:
        prepare_workspace(root)
    assert exc.value.message == message
    assert exc.value.path == str(root / "Cargo.toml")


def test_members_are_globbed_excluded_and_found_through_path_dependencies(tmp_path):
    root = tree(tmp_path / "ws", {
        "Cargo.toml": '[package]\nname = "top"\nversion = "1.0.0"\n[dependencies]\nhelper = { path = "tools/helper" }\n'
                      '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/old"]\n',
        "src/main.rs": "", **{f"crates/{k}": v for k, v in {**member("one"), **member("two"), **member("old")}.items()},
        "crates/README": "", **{f"tools/{k}": v for k, v in member("helper").items()},
    })
    _, data = read_toml(root / "Cargo.toml")
    assert workspace.discover(root, data) == [".", "crates/one", "crates/two", "tools/helper"]


def test_unprepared_and_prepared_workspaces_give_the_same_members(tmp_path):
    """Dynamic BuildRequires are generated before %conf prepares the tree."""
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root)
    before = workspace_at(root)
    prepare_workspace(root)
    after = workspace_at(root)
    assert [(m.path, m.name, m.packaged) for m in before.members] == [(m.path, m.name, m.packaged) for m in after.members]
    assert [m.path for m in after.packaged] == ["crates/wsdemo-core", "crates/wsdemo-fmt"]
    # the dependency on winapi (Windows) is in the tree until %conf takes it out
    assert plan.project_buildrequires(before, Selection(), True, False) == plan.project_buildrequires(after, Selection(), True, False)


@pytest.fixture
def fixture_members(tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root)
    prepare_workspace(root)
    return workspace_at(root)


@pytest.mark.parametrize(
    "selection, core",
    [
        # wsdemo-fmt asks for wsdemo-core's serde, with its default features
        (Selection(), Selection(False, False, ("serde",))),
        (Selection(no_default_features=True), Selection(False, False, ("serde",))),
        (Selection(all_features=True), Selection(True, False, ("serde",))),
    ],
)
def test_features_members_ask_of_each_other_are_unified(fixture_members, selection, core):
    assert plan.selections(fixture_members, selection, False)["wsdemo-core"] == core


def test_buildrequires_are_the_union_without_the_members(fixture_members):
    assert plan.project_buildrequires(fixture_members, Selection(), False, False) == (
        "(crate(log/default) >= 0.4.0 with crate(log/default) < 0.5.0~)",
        "(crate(serde) >= 1.0.0 with crate(serde) < 2.0.0~)",
        "(crate(serde/derive) >= 1.0.0 with crate(serde/derive) < 2.0.0~)",
        "(crate(serde/std) >= 1.0.0 with crate(serde/std) < 2.0.0~)",
        # the newest rust a member needs (wsdemo-core's rust-version; 1.56 for edition 2021)
        "rust >= 1.70",
    )
    assert plan.project_buildrequires(fixture_members, Selection(), False, True) == ("rust >= 1.70",)


def test_feature_lists_are_refused_for_a_workspace(fixture_members):
    with pytest.raises(BuildsysError, match="with --workspace, select features with -a or -n"):
        plan.project_buildrequires(fixture_members, Selection(features=("serde",)), False, False)


def test_binaries_of_one_name_in_two_members_are_an_error(tmp_path):
    root = tree(tmp_path / "ws", {"Cargo.toml": WS, "a/Cargo.toml": '[package]\nname = "a"\n[[bin]]\nname = "tool"\npath = "m.rs"\n',
                                  "a/m.rs": "", "b/Cargo.toml": '[package]\nname = "b"\n[[bin]]\nname = "tool"\npath = "m.rs"\n',
                                  "b/m.rs": ""})
    with pytest.raises(BuildsysError, match="members a and b both build a binary named 'tool'"):
        plan.project_binaries(workspace_at(root), Selection())


def test_crate_text_of_members_is_escaped_in_specparts(tmp_path):
    description = "Evil %(touch /tmp/canary) text\n%package -n evil\n%{lua:os.exit(1)}"
    root = tree(tmp_path / "ws", {"Cargo.toml": WS, **member("b"),
                                  "a/Cargo.toml": '[package]\nname = "a"\nversion = "1.0.0"\nlicense = "MIT/%{x}"\n'
                                                  f'description = {dumps({"d": description})[4:].strip()}\n',
                                  "a/src/lib.rs": ""})
    prepare_workspace(root)
    parts = specparts.for_project(project.load(str(root)), REGISTRY)
    text = parts["10-cargo-a-devel.specpart"]
    # words with '%' are left out of a Summary: RPM expands %{summary} again
    assert "Summary:        Evil /tmp/canary) text -n evil" in text
    assert "Evil %%(touch /tmp/canary) text" in text
    assert "License:        MIT OR %%{x}" in text
    assert [line for line in text.splitlines() if line.startswith("%package")] == ["%package -n rust-a-devel"]
    assert sorted(parts) == ["10-cargo-a-devel.specpart", "10-cargo-b-devel.specpart",
                             "20-cargo-a-features.specpart", "20-cargo-b-features.specpart"]


def test_prepare_twice_and_any_hash_seed_give_the_same_bytes(tmp_path):
    outputs = []
    for seed in ("0", "1", "4242"):
        root = tmp_path / f"ws{seed}"
        shutil.copytree(FIXTURE, root)
        env = dict(os.environ, PYTHONHASHSEED=seed,
                   PYTHONPATH=os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        run = [sys.executable, "-m", "buildsys", "-p", str(root)]
        for _ in range(2):
            proc = subprocess.run(run + ["prepare", "--workspace", "--registry", REGISTRY], env=env, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
        out = [subprocess.run(run + args, env=env, check=True, capture_output=True, text=True).stdout
               for args in (["specparts", "--stdout", "--registry", REGISTRY], ["buildrequires", "-t"], ["bin-paths"])]
        out += [(root / m / ".buildsys" / record.NORMALIZED).read_text() for m in ("crates/wsdemo-core", "crates/wsdemo-fmt")]
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][2] == "crates/wsdemo-cli\n"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["buildrequires", "--workspace"], "BuildOption --workspace, but this Cargo.toml has no [workspace] table"),
        (["buildrequires", "--workspace", "-f", "x"], "BuildOption --workspace, but this Cargo.toml has no [workspace] table"),
    ],
)
def test_cli_workspace_errors_are_one_line(tmp_path, capsys, argv, message):
    tree(tmp_path, {"Cargo.toml": '[package]\nname = "p"\nversion = "1.0.0"\n', "src/lib.rs": ""})
    assert cli.main(["-p", str(tmp_path)] + argv) == 1
    err = capsys.readouterr().err
    assert err == f"buildsys: error: {tmp_path / 'Cargo.toml'}: {message}\n"


def test_new_on_a_crate_that_only_declares_an_empty_workspace_is_a_crate_spec(tmp_path, capsys):
    tree(tmp_path / "solo", {"Cargo.toml": '[package]\nname = "solo"\nversion = "1.0.0"\nlicense = "MIT"\n[workspace]\n',
                             "src/lib.rs": ""})
    assert cli.main(["new", str(tmp_path / "solo")]) == 0
    out = capsys.readouterr().out
    assert "Name:           rust-solo" in out and "--workspace" not in out


@pytest.mark.parametrize(
    "member_toml, message",
    [
        ('[package]\nname = "a"\nversion.workspace = true\n',
         "'package.version' is inherited from a workspace (workspace = true); build the workspace it belongs to "
         "(BuildOption: --workspace, docs/workspaces.md), or package the crate as published ('cargo package' "
         "writes the resolved Cargo.toml)"),
        (None, "this is a workspace manifest without [package]: build the workspace with BuildOption: --workspace "
               "(docs/workspaces.md)"),
    ],
)
def test_a_crate_spec_for_workspace_sources_points_to_the_workspace_option(tmp_path, capsys, member_toml, message):
    root = tree(tmp_path / "ws", {"Cargo.toml": WS, **member("b"), "a/Cargo.toml": member_toml or "", "a/src/lib.rs": ""})
    path = root / "a" if member_toml else root
    assert cli.main(["-p", str(path), "buildrequires"]) == 1
    assert capsys.readouterr().err == f"buildsys: error: {path / 'Cargo.toml'}: {message}\n"


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
    shutil.copytree(FIXTURE, root)
    if message is None:
        prepare_workspace(root, crate=crate, rpm_version=version)
        return
    with pytest.raises(BuildsysError) as exc:
        prepare_workspace(root, crate=crate, rpm_version=version)
    assert (exc.value.message, exc.value.path) == (message, str(root / "Cargo.toml"))


@pytest.mark.parametrize(
    "root_toml, files, members",
    [
        # exclude is a path prefix, and a literal member wins over it (cargo's is_excluded)
        ('[workspace]\nmembers = ["crates/*", "tools/*"]\nexclude = ["tools"]\n',
         {**member("crates/a"), **member("tools/x")}, ["crates/a"]),
        ('[workspace]\nmembers = ["crates/*", "tools/x"]\nexclude = ["tools"]\n',
         {**member("crates/a"), **member("tools/x"), **member("tools/y")}, ["crates/a", "tools/x"]),
        # a path dependency under an excluded path is not a member
        ('[workspace]\nmembers = ["a"]\nexclude = ["vend"]\n',
         {"a/Cargo.toml": '[package]\nname = "a"\n[dependencies]\nv = { path = "../vend/v", version = "1" }\n',
          "a/src/lib.rs": "", **member("vend/v")}, ["a"]),
        # hidden directories match '*', and '**' goes down any number of levels
        ('[workspace]\nmembers = ["crates/*", "deep/**/y"]\n',
         {**member("crates/.hid"), **member("deep/x/y"), **member("deep/y")}, ["crates/.hid", "deep/x/y", "deep/y"]),
    ],
)
def test_members_are_found_as_cargo_finds_them(tmp_path, root_toml, files, members):
    root = tree(tmp_path / "ws", {"Cargo.toml": root_toml, **files})
    _, data = read_toml(root / "Cargo.toml")
    assert workspace.discover(root, data) == members


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


@pytest.mark.parametrize(
    "ws_dep, member_dep, expected",
    [
        # a member's default-features = false is ignored unless the workspace says false too
        ('{ version = "1" }', '{ workspace = true, default-features = false }', {"version": "1"}),
        ('{ version = "1", default-features = false }', '{ workspace = true }', {"version": "1", "default-features": False}),
        ('{ version = "1", default-features = false }', '{ workspace = true, default-features = true }', {"version": "1"}),
        # package and other keys of the member are not cargo's to inherit; features are not repeated
        ('{ version = "1", features = ["x"] }', '{ workspace = true, features = ["x", "y"], optional = true }',
         {"version": "1", "features": ["x", "y"], "optional": True}),
    ],
)
def test_inherited_dependencies_follow_cargos_merge(tmp_path, ws_dep, member_dep, expected):
    got = normalized(tmp_path, WS + f'[workspace.dependencies]\nlog = {ws_dep}\n',
                     member("a", f'[dependencies]\nlog = {member_dep}\n'), member("b"))
    assert got["dependencies"]["log"] == expected


def test_dev_dependencies_spelt_with_underscores_are_inherited_too(tmp_path):
    got = normalized(tmp_path, WS + '[workspace.dependencies]\nlog = "0.4"\n',
                     member("a", '[dev_dependencies]\nlog.workspace = true\n'), member("b"))
    assert got["dev_dependencies"] == {"log": {"version": "0.4"}}


def test_license_links_to_the_root_are_copied_and_the_skeleton_agrees(tmp_path):
    """Members link the root's license; cargo package copies the text. The
    parse-time skeleton (EPEL 9's static sections) must see the same files."""
    root = tmp_path / "wsdemo-0.3.1"
    shutil.copytree(FIXTURE, root, symlinks=True)
    assert (root / "crates" / "wsdemo-fmt" / "LICENSE-MIT").is_symlink()  # as the fixture has it
    archive = tmp_path / "wsdemo-0.3.1.tar.gz"
    import tarfile
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, "wsdemo-0.3.1")
    from buildsys import sections
    parsed = sections.from_archive(archive, REGISTRY, workspace=True)
    prepare_workspace(root)
    link = root / "crates" / "wsdemo-fmt" / "LICENSE-MIT"
    assert not link.is_symlink() and link.read_bytes() == (root / "LICENSE-MIT").read_bytes()
    assert not (root / "crates" / "wsdemo-fmt" / "LICENSE-APACHE").exists()  # it has a license of its own
    assert sections.from_prepared(root, REGISTRY) == parsed
