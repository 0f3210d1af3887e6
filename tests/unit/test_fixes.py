"""The packager's fixes (buildsys.fixes and the plan): capabilities in
RPM's spelling, extra Requires, hidden features and what they take along.
Expectations are written by hand from the fixture's Cargo.toml."""

from __future__ import annotations

import pytest

from buildsys import fixes, plan
from buildsys.errors import BuildsysError
from helpers import write_manifest


@pytest.mark.parametrize(
    "word, spelled",
    [
        ("zlib-devel", "zlib-devel"),
        ("pkgconfig(zlib)>=1.2.11", "pkgconfig(zlib) >= 1.2.11"),
        ("libfoo.so.1()(64bit)", "libfoo.so.1()(64bit)"),
        ("/usr/bin/pkg-config", "/usr/bin/pkg-config"),
        ("foo=2:1.0~rc1", "foo = 2:1.0~rc1"),
        ("foo<2", "foo < 2"),
    ],
)
def test_a_capability_is_spelt_as_rpm_writes_it(word, spelled):
    assert fixes.capability(word) == spelled


@pytest.mark.parametrize("word", [">=1.0", "foo>=", "foo>=1>=2", "foo bar", "foo,bar", "-foo", "foo>=%{x}"])
def test_what_is_not_one_capability_is_refused(word):
    with pytest.raises(BuildsysError, match="is not one RPM capability"):
        fixes.capability(word)


MANIFEST = """
[dependencies]
serde = { version = "1", optional = true }
simd = { version = "0.1", optional = true, package = "packed_simd" }

[features]
default = ["std"]
std = []
nightly = ["simd"]
fast = ["nightly", "std"]
derive = ["serde"]
"""


def names(p):
    return [s.name for s in p.subpackages]


def test_hiding_a_feature_drops_it_and_every_feature_that_enables_it(tmp_path):
    m = write_manifest(tmp_path, MANIFEST)
    hidden = names(plan.plan(m, hidden=("simd",)))
    # simd (the implicit feature), nightly (enables it), fast (enables nightly)
    assert hidden == ["rust-foo-devel", "rust-foo+default-devel", "rust-foo+derive-devel", "rust-foo+serde-devel",
                      "rust-foo+std-devel"]
    assert set(names(plan.plan(m))) - set(hidden) == {"rust-foo+simd-devel", "rust-foo+nightly-devel",
                                                      "rust-foo+fast-devel"}


def test_the_default_feature_cannot_be_hidden(tmp_path):
    m = write_manifest(tmp_path, MANIFEST)
    with pytest.raises(BuildsysError, match="the default feature enables std, so it cannot be hidden"):
        plan.plan(m, hidden=("std",))


def test_hiding_an_unknown_feature_names_the_manifest(tmp_path):
    m = write_manifest(tmp_path, MANIFEST)
    with pytest.raises(BuildsysError, match="unknown feature 'nope'") as excinfo:
        plan.plan(m, hidden=("nope",))
    assert excinfo.value.path == m.path


def test_extra_requires_go_to_devel_and_to_the_named_feature_only(tmp_path):
    m = write_manifest(tmp_path, MANIFEST)
    subs = {s.name: s.requires for s in plan.plan(m, ("pkgconfig(zlib)>=1.2",), ("derive:serde-extra>=1",)).subpackages}
    assert "pkgconfig(zlib) >= 1.2" in subs["rust-foo-devel"]
    assert "serde-extra >= 1" in subs["rust-foo+derive-devel"]
    others = [r for name, reqs in subs.items() if name not in ("rust-foo-devel", "rust-foo+derive-devel") for r in reqs]
    assert not [r for r in others if "zlib" in r or "serde-extra" in r]


def test_feature_requires_of_a_hidden_or_unknown_feature_is_refused(tmp_path):
    m = write_manifest(tmp_path, MANIFEST)
    with pytest.raises(BuildsysError, match="--feature-requires names 'nightly', which is hidden"):
        plan.plan(m, feature_requires=("nightly:x",), hidden=("simd",))
    with pytest.raises(BuildsysError, match="unknown feature 'nope'"):
        plan.plan(m, feature_requires=("nope:x",))
