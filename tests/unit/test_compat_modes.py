"""The compat layer's Python side: mode selection from the RPM version, the
crate archive read at parse time, and the static sections with their
build-time staleness check. Expectations are written by hand."""

import io
import shutil
import tarfile
from pathlib import Path

import pytest

from buildsys import mode, newspec, sections
from buildsys.archive import unpack_skeleton
from buildsys.errors import BuildsysError
from buildsys.prepare import prepare

REPO = Path(__file__).resolve().parents[2]
LEAF = REPO / "tests" / "fixtures" / "leaf"
REGISTRY = "/usr/share/cargo/registry"


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


def crate_bytes(members):
    """A .crate (tar.gz) holding ``members``: name -> bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


CARGO = b'[package]\nname = "x"\nversion = "1.0.0"\n'


@pytest.mark.parametrize(
    "members, message",
    [
        ({"x-1.0.0/Cargo.toml": CARGO, "../evil": b""}, "unsafe or unexpected path"),
        ({"x-1.0.0/Cargo.toml": CARGO, "/etc/evil": b""}, "unsafe or unexpected path"),
        ({"x-1.0.0/Cargo.toml": CARGO, "y-1.0.0/Cargo.toml": CARGO}, "one NAME-VERSION directory"),
        ({"x-1.0.0/src/lib.rs": b""}, "no x-1.0.0/Cargo.toml"),
    ],
)
def test_bad_crate_archives_are_refused(tmp_path, members, message):
    archive = tmp_path / "x.crate"
    archive.write_bytes(crate_bytes(members))
    with pytest.raises(BuildsysError, match=message):
        unpack_skeleton(archive, tmp_path / "out")
    assert not (tmp_path / "evil").exists()


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    archive = tmp_path / "x.crate"
    archive.write_bytes(b"not gzip")
    with pytest.raises(BuildsysError, match="cannot read the crate archive"):
        unpack_skeleton(archive, tmp_path / "out")


def test_skeleton_keeps_the_manifest_and_empties_the_rest(tmp_path):
    archive = tmp_path / "x.crate"
    archive.write_bytes(crate_bytes({"x-1.0.0/Cargo.toml": CARGO, "x-1.0.0/src/lib.rs": b"pub fn f() {}", "x-1.0.0/LICENSE": b"MIT"}))
    crate = unpack_skeleton(archive, tmp_path / "out")
    assert crate == tmp_path / "out" / "x-1.0.0"
    assert (crate / "Cargo.toml").read_bytes() == CARGO
    assert (crate / "src" / "lib.rs").read_bytes() == b"" and (crate / "LICENSE").read_bytes() == b""


def leaf_archive(tmp_path, cargo_toml=None):
    members = {}
    for path in sorted(p for p in LEAF.rglob("*") if p.is_file() and "target" not in p.parts):
        members[f"leaf-1.2.0/{path.relative_to(LEAF)}"] = path.read_bytes()
    if cargo_toml is not None:
        members["leaf-1.2.0/Cargo.toml"] = cargo_toml.encode()
    archive = tmp_path / "leaf-1.2.0.crate"
    archive.write_bytes(crate_bytes(members))
    return archive


def prepared_leaf(tmp_path, cargo_toml=None):
    crate = tmp_path / "build" / "leaf-1.2.0"
    shutil.copytree(LEAF, crate, ignore=shutil.ignore_patterns("target"))
    if cargo_toml is not None:
        (crate / "Cargo.toml").write_text(cargo_toml)
    prepare(crate, REGISTRY)
    return crate


def test_sections_from_the_archive_equal_those_of_the_prepared_crate(tmp_path):
    parsed = sections.from_archive(leaf_archive(tmp_path), REGISTRY)
    assert parsed == sections.from_prepared(prepared_leaf(tmp_path), REGISTRY)
    # one package per feature, and the -devel package
    assert parsed.count("\n%package -n ") + parsed.startswith("%package -n ") == 6


def test_check_passes_when_nothing_changed(tmp_path):
    archive = leaf_archive(tmp_path)
    sections.check(prepared_leaf(tmp_path), archive, REGISTRY, sections.digest(sections.from_archive(archive, REGISTRY)))


def test_check_fails_with_a_diff_when_a_patch_adds_a_feature(tmp_path, capsys):
    archive = leaf_archive(tmp_path)
    digest = sections.digest(sections.from_archive(archive, REGISTRY))
    patched = (LEAF / "Cargo.toml").read_text().replace("[features]\n", "[features]\nextra = []\n")
    assert "extra = []" in patched
    with pytest.raises(BuildsysError, match="differ from the crate as %prep left it"):
        sections.check(prepared_leaf(tmp_path, patched), archive, REGISTRY, digest)
    assert "+%package -n rust-leaf+extra-devel" in capsys.readouterr().err


def test_check_fails_when_no_sections_were_expanded(tmp_path):
    with pytest.raises(BuildsysError, match="no subpackage sections were expanded"):
        sections.check(prepared_leaf(tmp_path), leaf_archive(tmp_path), REGISTRY, "")


def test_sections_are_byte_identical_across_runs(tmp_path):
    archive = leaf_archive(tmp_path)
    assert sections.from_archive(archive, REGISTRY) == sections.from_archive(archive, REGISTRY)


@pytest.mark.parametrize("reader", [lambda a: sections.from_archive(a, REGISTRY), lambda a: newspec.spec_for(a)], ids=["sections", "new"])
def test_errors_in_an_archive_name_the_file_inside_it(tmp_path, reader):
    archive = tmp_path / "x.crate"
    archive.write_bytes(crate_bytes({"x-1.0.0/Cargo.toml": b'[package]\nname = "x"\nversion = "one"\n', "x-1.0.0/src/lib.rs": b""}))
    with pytest.raises(BuildsysError) as excinfo:
        reader(archive)
    assert excinfo.value.path == f"{archive}:x-1.0.0/Cargo.toml"


def test_errors_after_reading_an_archive_name_the_archive(tmp_path):
    archive = tmp_path / "x-1.0.0.crate"
    archive.write_bytes(crate_bytes({
        "x-1.0.0/Cargo.toml": b'[package]\nname = "x"\nversion = "1.0.0"\n[[bin]]\nname = "_a"\npath = "src/main.rs"\n',
        "x-1.0.0/src/main.rs": b"",
    }))
    with pytest.raises(BuildsysError) as excinfo:
        newspec.spec_for(archive)
    assert str(excinfo.value) == f"{archive}:x-1.0.0/Cargo.toml: binary name '_a' cannot be listed in %files"
