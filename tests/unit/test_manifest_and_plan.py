"""Cargo's feature and target semantics (rpm-facts §1), on small manifests
written for each behaviour, with expectations derived by hand."""

import re
import textwrap

import pytest

from buildsys import manifest, plan
from buildsys.errors import BuildsysError
from buildsys.features import Selection

HEAD = '[package]\nname = "foo"\nversion = "1.2.3"\nedition = "2021"\n'
V = "1.2.3"


def write(tmp_path, body, files=("src/lib.rs",)):
    (tmp_path / "Cargo.toml").write_text(HEAD + textwrap.dedent(body))
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("")
    return manifest.load(str(tmp_path / "Cargo.toml"))


def caret(name, lo, hi, feature=None):
    cap = f"crate({name}/{feature})" if feature else f"crate({name})"
    return f"({cap} >= {lo} with {cap} < {hi}~)"


RICH = """
[features]
default = ["std"]
std = ["bar?/std"]
derive = ["dep:bar", "bar/derive"]
color = ["dep:colors"]
all = ["derive", "color", "baz/extra"]

[dependencies]
bar = { version = "1.0", optional = true, default-features = false, features = ["alloc"] }
colors = { package = "termcolor", version = "1.4", optional = true }
baz = "0.5"
quux = { version = "2", optional = true }

[target.'cfg(windows)'.dependencies]
winapi = { version = "0.3", features = ["winbase"] }

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[build-dependencies]
cc = { version = "1.0.80", default-features = false }

[dev-dependencies]
tempfile = "3"
"""


def test_features_include_implicit_ones_for_optional_deps_without_dep_syntax(tmp_path):
    m = write(tmp_path, RICH)
    # bar and colors are named with dep:, quux is not -> only quux is implicit
    assert sorted(m.features) == ["all", "color", "default", "derive", "quux", "std"]


def test_devel_requires_nonoptional_linux_deps_with_default_flag(tmp_path):
    m = write(tmp_path, RICH)
    assert plan.requires(m, None) == tuple(sorted([
        "cargo",
        caret("baz", "0.5.0", "0.6.0", "default"),
        caret("libc", "0.2.0", "0.3.0", "default"),
        caret("cc", "1.0.80", "2.0.0"),  # default-features = false
    ]))


@pytest.mark.parametrize(
    "feature, expected",
    [
        # weak reference: pulls the optional dependency with its own settings
        ("std", [caret("bar", "1.0.0", "2.0.0"), caret("bar", "1.0.0", "2.0.0", "alloc"),
                 caret("bar", "1.0.0", "2.0.0", "std")]),
        ("derive", [caret("bar", "1.0.0", "2.0.0"), caret("bar", "1.0.0", "2.0.0", "alloc"),
                    caret("bar", "1.0.0", "2.0.0", "derive")]),
        # renamed: matched by key "colors", emitted by real name
        ("color", [caret("termcolor", "1.4.0", "2.0.0", "default")]),
        ("quux", [caret("quux", "2.0.0", "3.0.0", "default")]),
        # own features become exact requirements; baz/extra on a normal dependency
        ("all", [f"crate(foo/color) = {V}", f"crate(foo/derive) = {V}", caret("baz", "0.5.0", "0.6.0", "extra")]),
        ("default", [f"crate(foo/std) = {V}"]),
    ],
)
def test_feature_subpackage_requires(tmp_path, feature, expected):
    m = write(tmp_path, RICH)
    assert plan.requires(m, feature) == tuple(sorted(["cargo", f"crate(foo) = {V}"] + expected))


def test_default_exists_even_when_undeclared(tmp_path):
    m = write(tmp_path, "")
    assert plan.feature_names(m) == ("default",)
    assert plan.requires(m, "default") == ("cargo", f"crate(foo) = {V}")
    assert plan.provides(m, "default") == f"crate(foo/default) = {V}"


def test_every_feature_gets_a_subpackage_with_provides(tmp_path):
    m = write(tmp_path, RICH)
    p = plan.plan(m)
    assert [s.name for s in p.subpackages] == [
        "rust-foo-devel", "rust-foo+all-devel", "rust-foo+color-devel", "rust-foo+default-devel",
        "rust-foo+derive-devel", "rust-foo+quux-devel", "rust-foo+std-devel",
    ]
    assert p.subpackages[0].provides == (f"crate(foo) = {V}",)
    assert p.subpackages[2].provides == (f"crate(foo/color) = {V}",)


@pytest.mark.parametrize(
    "selection, check, expected_extra",
    [
        # default -> std -> bar?/std: bar stays off, but cargo's resolver wants it present
        (Selection(), False, [caret("bar", "1.0.0", "2.0.0"), caret("bar", "1.0.0", "2.0.0", "alloc"),
                              caret("bar", "1.0.0", "2.0.0", "std")]),
        (Selection(no_default_features=True), False, []),
        (Selection(no_default_features=True, features=("color",)), False,
         [caret("termcolor", "1.4.0", "2.0.0", "default")]),
        (Selection(no_default_features=True), True, [caret("tempfile", "3.0.0", "4.0.0", "default")]),
    ],
)
def test_buildrequires_closure(tmp_path, selection, check, expected_extra):
    m = write(tmp_path, RICH)
    base = ["rust >= 1.56", caret("baz", "0.5.0", "0.6.0", "default"), caret("libc", "0.2.0", "0.3.0", "default"),
            caret("cc", "1.0.80", "2.0.0")]
    assert plan.buildrequires(m, selection, check) == tuple(sorted(base + expected_extra))


