"""buildsys.workspace: which crates of a tree are its members, found as cargo
finds them (globs, exclude, path dependencies). Expectations are written
by hand from cargo's documented rules (docs/workspaces.md)."""

from __future__ import annotations


import pytest

from buildsys import workspace
from buildsys.errors import BuildsysError
from buildsys.tomlread import read_toml

from helpers import WS, member, prepare_workspace, tree


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
