"""Vendored applications: crates built from a ``cargo vendor`` tarball
instead of packaged crates (EPEL, where most dependencies are not packaged).

- :func:`unpack` lays the tarball's ``vendor/`` next to the crate, for
  %cargo_prep to point cargo at;
- :func:`manifest` turns ``cargo tree --format '{p}'`` into ``cargo-vendor.txt``:
  one ``NAME vVERSION`` line per crate compiled into the binaries, the
  form Fedora's cargo2rpm writes;
- :func:`provides` reads such files back as ``bundled(crate(NAME)) =
  VERSION``, as RPM's dependency generator protocol asks (fileattr
  ``buildsys_vendor.attr``, for ``%license cargo-vendor.txt``): Fedora's
  lines, a git dependency's ``NAME vVERSION (URL#REF)`` among them, and
  buildsys's older ``NAME VERSION``;
- :func:`fedora_manifest` and :func:`bundled` are cargo2rpm 0.4.0's
  ``write-vendor-manifest`` and ``parse-vendor-manifest``, byte for byte.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

from buildsys import archive
from buildsys.errors import BuildsysError
from buildsys.files import VENDOR_DIR
from buildsys.rpmdeps import semver2rpm
from buildsys.semver import Version

DIR = VENDOR_DIR  # buildsys.files leaves it out of the crate's sources
STAMP = ".buildsys-vendor"
# "name v1.2.3", then " (/path)" for the crate itself and path dependencies,
# " (*)" for a repeat; cargo tree's {p} format.
_TREE_LINE = re.compile(r"(?P<name>[A-Za-z0-9_-]+) v(?P<version>\S+)(?P<rest>.*)")
# plain files only: a link could point anywhere, and cargo vendor writes none
LAYOUT = archive.Layout("vendor tarball", "a vendor tarball holds vendor/ and nothing else", DIR,
                        frozenset({"file", "dir"}), "plain file or directory")


def unpack(tarball: Path, srcdir: Path) -> Path:
    """``vendor/`` of ``tarball`` into ``srcdir``, again only when the
    tarball changed (a repeated %conf keeps what %prep's patches did)."""
    with archive.reading(LAYOUT, str(tarball)):
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    target = srcdir / DIR
    stamp = target / STAMP
    if stamp.is_file() and stamp.read_text(encoding="ascii") == digest:
        return target
    if target.exists():
        shutil.rmtree(target)
    with archive.checked(tarball, LAYOUT) as tar:
        tar.write_tree(srcdir, lambda member: True)
    stamp.write_text(digest, encoding="ascii")
    return target


# cargo2rpm's cargo-vendor.txt line: NAME vVERSION, and for a git
# dependency " (SOURCE#COMMIT)" after it
_FEDORA_LINE = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_-]*) v(?P<version>\S+?)(?: \(.+#(?P<ref>[0-9a-f]+)\))?")


def fedora_manifest(tree_lines: Iterable[str], cwd: str) -> List[str]:
    """cargo2rpm's write-vendor-manifest, from ``cargo tree`` lines (every
    edge, all features): each crate once, sorted, the project's own (its
    path is ``cwd``) and repeats left out, ``(proc-macro)`` dropped."""
    return sorted({line.replace(" (proc-macro)", "") for line in tree_lines
                   if cwd not in line and line.strip() and not line.endswith(" (*)")})


def _bundled_line(line: str) -> Optional[str]:
    match = _FEDORA_LINE.fullmatch(line)
    if match is None:
        return None
    try:
        version = semver2rpm(Version.parse(match.group("version")))
    except BuildsysError:
        return None
    return f"bundled(crate({match.group('name')})) = {version}" + (f"+git{match.group('ref')}" if match.group("ref") else "")


def bundled(manifest_text: str, where: str) -> List[str]:
    """cargo2rpm's parse-vendor-manifest: a Provides per line, every line
    one of Fedora's."""
    out = []
    for number, line in enumerate(manifest_text.strip().splitlines(), 1):
        provide = _bundled_line(line)
        if provide is None:
            raise BuildsysError(f"line {number}: not a vendor manifest line (NAME vVERSION): {line!r}", where)
        out.append(provide)
    return out


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
    """The bundled Provides of a cargo-vendor.txt: Fedora's lines, or
    buildsys's older NAME VERSION ones."""
    out = []
    for number, line in enumerate(manifest_text.splitlines(), 1):
        if not line.strip():
            continue
        fedora = _bundled_line(line.strip())
        if fedora is not None:
            out.append(fedora)
            continue
        parts = line.split()
        if len(parts) != 2:
            raise BuildsysError(f"line {number}: expected 'NAME VERSION', got {line!r}", where)
        name, version = parts
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise BuildsysError(f"line {number}: invalid crate name {name!r}", where)
        out.append(f"bundled(crate({name})) = {semver2rpm(Version.parse(version))}")
    return out
