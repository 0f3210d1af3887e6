"""buildsys.rpmdeps: cargo requirements and versions as RPM dependencies, by
Fedora's conventions (rpm-facts §1), written out by hand."""

import pytest

from buildsys.rpmdeps import rpm2semver, semver2rpm
from buildsys.semver import Version
from helpers import foo_dependency


@pytest.mark.parametrize(
    "req, expected",
    [
        # caret, the default operator
        ("^1.2.3", "(crate(foo) >= 1.2.3 with crate(foo) < 2.0.0~)"),
        ("1.2.3", "(crate(foo) >= 1.2.3 with crate(foo) < 2.0.0~)"),
        ("1.2", "(crate(foo) >= 1.2.0 with crate(foo) < 2.0.0~)"),
        ("1", "(crate(foo) >= 1.0.0 with crate(foo) < 2.0.0~)"),
        ("^0.2.3", "(crate(foo) >= 0.2.3 with crate(foo) < 0.3.0~)"),
        ("0.2", "(crate(foo) >= 0.2.0 with crate(foo) < 0.3.0~)"),
        ("^0.0.3", "crate(foo) = 0.0.3"),
        ("^0.0.1", "crate(foo) = 0.0.1"),
        ("^0.0", "(crate(foo) >= 0.0.0 with crate(foo) < 0.1.0~)"),
        ("^0", "(crate(foo) >= 0.0.0 with crate(foo) < 1.0.0~)"),
        # tilde
        ("~1.2.3", "(crate(foo) >= 1.2.3 with crate(foo) < 1.3.0~)"),
        ("~1.2", "(crate(foo) >= 1.2.0 with crate(foo) < 1.3.0~)"),
        ("~1", "(crate(foo) >= 1.0.0 with crate(foo) < 2.0.0~)"),
        # wildcards
        ("*", "crate(foo)"),
        ("1.*", "(crate(foo) >= 1.0.0 with crate(foo) < 2.0.0~)"),
        ("1.2.*", "(crate(foo) >= 1.2.0 with crate(foo) < 1.3.0~)"),
        ("1.x", "(crate(foo) >= 1.0.0 with crate(foo) < 2.0.0~)"),
        # comparison operators
        ("=1.2.3", "crate(foo) = 1.2.3"),
        ("=1.2", "(crate(foo) >= 1.2.0 with crate(foo) < 1.3.0~)"),
        (">1.2.3", "crate(foo) > 1.2.3"),
        (">1.2", "crate(foo) >= 1.3.0"),
        (">1", "crate(foo) >= 2.0.0"),
        (">=1.2", "crate(foo) >= 1.2.0"),
        ("<1.2.3", "crate(foo) < 1.2.3~"),
        ("<2", "crate(foo) < 2.0.0~"),
        ("<=1.2.3", "crate(foo) <= 1.2.3"),
        ("<=1.2", "crate(foo) < 1.3.0~"),
        # pre-releases: ~ before the pre-release, _ inside it
        ("^1.0.0-alpha.1", "(crate(foo) >= 1.0.0~alpha.1 with crate(foo) < 2.0.0~)"),
        ("=1.0.0-rc-1", "crate(foo) = 1.0.0~rc_1"),
        ("<1.0.0-beta", "crate(foo) < 1.0.0~beta"),
        # the order the author wrote is kept
        (">=1.2, <1.5", "(crate(foo) >= 1.2.0 with crate(foo) < 1.5.0~)"),
        ("<1.5, >=1.2", "(crate(foo) < 1.5.0~ with crate(foo) >= 1.2.0)"),
        # spaces, as the semver crate allows them
        (" >= 1.2 , < 1.5 ", "(crate(foo) >= 1.2.0 with crate(foo) < 1.5.0~)"),
        # build metadata is ignored in requirements
        ("=1.2.3+build.5", "crate(foo) = 1.2.3"),
    ],
)
def test_requirement_becomes_fedora_dependency(req, expected):
    assert foo_dependency(req) == expected


def test_feature_dependency_names_the_feature():
    assert foo_dependency("^1.2.3", "std") == "(crate(foo/std) >= 1.2.3 with crate(foo/std) < 2.0.0~)"


@pytest.mark.parametrize(
    "semver, rpm",
    [
        ("1.2.3", "1.2.3"),
        ("1.0.0-alpha.1", "1.0.0~alpha.1"),
        ("1.0.0-pre-release.2", "1.0.0~pre_release.2"),
        ("0.1.0+build.7", "0.1.0"),
        ("2.0.0-rc.1+sha.abc", "2.0.0~rc.1"),
    ],
)
def test_semver2rpm_and_back(semver, rpm):
    assert semver2rpm(Version.parse(semver)) == rpm
    assert str(rpm2semver(rpm)) == semver.split("+")[0]
