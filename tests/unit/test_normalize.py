"""buildsys.normalize (and buildsys.inherit): a workspace member's manifest
as `cargo package` writes it, with expectations written by hand from
cargo's documented rules (docs/workspaces.md); tests/test_workspace.py
compares with cargo itself."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from buildsys import record
from buildsys.errors import BuildsysError
from buildsys.tomlread import tomllib

from helpers import WS, member, prepare_workspace, tree


def normalized(tmp_path: Path, root_toml: str, *members: Dict[str, str], rel: str = "a") -> dict:
    files = {"Cargo.toml": root_toml}
    for m in members:
        files.update(m)
    root = tree(tmp_path / "ws", files)
    prepare_workspace(root)
    return tomllib.loads((root / rel / ".buildsys" / record.NORMALIZED).read_text())


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
