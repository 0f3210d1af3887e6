"""buildsys.manifest: Cargo.toml read into the model by cargo's rules
(rpm-facts §1), on small manifests written for each behaviour, with
expectations derived by hand."""

import re

import pytest

from buildsys import manifest, plan
from buildsys.errors import BuildsysError

from helpers import RICH, V, crate_caret, write_manifest


def test_features_include_implicit_ones_for_optional_deps_without_dep_syntax(tmp_path):
    m = write_manifest(tmp_path, RICH)
    # bar and colors are named with dep:, quux is not -> only quux is implicit
    assert sorted(m.features) == ["all", "color", "default", "derive", "quux", "std"]


def test_workspace_inheritance_from_the_same_file_is_resolved(tmp_path):
    m = write_manifest(tmp_path, """
[package.license]
workspace = true
[dependencies]
bar = { workspace = true, features = ["x"], optional = true }
[workspace]
members = ["."]
[workspace.package]
license = "MIT"
[workspace.dependencies]
bar = { version = "1.5", default-features = false }
""")
    assert m.license == "MIT"
    assert plan.requires(m, "bar") == tuple(sorted([
        "cargo", f"crate(foo) = {V}", crate_caret("bar", "1.5.0", "2.0.0"), crate_caret("bar", "1.5.0", "2.0.0", "x")]))


@pytest.mark.parametrize(
    "body, message",
    [
        ("[dependencies]\nbar = { workspace = true }\n", "inherited from a workspace"),
        ("[package.homepage]\nworkspace = true\n", "inherited from a workspace"),
        ('[features]\na = ["nope"]\n', "neither a feature nor an optional dependency"),
        ('[features]\na = ["dep:bar"]\n[dependencies]\nbar = "1"\n', "not an optional dependency"),
        ('[features]\na = ["ghost/x"]\n', "not a dependency"),
        ('[dependencies]\nbar = "not a version"\n', "invalid version requirement"),
        ('[dependencies]\nbar = ">=2, <1"\n', "cannot be satisfied"),
        ('[dev-dependencies]\nbar = { version = "1", optional = true }\n', "cannot be optional"),
        ('[features]\n"bad name" = []\n', "invalid feature name"),
        ("[dependencies\n", "invalid TOML"),
    ],
)
def test_bad_manifest_is_one_clear_error_naming_the_file(tmp_path, body, message):
    with pytest.raises(BuildsysError) as exc:
        write_manifest(tmp_path, body)
    text = str(exc.value)
    assert message in text
    assert text.startswith(str(tmp_path / "Cargo.toml") + ": ")
    assert "\n" not in text


@pytest.mark.parametrize(
    "text, message",
    [
        ('[workspace]\nmembers = ["a"]\n', "workspace manifest without [package]"),
        ('[dependencies]\nx = "1"\n', "missing [package]"),
        ('[package]\nversion = "1.0.0"\n', "missing package.name"),
        ('[package]\nname = "a/b"\nversion = "1.0.0"\n', "invalid crate name"),
        ('[package]\nname = "a"\nversion = "1.0"\n', "invalid version"),
    ],
)
def test_bad_package_table_is_a_clear_error(tmp_path, text, message):
    (tmp_path / "Cargo.toml").write_text(text)
    with pytest.raises(BuildsysError, match=re.escape(message)):
        manifest.load(str(tmp_path))
