"""A crate's files: which ones are its sources (what the registry gets),
and which of them are license texts and docs (what %files marks)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from buildsys.errors import BuildsysError
from buildsys.record import STATE
from buildsys.spectext import PLAIN_FILE_NAME

# Where %cargo_prep -v lays a vendor tarball's crates (buildsys.vendor).
VENDOR_DIR = "vendor"
# Never sources: buildsys' record, cargo's configuration, build output and
# vendored crates.
NOT_SOURCES = (STATE, ".cargo", "target", VENDOR_DIR)
# What cargo writes into a .crate beside the crate's own files, and which
# cargo package -l of the unpacked crate does not list again (Fedora's
# registry leaves the first two out too).
CARGO_WRITES = ("Cargo.lock", "Cargo.toml.orig", ".cargo_vcs_info.json")
# Names RPM tooling and rust2rpm treat as license texts and as docs.
LICENSE_FILE = re.compile(r"(?i)(licen[cs]e|copying|copyright|notice|unlicense)([-._].*)?$")
DOC_FILE = re.compile(r"(?i)(readme|changelog|changes|news|authors|contributing)([-._].*)?$")
# Not in a file name RPM packages (tab and newline included, unlike in free text).
_CONTROL_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")


def walk_sources(srcdir: Path, nested_packages: bool = True, hidden: bool = False,
                 keep: Sequence[str] = ()) -> List[str]:
    """Every file of the crate, relative to it. Symbolic links are files here
    (to a directory too): they are copied as links, never followed.
    ``nested_packages=False``: leave out directories that hold a Cargo.toml,
    as ``cargo package`` does (in a workspace, they are other members).
    Hidden files and directories (.gitignore, .github/, .travis.yml) are
    not crate content, as ``cargo package -l`` lists an unpacked crate,
    unless ``hidden`` (the manifest has ``include``, which picked the files
    that were published) or ``keep`` names them (the readme and license
    file cargo always packages); nor is what cargo itself wrote into the
    archive (CARGO_WRITES)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(srcdir):
        rel = Path(dirpath).relative_to(srcdir)
        if rel == Path("."):
            dirnames[:] = [d for d in dirnames if d not in NOT_SOURCES]
            filenames = [f for f in filenames if f not in CARGO_WRITES]
        if not hidden:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            filenames = [f for f in filenames if not f.startswith(".") or _rel(rel, f) in keep]
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        dirnames[:] = sorted(d for d in dirnames if d not in links)
        if not nested_packages:
            dirnames[:] = [d for d in dirnames if not os.path.isfile(os.path.join(dirpath, d, "Cargo.toml"))]
        found.extend(_rel(rel, f) for f in filenames + links)
        for name in dirnames + filenames + links:
            _check_name(name if rel == Path(".") else os.path.join(str(rel), name), srcdir)
    return sorted(found)


def _rel(directory: Path, name: str) -> str:
    return str(directory / name) if directory != Path(".") else name


def _check_name(rel: str, srcdir: Path) -> None:
    """File names RPM refuses to package (rpmbuild 4.20 stops on both)."""
    if _CONTROL_IN_NAME.search(rel):
        raise BuildsysError(f"the crate has a file named {rel!r}: RPM cannot package a name with control characters",
                            str(srcdir))
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise BuildsysError(f"the crate has a file named '{shown}', which is not UTF-8: RPM cannot package it",
                            str(srcdir)) from None


def license_texts(files: Sequence[str]) -> List[str]:
    """The top-level files that are license texts."""
    return sorted(f for f in files if "/" not in f and LICENSE_FILE.match(f))


def _plain(rel: str) -> bool:
    return all(PLAIN_FILE_NAME.fullmatch(part) for part in rel.split("/"))


def licenses_and_docs(files: Sequence[str], declared: Optional[str] = None) -> Tuple[List[str], List[str]]:
    """Top-level license and doc files, plus ``declared`` (``license-file``)
    wherever it is. Names that would need quoting in %files are left to the
    directory entry, which owns them anyway."""
    licenses = set(license_texts(files))
    if declared and os.path.normpath(declared) in set(files):
        licenses.add(os.path.normpath(declared))
    docs = {f for f in files if "/" not in f and DOC_FILE.match(f)} - licenses
    return sorted(f for f in licenses if _plain(f)), sorted(f for f in docs if _plain(f))