def test_buildrequires_all_features_enables_everything(tmp_path):
    m = write(tmp_path, RICH)
    brs = plan.buildrequires(m, Selection(all_features=True), False)
    assert caret("bar", "1.0.0", "2.0.0", "derive") in brs
    assert caret("quux", "2.0.0", "3.0.0", "default") in brs
    assert caret("baz", "0.5.0", "0.6.0", "extra") in brs
    assert not any("winapi" in b for b in brs)


def test_rust_version_wins_over_edition(tmp_path):
    m = write(tmp_path, '[package.metadata]\n')
    assert "rust >= 1.56" in plan.buildrequires(m, Selection())
    (tmp_path / "Cargo.toml").write_text(HEAD + 'rust-version = "1.74.1"\n')
    m = manifest.load(str(tmp_path))
    assert "rust >= 1.74.1" in plan.buildrequires(m, Selection())
    assert "rust >= 1.74.1" in plan.requires(m, None)


@pytest.mark.parametrize(
    "dep, expected",
    [
        ('bar = { path = "../bar" }', []),
        ('bar = { git = "https://example.org/bar" }', []),
        # published with the version: that is what consumers need
        ('bar = { path = "../bar", version = "1.1" }', [caret("bar", "1.1.0", "2.0.0", "default")]),
        ('bar = { git = "https://example.org/bar", version = "=1.1.4" }', ["crate(bar/default) = 1.1.4"]),
        ('bar = { version = "1", default_features = false }', [caret("bar", "1.0.0", "2.0.0")]),
        ('[target.x86_64-pc-windows-gnu.dependencies]\nbar = "1"', []),
        ('[target.x86_64-unknown-linux-gnu.dependencies]\nbar = "1"', [caret("bar", "1.0.0", "2.0.0", "default")]),
    ],
)
def test_which_dependencies_become_rpm_dependencies(tmp_path, dep, expected):
    body = dep if dep.startswith("[") else "[dependencies]\n" + dep
    m = write(tmp_path, body)
    assert plan.requires(m, None) == tuple(sorted(["cargo"] + expected))


@pytest.mark.parametrize(
    "files, body, is_lib, bins",
    [
        (["src/lib.rs"], "", True, []),
        (["src/main.rs"], "", False, ["foo"]),
        (["src/lib.rs", "src/main.rs", "src/bin/tool.rs", "src/bin/multi/main.rs"], "", True, ["foo", "multi", "tool"]),
        (["src/main.rs", "src/bin/tool.rs"], "autobins = false\n[[bin]]\nname = \"only\"\npath = \"src/main.rs\"\n",
         False, ["only"]),
        (["src/custom.rs"], '[lib]\npath = "src/custom.rs"\n', True, []),
        (["src/lib.rs"], '[lib]\nproc-macro = true\n', True, []),
        (["src/lib.rs"], '[lib]\ncrate-type = ["cdylib"]\n', False, []),
        (["src/main.rs"], '[[bin]]\nname = "x"\npath = "src/x.rs"\nrequired-features = ["cli"]\n[features]\ncli = []\n',
         False, ["foo", "x"]),
    ],
)
def test_targets_are_discovered_like_cargo(tmp_path, files, body, is_lib, bins):
    m = write(tmp_path, body, files)
    assert m.is_lib is is_lib
    assert [b.name for b in m.binaries] == bins


def test_required_features_decide_is_bin(tmp_path):
    m = write(tmp_path, '[[bin]]\nname = "x"\npath = "src/x.rs"\nrequired-features = ["cli"]\n[features]\ncli = []\n',
              ["src/x.rs"])
    assert plan.binaries(m, Selection()) == ()
    assert plan.binaries(m, Selection(features=("cli",))) == ("x",)


def test_edition_2015_explicit_bin_turns_discovery_off(tmp_path):
    (tmp_path / "src" / "bin").mkdir(parents=True)
    (tmp_path / "src" / "main.rs").write_text("")
    (tmp_path / "src" / "bin" / "extra.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "foo"\nversion = "1.0.0"\n[[bin]]\nname = "foo"\npath = "src/main.rs"\n')
    assert [b.name for b in manifest.load(str(tmp_path)).binaries] == ["foo"]


def test_workspace_inheritance_from_the_same_file_is_resolved(tmp_path):
    m = write(tmp_path, """
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
        "cargo", f"crate(foo) = {V}", caret("bar", "1.5.0", "2.0.0"), caret("bar", "1.5.0", "2.0.0", "x")]))


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
        write(tmp_path, body)
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


def test_unknown_feature_is_an_error_naming_known_ones(tmp_path):
    m = write(tmp_path, RICH)
    with pytest.raises(BuildsysError, match="unknown feature 'nope'.*known: all, color"):
        plan.requires(m, "nope")
    with pytest.raises(BuildsysError, match="unknown feature"):
        plan.buildrequires(m, Selection(features=("nope",)))
