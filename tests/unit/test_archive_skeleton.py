"""buildsys.archive: the crate archive read at parse time (its skeleton), and errors that name the file inside it."""


import pytest

from buildsys import newspec, sections
from buildsys.archive import unpack_skeleton
from buildsys.errors import BuildsysError

from helpers import REGISTRY, crate_bytes


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
