"""Vendored applications: crates built from a ``cargo vendor`` tarball
instead of packaged crates (EPEL, where most dependencies are not packaged).

- :func:`unpack` lays the tarball's ``vendor/`` next to the crate, for
  %cargo_prep to point cargo at;
- :func:`manifest` turns ``cargo tree --format '{p}'`` into ``cargo-vendor.txt``:
  one ``NAME VERSION`` line per crate compiled into the binaries;
- :func:`provides` reads those files back as ``bundled(crate(NAME)) =
  VERSION``, as RPM's dependency generator protocol asks (fileattr
  ``buildsys_vendor.attr``, for ``%license cargo-vendor.txt``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tarfile
from pathlib import Path, PurePosixPath
from typing import Iterable, List, Tuple

from buildsys.errors import BuildsysError
from buildsys.rpmdeps import semver2rpm
from buildsys.semver import Version

DIR = "vendor"
STAMP = ".buildsys-vendor"
# "name v1.2.3", then " (/path)" for the crate itself and path dependencies,
# " (*)" for a repeat; cargo tree's {p} format.
_TREE_LINE = re.compile(r"(?P<name>[A-Za-z0-9_-]+) v(?P<version>\S+)(?P<rest>.*)")


def unpack(tarball: Path, srcdir: Path) -> Path:
    """``vendor/`` of ``tarball`` into ``srcdir``, again only when the
    tarball changed (a repeated %conf keeps what %prep's patches did)."""
    where = str(tarball)
    digest = hashlib.sha256(_read(tarball)).hexdigest()
    target = srcdir / DIR
    stamp = target / STAMP
    if stamp.is_file() and stamp.read_text(encoding="ascii") == digest:
        return target
    if target.exists():
        shutil.rmtree(target)
    try:
        tar = tarfile.open(tarball, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise BuildsysError(f"cannot read the vendor tarball: {exc}", where) from None
    with tar:
        members = tar.getmembers()
        for member in members:
            path = PurePosixPath(member.name)
            if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != DIR:
                raise BuildsysError(f"a vendor tarball holds vendor/ and nothing else, not {member.name!r}", where)
            if not (member.isfile() or member.isdir()):
                raise BuildsysError(f"{member.name!r} in the vendor tarball is not a plain file", where)
        for member in members:
            dest = srcdir.joinpath(*PurePosixPath(member.name).parts)
            if member.isdir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            dest.write_bytes(source.read())
    if not target.is_dir():
        raise BuildsysError("the vendor tarball has no vendor/ directory", where)
    stamp.write_text(digest, encoding="ascii")
    return target


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BuildsysError(f"cannot read the vendor tarball: {exc.strerror}", str(path)) from None


def manifest(tree_lines: Iterable[str]) -> List[Tuple[str, str]]:
    """(name, version) of every crate ``cargo tree`` lists from the registry
    (the vendored ones), sorted, each once; local crates are left out."""
    found = set()
    for line in tree_lines:
        line = line.strip()
        if not line:
            continue
        match = _TREE_LINE.fullmatch(line)
        if not match:
            raise BuildsysError(f"unexpected cargo tree line {line!r}")
        rest = match.group("rest").strip()
        if rest.startswith("(/") or rest.startswith("(file://"):
            continue  # the crate itself, or a path dependency: not bundled
        Version.parse(match.group("version"))
        found.add((match.group("name"), match.group("version")))
    return sorted(found)


def provides(manifest_text: str, where: str) -> List[str]:
    out = []
    for number, line in enumerate(manifest_text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise BuildsysError(f"line {number}: expected 'NAME VERSION', got {line!r}", where)
        name, version = parts
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise BuildsysError(f"line {number}: invalid crate name {name!r}", where)
        out.append(f"bundled(crate({name})) = {semver2rpm(Version.parse(version))}")
    return out
