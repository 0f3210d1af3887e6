"""buildsys.plan: subpackages with their Provides and Requires, BuildRequires
and binaries, for one crate and for a whole project (features unified
across workspace members), with expectations derived by hand from cargo's
and Fedora's rules (rpm-facts §1, docs/workspaces.md)."""

from __future__ import annotations

import shutil

import pytest

from buildsys import manifest, plan
from buildsys.errors import BuildsysError
from buildsys.features import Selection

from helpers import RICH, HEAD, V, WORKSPACE, WS, crate_caret, prepare_workspace, tree, workspace_at, write_manifest


def test_devel_requires_nonoptional_linux_deps_with_default_flag(tmp_path):
    m = write_manifest(tmp_path, RICH)
    assert plan.requires(m, None) == tuple(sorted([
        "cargo",
        crate_caret("baz", "0.5.0", "0.6.0", "default"),
        crate_caret("libc", "0.2.0", "0.3.0", "default"),
        crate_caret("cc", "1.0.80", "2.0.0"),  # default-features = false
    ]))


@pytest.mark.parametrize(
    "feature, expected",
    [
        # weak reference: pulls the optional dependency with its own settings
        ("std", [crate_caret("bar", "1.0.0", "2.0.0"), crate_caret("bar", "1.0.0", "2.0.0", "alloc"),
                 crate_caret("bar", "1.0.0", "2.0.0", "std")]),
        ("derive", [crate_caret("bar", "1.0.0", "2.0.0"), crate_caret("bar", "1.0.0", "2.0.0", "alloc"),
                    crate_caret("bar", "1.0.0", "2.0.0", "derive")]),
        # renamed: matched by key "colors", emitted by real name
        ("color", [crate_caret("termcolor", "1.4.0", "2.0.0", "default")]),
        ("quux", [crate_caret("quux", "2.0.0", "3.0.0", "default")]),
        # own features become exact requirements; baz/extra on a normal dependency
        ("all", [f"crate(foo/color) = {V}", f"crate(foo/derive) = {V}", crate_caret("baz", "0.5.0", "0.6.0", "extra")]),
        ("default", [f"crate(foo/std) = {V}"]),
    ],
)
def test_feature_subpackage_requires(tmp_path, feature, expected):
    m = write_manifest(tmp_path, RICH)
    assert plan.requires(m, feature) == tuple(sorted(["cargo", f"crate(foo) = {V}"] + expected))


def test_default_exists_even_when_undeclared(tmp_path):
    m = write_manifest(tmp_path, "")
    assert plan.feature_names(m) == ("default",)
    assert plan.requires(m, "default") == ("cargo", f"crate(foo) = {V}")
    assert plan.provides(m, "default") == f"crate(foo/default) = {V}"


def test_every_feature_gets_a_subpackage_with_provides(tmp_path):
    m = write_manifest(tmp_path, RICH)
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
        (Selection(), False, [crate_caret("bar", "1.0.0", "2.0.0"), crate_caret("bar", "1.0.0", "2.0.0", "alloc"),
                              crate_caret("bar", "1.0.0", "2.0.0", "std")]),
        (Selection(no_default_features=True), False, []),
        (Selection(no_default_features=True, features=("color",)), False,
         [crate_caret("termcolor", "1.4.0", "2.0.0", "default")]),
    ],
)
def test_buildrequires_closure(tmp_path, selection, check, expected_extra):
    m = write_manifest(tmp_path, RICH)
    base = ["rust >= 1.56", crate_caret("baz", "0.5.0", "0.6.0", "default"), crate_caret("libc", "0.2.0", "0.3.0", "default"),
            crate_caret("cc", "1.0.80", "2.0.0")]
    assert plan.buildrequires(m, selection, check) == tuple(sorted(base + expected_extra))


@pytest.mark.parametrize("selection", [Selection(), Selection(no_default_features=True),
                                       Selection(no_default_features=True, features=("color",))])
