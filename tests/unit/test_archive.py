"""buildsys.archive: the one reader of the tarballs buildsys opens itself,
the .crate and the cargo vendor tarball, pinned by hand."""

import gzip
import io
import tarfile
import zlib

import pytest

from buildsys import archive, vendor
from buildsys.errors import BuildsysError

CARGO = b'[package]\nname = "x"\nversion = "1.0.0"\n'
# both users of the reader: (what it calls the tarball, how it unpacks one, the top directory)
READERS = {
    "crate": ("crate archive", lambda tar, tmp: archive.unpack_skeleton(tar, tmp / "out"), "x-1.0.0"),
    "vendor": ("vendor tarball", lambda tar, tmp: vendor.unpack(tar, tmp / "crate"), "vendor"),
}


def write_tar(path, members, mode="w:gz"):
    """``members``: (name, bytes) for a file, (name, TYPE, linkname) otherwise."""
    with tarfile.open(path, mode) as tar:
        for name, *rest in members:
            info = tarfile.TarInfo(name)
            if len(rest) == 1:
                info.size = len(rest[0])
                tar.addfile(info, io.BytesIO(rest[0]))
            else:
                info.type, info.linkname = rest
                tar.addfile(info)
    return path


def filled(path, top, mode):
    """A tarball of 256 KiB of data under ``top``, Cargo.toml first."""
    return write_tar(path, [(f"{top}/Cargo.toml", CARGO)] + [(f"{top}/f{n}", bytes(range(256)) * 256)
                                                              for n in range(4)], mode)


def reserved_deflate_block(data):
    """The gzip stream of ``data`` intact up to its last member, then a
    deflate block of the reserved type 3: zlib refuses it whatever its
    version, and only once the tarball is open (gzip reads ahead 128 KiB)."""
    plain = gzip.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        last = tar.getmembers()[-1].offset
    deflate = zlib.compressobj(wbits=-15)
    head = deflate.compress(plain[:last]) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + head + bytes([0b111])  # last block, type 3


def broken_xz_footer(data):
    return data[:-1] + bytes([data[-1] ^ 0xFF])  # the stream footer's "YZ"


def cut_in_half(data):
    return data[: len(data) // 2]


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    "mode, damage",
    [("w:gz", cut_in_half), ("w:xz", cut_in_half), ("w:gz", reserved_deflate_block), ("w:xz", broken_xz_footer)],
    ids=["gz-truncated", "xz-truncated", "gz-corrupt", "xz-corrupt"],
)
def test_a_damaged_tarball_is_a_packagers_error_in_either_tarball(tmp_path, reader, mode, damage):
    what, unpack, top = READERS[reader]
    tar = filled(tmp_path / "t.tar", top, mode)
    tar.write_bytes(damage(tar.read_bytes()))
    with pytest.raises(BuildsysError, match=f"cannot read the {what}") as excinfo:
        unpack(tar, tmp_path)
    assert excinfo.value.path == str(tar)


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("under", ["{top}/Cargo.toml/evil", "{top}/Cargo.toml/"])
def test_a_member_under_or_at_a_file_is_refused_in_either_tarball(tmp_path, reader, under):
    what, unpack, top = READERS[reader]
    name = under.format(top=top)
    members = [(f"{top}/Cargo.toml", CARGO)]
    members += [(name, tarfile.DIRTYPE, "")] if name.endswith("/") else [(name, b"x")]
    tar = write_tar(tmp_path / "t.tar.gz", members)
    with pytest.raises(BuildsysError, match=f"unsafe or unexpected path in the {what}: .* at the file "
                                            f"'{top}/Cargo.toml'"):
        unpack(tar, tmp_path)


@pytest.mark.parametrize("kind", [tarfile.FIFOTYPE, tarfile.CHRTYPE, tarfile.BLKTYPE])
def test_a_crate_holds_only_files_directories_and_links(tmp_path, kind):
    crate = write_tar(tmp_path / "x.crate", [("x-1.0.0/Cargo.toml", CARGO), ("x-1.0.0/dev", kind, "")])
    with pytest.raises(BuildsysError, match="'x-1.0.0/dev' in the crate archive is not a file, directory or link"):
        archive.unpack_skeleton(crate, tmp_path / "out")


def test_links_in_a_crate_are_laid_down_as_empty_files(tmp_path):
    crate = write_tar(tmp_path / "x.crate", [("x-1.0.0/Cargo.toml", CARGO), ("x-1.0.0/src/", tarfile.DIRTYPE, ""),
                                             ("x-1.0.0/LICENSE", tarfile.SYMTYPE, "/etc/shadow"),
                                             ("x-1.0.0/COPYING", tarfile.LNKTYPE, "x-1.0.0/Cargo.toml")])
    root = archive.unpack_skeleton(crate, tmp_path / "out")
    assert (root / "LICENSE").read_bytes() == b"" and (root / "COPYING").read_bytes() == b""
    assert not (root / "LICENSE").is_symlink() and (root / "src").is_dir()
