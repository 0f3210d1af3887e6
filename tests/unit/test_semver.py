"""buildsys.semver: cargo's requirements and versions, pinned against
cargo's reference ("Specifying dependencies") and semver.org, written out
by hand."""

import pytest

from buildsys.errors import BuildsysError
from buildsys.semver import Requirement, Version
from helpers import foo_dependency


@pytest.mark.parametrize(
    "req, expected",
    [
        # beyond cargo2rpm: any number of comparators -> the tightest range
        ("^1.2.3, <1.5", "(crate(foo) >= 1.2.3 with crate(foo) < 1.5.0~)"),
        (">=1.2, <2, >=1.4", "(crate(foo) < 2.0.0~ with crate(foo) >= 1.4.0)"),
        (">=1, >=1.2, <3, <2.5, ^1.1", "(crate(foo) >= 1.2.0 with crate(foo) < 2.0.0~)"),
        (">=1.2.3, <=1.2.3", "crate(foo) = 1.2.3"),
        (">1.0.0, >=1.0.0", "crate(foo) > 1.0.0"),
        ("<2.0.0, <=2.0.0", "crate(foo) < 2.0.0~"),
        ("~1.2, =1.2.7", "crate(foo) = 1.2.7"),
        (">=0.0.3, <0.0.4", "crate(foo) = 0.0.3"),
        # a full "<X" lets X's pre-releases in once a comparator opts them in
        # (semver crate: "ver.pre < cmp.pre", and an empty pre sorts last) ...
        (">=2.0.0-alpha, <2.0.0", "(crate(foo) >= 2.0.0~alpha with crate(foo) < 2.0.0)"),
        ("<2.0.0, >2.0.0-rc.1", "(crate(foo) < 2.0.0 with crate(foo) > 2.0.0~rc.1)"),
        # ... but "<X" without an opt-in, and the upper ends of ^, ~ and
        # partial versions compare numbers, so X's pre-releases stay out
        (">=1.9.0-alpha, <2.0.0", "(crate(foo) >= 1.9.0~alpha with crate(foo) < 2.0.0~)"),
        # "~2.1.0" stops below every 2.2.0 pre-release: tighter than "<=2.2.0-a"
        ("~2.1.0, <=2.2.0-alpha1", "(crate(foo) >= 2.1.0 with crate(foo) < 2.2.0~)"),
        ("<=2.2.0-alpha1, ~2.1.5", "(crate(foo) >= 2.1.5 with crate(foo) < 2.2.0~)"),
    ],
)
def test_comparators_intersect_to_tightest_range(req, expected):
    assert foo_dependency(req) == expected


@pytest.mark.parametrize(
    "req",
    [">=2, <1", "^1.2, ^2.0", "=1.2.3, >1.2.3", ">1.0.0, <1.0.0",
     # ^1.5.0 admits no 2.0.0 pre-release (the major differs)
     ">=2.0.0-alpha, ^1.5.0", "=2.0.0-rc.1, ~1.9",
     # "<2" and "<1.0" compare numbers: no 2.0.0 / 1.0.0 pre-release is below them
     ">=2.0.0-alpha, <2", ">=1.0.0-alpha, <1.0"],
)
def test_empty_intersection_is_an_error(req):
    with pytest.raises(BuildsysError, match="cannot be satisfied"):
        foo_dependency(req)


@pytest.mark.parametrize(
    "req",
    ["", "   ", "abc", "1.2.3.4", "01.2", "1.02", "^^1", ">= ", "1.*.3", "*, >=1", "1.2-alpha", "1.2.3-01",
     ",1.0", "1.0,", "=> 1.0", "1.0.0-", "18446744073709551616", ",".join(["1"] * 33)],
)
def test_invalid_requirement_is_a_clear_error(req):
    with pytest.raises(BuildsysError) as exc:
        Requirement.parse(req).to_range()
    assert "version requirement" in str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "lower, higher",
    [
        ("1.0.0-alpha", "1.0.0-alpha.1"),
        ("1.0.0-alpha.1", "1.0.0-alpha.beta"),
        ("1.0.0-alpha.beta", "1.0.0-beta"),
        ("1.0.0-beta.2", "1.0.0-beta.11"),
        ("1.0.0-rc.1", "1.0.0"),
        ("1.9.9", "1.10.0"),
    ],
)
def test_version_precedence_follows_semver_org(lower, higher):
    # the chain given as the example in semver.org, rule 11
    assert Version.parse(lower) < Version.parse(higher)
    assert not Version.parse(higher) < Version.parse(lower)


@pytest.mark.parametrize("text", ["1.2", "1.2.3.4", "v1.2.3", "1.2.3-", "1.2.3-a..b", "01.2.3"])
def test_invalid_version_is_a_clear_error(text):
    with pytest.raises(BuildsysError, match="invalid version"):
        Version.parse(text)


@pytest.mark.parametrize("text, published", [
    ("1.2.3", "1.2.3"),
    ("1.2.3+build.5", "1.2.3"),
    ("1.0.0-rc.1+x", "1.0.0-rc.1"),
    ("0.3.1-beta.2", "0.3.1-beta.2"),
])
def test_the_version_without_build_metadata_names_registry_directories(text, published):
    assert Version.parse(text).without_build == published
    assert str(Version.parse(text)) == text