def test_with_check_the_buildrequires_cover_every_feature_for_cargos_lock_file(tmp_path, selection):
    # cargo test writes a lock file over every feature: whatever the selection,
    # every optional dependency must be there, and the dev-dependencies
    m = write_manifest(tmp_path, RICH)
    expected = set(plan.buildrequires(m, Selection(all_features=True), False))
    expected.add(crate_caret("tempfile", "3.0.0", "4.0.0", "default"))
    assert plan.buildrequires(m, selection, True) == tuple(sorted(expected))
    with pytest.raises(BuildsysError, match="unknown feature 'nope'"):
        plan.buildrequires(m, Selection(features=("nope",)), True)


def test_buildrequires_all_features_enables_everything(tmp_path):
    m = write_manifest(tmp_path, RICH)
    brs = plan.buildrequires(m, Selection(all_features=True), False)
    assert crate_caret("bar", "1.0.0", "2.0.0", "derive") in brs
    assert crate_caret("quux", "2.0.0", "3.0.0", "default") in brs
    assert crate_caret("baz", "0.5.0", "0.6.0", "extra") in brs
    assert not any("winapi" in b for b in brs)


def test_rust_version_wins_over_edition(tmp_path):
    m = write_manifest(tmp_path, '[package.metadata]\n')
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
        ('bar = { path = "../bar", version = "1.1" }', [crate_caret("bar", "1.1.0", "2.0.0", "default")]),
        ('bar = { git = "https://example.org/bar", version = "=1.1.4" }', ["crate(bar/default) = 1.1.4"]),
        ('bar = { version = "1", default_features = false }', [crate_caret("bar", "1.0.0", "2.0.0")]),
        ('[target.x86_64-pc-windows-gnu.dependencies]\nbar = "1"', []),
        ('[target.x86_64-unknown-linux-gnu.dependencies]\nbar = "1"', [crate_caret("bar", "1.0.0", "2.0.0", "default")]),
    ],
)
def test_which_dependencies_become_rpm_dependencies(tmp_path, dep, expected):
    body = dep if dep.startswith("[") else "[dependencies]\n" + dep
    m = write_manifest(tmp_path, body)
    assert plan.requires(m, None) == tuple(sorted(["cargo"] + expected))


def test_required_features_decide_is_bin(tmp_path):
    m = write_manifest(tmp_path, '[[bin]]\nname = "x"\npath = "src/x.rs"\nrequired-features = ["cli"]\n[features]\ncli = []\n',
              ["src/x.rs"])
    assert plan.binaries(m, Selection()) == ()
    assert plan.binaries(m, Selection(features=("cli",))) == ("x",)


def test_unknown_feature_is_an_error_naming_known_ones(tmp_path):
    m = write_manifest(tmp_path, RICH)
    with pytest.raises(BuildsysError, match="unknown feature 'nope'.*known: all, color"):
        plan.requires(m, "nope")
    with pytest.raises(BuildsysError, match="unknown feature"):
        plan.buildrequires(m, Selection(features=("nope",)))


def test_unprepared_and_prepared_workspaces_give_the_same_members(tmp_path):
    """Dynamic BuildRequires are generated before %conf prepares the tree."""
    root = tmp_path / "ws"
    shutil.copytree(WORKSPACE, root)
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
    shutil.copytree(WORKSPACE, root)
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


@pytest.mark.parametrize("text, message", [
    ("serde/", "not a feature name or DEP/FEATURE"), ("/std", "not a feature name or DEP/FEATURE"),
    ("serde?/", "not a feature name or DEP/FEATURE"),
    # a plain word is looked up, and the error lists the features there are
    ("a b", "unknown feature 'a b'"), (".nope", r"unknown feature '\.nope'")])
def test_a_selection_that_is_no_feature_reference_is_refused_naming_the_manifest(tmp_path, text, message):
    from buildsys.features import Selection, resolve

    m = write_manifest(tmp_path, '[dependencies]\nserde = { version = "1", optional = true }\n')
    with pytest.raises(BuildsysError, match=message) as excinfo:
        resolve(m, Selection(features=(text,)))
    assert excinfo.value.path == m.path
