"""buildsys.vendor: vendor tarballs, cargo-vendor.txt and the bundled
Provides, pinned by hand."""

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import buildsys
from buildsys import vendor
from buildsys.errors import BuildsysError


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["app v0.4.0 (/root/app)", "serde v1.0.217", "log v0.4.26", "serde v1.0.217"],
         [("log", "0.4.26"), ("serde", "1.0.217")]),
        (["local v0.1.0 (/src/local)", "", "x v1.0.0-rc.1"], [("x", "1.0.0-rc.1")]),
    ],
)
def test_vendor_manifest_is_the_registry_crates_each_once(lines, expected):
    assert vendor.manifest(lines) == expected


@pytest.mark.parametrize(
    "lines, expected",
    [
        # cargo2rpm's write-vendor-manifest: the project's own lines (its
        # path) and repeats out, proc-macro marks dropped, sorted, once each
        (["app v0.4.0 (/root/app)", "serde_derive v1.0.217 (proc-macro)", "log v0.4.26", "log v0.4.26 (*)", "",
          "serde_derive v1.0.217 (proc-macro)", "local v0.1.0 (/root/app/local)"],
         ["log v0.4.26", "serde_derive v1.0.217"]),
    ],
)
def test_fedora_manifest_is_cargo2rpms_selection_of_tree_lines(lines, expected):
    assert vendor.fedora_manifest(lines, "/root/app") == expected


def test_vendor_manifest_refuses_what_is_not_cargo_tree_output():
    with pytest.raises(BuildsysError, match="unexpected cargo tree line"):
        vendor.manifest(["%(touch x) v1.0.0"])


@pytest.mark.parametrize(
    "text, provides",
    [
        # Fedora's (cargo2rpm's) lines, a git dependency among them
        ("log v0.4.26\nx v1.0.0-rc.1\ny v0.1.0 (https://github.com/o/y?branch=main#0123abc)\n",
         ["bundled(crate(log)) = 0.4.26", "bundled(crate(x)) = 1.0.0~rc.1", "bundled(crate(y)) = 0.1.0+git0123abc"]),
        # buildsys's older form
        ("log 0.4.26\nx 1.0.0-rc.1\n\n", ["bundled(crate(log)) = 0.4.26", "bundled(crate(x)) = 1.0.0~rc.1"]),
        ("", []),
    ],
)
def test_bundled_provides_use_rpm_versions(text, provides):
    assert vendor.provides(text, "cargo-vendor.txt") == provides


@pytest.mark.parametrize("text, problem", [("log\n", "line 1: expected 'NAME VERSION'"),
                                           ("ok 1.0.0\na/b 1.0.0\n", "line 2: invalid crate name"),
                                           ("x one\n", "invalid version")])
def test_bad_vendor_manifest_is_a_clear_error(text, problem):
    with pytest.raises(BuildsysError, match=problem):
        vendor.provides(text, "cargo-vendor.txt")


def tarball(path, members):
    with tarfile.open(path, "w:xz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/shadow"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    "members, problem",
    [
        ([("vendor/a/Cargo.toml", b""), ("../evil", b"x")], "holds vendor/ and nothing else"),
        ([("vendor/../../evil", b"x")], "holds vendor/ and nothing else"),
        ([("other/x", b"")], "holds vendor/ and nothing else"),
        ([("vendor/a/link", None)], "is not a plain file"),
    ],
)
def test_vendor_tarball_cannot_write_outside_vendor(tmp_path, members, problem):
    with pytest.raises(BuildsysError, match=problem):
        vendor.unpack(tarball(tmp_path / "v.tar.xz", members), tmp_path / "crate")
    assert not (tmp_path / "evil").exists()


def test_vendor_tarball_is_unpacked_once_and_again_when_it_changes(tmp_path):
    crate = tmp_path / "crate"
    crate.mkdir()
    first = tarball(tmp_path / "v.tar.xz", [("vendor/a/Cargo.toml", b"one")])
    vendor.unpack(first, crate)
    (crate / "vendor" / "a" / "patched").write_text("kept")  # as a %prep patch would leave it
    vendor.unpack(first, crate)
    assert (crate / "vendor" / "a" / "patched").exists()
    second = tarball(tmp_path / "w.tar.xz", [("vendor/b/Cargo.toml", b"two")])
    vendor.unpack(second, crate)
    assert sorted(p.name for p in (crate / "vendor").iterdir() if not p.name.startswith(".")) == ["b"]


def truncated(path):
    """A vendor tarball cut in the middle of its compressed data (test_archive
    has the reader's own tests of damaged tarballs)."""
    tarball(path, [(f"vendor/a/f{n}", bytes(range(256)) * 16) for n in range(4)])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def test_prepare_with_a_truncated_vendor_tarball_fails_on_one_error_line(tmp_path):
    crate = tmp_path / "app"
    crate.mkdir()
    (crate / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "1.0.0"\n')
    tar = truncated(tmp_path / "TRUNCATED.tar.xz")
    env = dict(os.environ)
    env.pop("BUILDSYS_DEBUG", None)
    # this checkout's buildsys, also where the unit tests run from a copy
    env["PYTHONPATH"] = os.pathsep.join([str(Path(buildsys.__file__).parent.parent)] +
                                        [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.run([sys.executable, "-m", "buildsys", "-p", str(crate), "prepare", "--registry", "/tmp/r",
                           "--vendor", str(tar)], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"buildsys: error: {tar}: cannot read the vendor tarball: ")
