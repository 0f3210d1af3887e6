"""The shared test helpers (tests/helpers.py) themselves: an expectation
written with a wrong helper passes for the wrong reason."""

from __future__ import annotations

import tarfile

import pytest

from helpers import GATE_CLOSE, GATE_ELSE, GATE_OPEN, crate_archive, crate_spec, minimal_spec, rpm_version


# SemVer -> Fedora's RPM form, by the rule: build metadata dropped, the
# pre-release's "-" becomes "~", a "-" inside the pre-release "_".
@pytest.mark.parametrize("semver, rpm", [
    ("1.2.3", "1.2.3"),
    ("0.3.1-beta.2", "0.3.1~beta.2"),
    ("1.0.0-rc-1", "1.0.0~rc_1"),  # replace("-", "~") would give 1.0.0~rc~1
    ("1.0.0-pre-release-2", "1.0.0~pre_release_2"),
    ("1.0.0+build.5", "1.0.0"),
    ("1.0.0+build-5", "1.0.0"),  # a "-" in build metadata is no pre-release
    ("1.0.0-alpha.1+x", "1.0.0~alpha.1"),
    ("1.0.0-alpha-1+x-y", "1.0.0~alpha_1"),
])
def test_rpm_version_follows_the_rule(semver, rpm):
    assert rpm_version(semver) == rpm


def test_crate_spec_gates_buildsystem_for_older_rpm():
    lines = crate_spec("loud", "1.0.0-rc-1", "Fails on purpose", build_option="-f nosuch").splitlines()
    assert "Version:        1.0.0~rc_1" in lines
    start, middle, end = lines.index(GATE_OPEN), lines.index(GATE_ELSE), lines.index(GATE_CLOSE)
    assert lines[start:end + 1] == [GATE_OPEN, "BuildSystem:    cargo", "BuildOption(build): -f nosuch",
                                    GATE_ELSE, "%cargo_compat -- build: -f nosuch", GATE_CLOSE]
    assert start < middle < end


def test_minimal_spec_has_no_gate_and_no_files_for_binaries():
    spec = minimal_spec("xml-rs", "0.8.19", "MIT", True, "BuildOption: --no-check\n")
    assert GATE_OPEN not in spec and "BuildArch" not in spec
    assert "BuildSystem:    cargo\nBuildOption: --no-check\n" in spec
    assert "%files" not in spec


def test_crate_archive_is_the_same_bytes_every_time_and_keeps_links(tmp_path):
    src = tmp_path / "src"
    (src / "src").mkdir(parents=True)
    (src / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "1.0.0"\n')
    (src / "src" / "lib.rs").write_text("")
    (src / "target").mkdir()
    (src / "target" / "junk").write_text("left out")
    (src / "shadow").symlink_to("/etc/shadow")
    first = crate_archive(src, tmp_path / "a", "x", "1.0.0").read_bytes()
    (src / "Cargo.toml").touch()  # another time: the same bytes
    second = crate_archive(src, tmp_path / "b", "x", "1.0.0")
    assert second.read_bytes() == first
    with tarfile.open(second) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert sorted(members) == ["x-1.0.0/Cargo.toml", "x-1.0.0/shadow", "x-1.0.0/src/lib.rs"]
    assert members["x-1.0.0/shadow"].issym() and members["x-1.0.0/shadow"].linkname == "/etc/shadow"
    assert {(m.mtime, m.uid, m.gid, m.mode) for m in members.values()} == {(0, 0, 0, 0o644)}
