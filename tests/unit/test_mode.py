"""buildsys.mode: which way the subpackages are made, from the RPM version.
Expectations are written by hand."""

import pytest

from buildsys import mode
from buildsys.errors import BuildsysError


@pytest.mark.parametrize(
    "rpm_version, expected",
    [
        ("4.16.1.2", "static"),  # EPEL 9, Debian bullseye
        ("4.18.0", "static"),  # Debian bookworm
        ("4.18.90", "specparts"),  # 4.19 alpha
        ("4.19.1.1", "specparts"),  # EPEL 10
        ("4.19.90", "buildsystem"),  # 4.20 alpha
        ("4.20.1", "buildsystem"),  # Fedora 41/42, Debian trixie
        ("6.0.1", "buildsystem"),  # Fedora 43
        ("4.20.0~rc1", "buildsystem"),  # a suffix after the numbers
        ("4.18.0-3", "static"),
    ],
)
def test_best_mode_for_each_rpm(rpm_version, expected):
    assert mode.select(rpm_version) == expected


@pytest.mark.parametrize(
    "rpm_version, forced",
    [("4.20.1", "static"), ("4.20.1", "specparts"), ("4.19.1", "static"), ("4.16.1.2", "static"), ("6.1", "buildsystem")],
)
def test_a_mode_the_rpm_can_do_may_be_forced(rpm_version, forced):
    assert mode.select(rpm_version, forced) == forced


@pytest.mark.parametrize(
    "rpm_version, forced, message",
    [
        ("4.16.1.2", "specparts", "mode 'specparts' needs RPM 4.18.90 or newer, and this is RPM 4.16.1.2"),
        ("4.19.1", "buildsystem", "mode 'buildsystem' needs RPM 4.19.90 or newer, and this is RPM 4.19.1"),
        ("4.20.1", "dynamic", "unknown mode 'dynamic'"),
        ("4.14.3", "", "RPM 4.14.3 is too old"),
        ("four", "", "cannot read RPM version 'four'"),
    ],
)
def test_impossible_modes_are_clear_errors(rpm_version, forced, message):
    with pytest.raises(BuildsysError, match=message.replace("(", r"\(").replace(")", r"\)")):
        mode.select(rpm_version, forced)


RPM_VERSIONS = ["4.14.3", "4.16", "4.16.1.2", "4.18.0", "4.18.90", "4.19", "4.19.1", "4.19.1.1", "4.19.90",
                "4.20", "4.20.1", "4.20.10", "5", "6.0.1", "6.1"]


@pytest.mark.parametrize("a", RPM_VERSIONS)
def test_rpm_versions_compare_as_rpm_compares_them(a):
    rpm = pytest.importorskip("rpm", reason="python3-rpm is installed by make check (host packages)")
    for b in RPM_VERSIONS:
        theirs = rpm.labelCompare(("0", a, "1"), ("0", b, "1"))
        ours = (mode._parse(a) > mode._parse(b)) - (mode._parse(a) < mode._parse(b))
        assert ours == theirs, (a, b)
