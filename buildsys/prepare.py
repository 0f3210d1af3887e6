"""``%cargo_prep``: make an unpacked crate build offline against the RPM
crate registry.

Cargo resolves a lock file over every dependency a manifest names, on every
platform, before it builds anything, and so does every crate built later
against this one from the registry. Crates that only matter on other
operating systems are never packaged, so their target tables are taken out
of the manifest that is built and installed (Fedora's packagers patch them
out by hand). The manifest as %prep left it and the list of the crate's
files are saved in ``.buildsys/``.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from buildsys import vendor as vendor_mod
from buildsys.cfg import target_applies
from buildsys.errors import BuildsysError
from buildsys.manifest import load, read_toml, tomllib
from buildsys.rpmdeps import semver2rpm

STATE = ".buildsys"
# Never packaged: our own state, cargo's configuration, build output and
# vendored crates.
NOT_SOURCES = (STATE, ".cargo", "target", vendor_mod.DIR)
# Names RPM tooling and rust2rpm treat as license texts and as docs.
LICENSE_FILE = re.compile(r"(?i)(licen[cs]e|copying|copyright|notice|unlicense)([-._].*)?$")
DOC_FILE = re.compile(r"(?i)(readme|changelog|changes|news|authors|contributing)([-._].*)?$")
# Not in a file name RPM packages (tab and newline included, unlike in free text).
_CONTROL_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")

# Offline builds from a directory source: the RPM registry, or the vendored
# crates of an application (%cargo_prep -v).
CARGO_CONFIG = """\
# Written by buildsys (%cargo_prep): offline builds from {what}.
[source.crates-io]
replace-with = "{source}"

[source.{source}]
directory = "{directory}"

[net]
offline = true

[term]
verbose = true

[profile.rpm]
inherits = "release"
opt-level = 3
codegen-units = 1
debug = 2
strip = "none"
"""


def pristine_manifest(srcdir: Path) -> Path:
    return srcdir / STATE / "Cargo.toml"


def source_files(srcdir: Path) -> List[str]:
    """The crate's files as %prep left them, recorded by :func:`prepare`.
    The record is JSON: a crate's file names may hold newlines or bytes that
    are not UTF-8 (kept as surrogate escapes, as os.walk gives them)."""
    listing = srcdir / STATE / "files.json"
    if not listing.exists():
        raise BuildsysError("no record of the crate's files: %cargo_prep has not run here", str(srcdir))
    files = json.loads(listing.read_text(encoding="ascii"))
    for rel in files:
        parts = rel.split("/")
        if rel.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise BuildsysError(f"the record of the crate's files names {rel!r}, outside the crate", str(listing))
    return files


def walk_sources(srcdir: Path, nested_packages: bool = True) -> List[str]:
    """Every file of the crate, relative to it. Symbolic links are files here
    (to a directory too): they are copied as links, never followed.
    ``nested_packages=False``: leave out directories that hold a Cargo.toml,
    as ``cargo package`` does (in a workspace, they are other members)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(srcdir):
        rel = Path(dirpath).relative_to(srcdir)
        if rel == Path("."):
            dirnames[:] = [d for d in dirnames if d not in NOT_SOURCES]
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        dirnames[:] = sorted(d for d in dirnames if d not in links)
        if not nested_packages:
            dirnames[:] = [d for d in dirnames if not os.path.isfile(os.path.join(dirpath, d, "Cargo.toml"))]
        found.extend(str(rel / f) if rel != Path(".") else f for f in filenames + links)
        for name in dirnames + filenames + links:
            _check_name(name if rel == Path(".") else os.path.join(str(rel), name), srcdir)
    return sorted(found)


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


def prepare(srcdir: Path, registry: str, vendor: Optional[Path] = None) -> List[str]:
    """Set up ``srcdir`` for offline cargo; returns the removed target tables.
    With ``vendor`` (a ``cargo vendor`` tarball), cargo builds from the
    crates in it instead of the registry.

    Running it again (a repeated %prep-less conf, a -br round) gives the same
    result: it always starts from the saved manifest.
    """
    removed = linux_manifest(srcdir)
    if removed:
        try:
            load(str(srcdir))  # a feature may name a dependency that is gone now
        except BuildsysError as exc:
            raise without_targets_error(exc, removed) from None
    write_cargo_config(srcdir, registry, vendor)
    return removed


def linux_manifest(srcdir: Path, nested_packages: bool = True) -> List[str]:
    """The first time: save the manifest and the list of files in
    ``.buildsys/``. Every time: Cargo.toml is the saved one without the
    target tables that never hold on Linux, which it returns."""
    manifest = srcdir / "Cargo.toml"
    state = srcdir / STATE
    if not pristine_manifest(srcdir).exists():
        if not manifest.exists():
            raise BuildsysError("no Cargo.toml here: is this the unpacked crate?", str(srcdir))
        files = walk_sources(srcdir, nested_packages)
        state.mkdir(exist_ok=True)
        shutil.copyfile(manifest, pristine_manifest(srcdir))
        (state / "files.json").write_text(json.dumps(files, indent=0), encoding="ascii")
    text, data = read_toml(pristine_manifest(srcdir))
    built, removed = without_foreign_targets(text, data, str(manifest))
    manifest.write_text(built, encoding="utf-8")
    return removed


def without_targets_error(exc: BuildsysError, removed: List[str]) -> BuildsysError:
    return BuildsysError(
        f"{exc.message}, once the dependencies for other operating systems "
        f"({', '.join(removed)}) are taken out; patch the manifest in %prep",
        exc.path,
    )


def write_cargo_config(srcdir: Path, registry: str, vendor: Optional[Path]) -> None:
    if vendor is not None:
        where = vendor_mod.unpack(vendor, srcdir)
        config = CARGO_CONFIG.format(what="the vendored crates", source="vendored-sources", directory=where.name)
    else:
        config = CARGO_CONFIG.format(what="the RPM registry", source="rpm-registry", directory=registry)
    (srcdir / ".cargo").mkdir(exist_ok=True)
    (srcdir / ".cargo" / "config.toml").write_text(config, encoding="utf-8")


def check_spec_names_the_crate(srcdir: Path, crate: str, rpm_version: str) -> None:
    """The spec's %{crate} and %{version} must be the crate's own: its name
    and version are what every Provides and the registry path are made of,
    so a crate archive that says otherwise must not be packaged."""
    m = load(str(srcdir))
    if m.name != crate or semver2rpm(m.version) != rpm_version:
        raise BuildsysError(
            f"this is crate {m.name!r} version {m.version}, and the spec builds {crate!r} version {rpm_version} "
            "(%{crate}, %{version}): fix Version, or set %global crate",
            m.path,
        )


def _key_parts(header: str) -> Optional[List[str]]:
    """The dotted key of a ``[table]`` header line, or None for anything
    else. Quoted parts may hold dots and brackets (``'cfg(a.b)'``)."""
    body = header.strip()
    if not body.startswith("[") or body.startswith("[["):
        return None
    parts: List[str] = []
    i, n = 1, len(body)
    while i < n:
        c = body[i]
        if c in " \t":
            i += 1
        elif c == "'":
            end = body.find(c, i + 1)
            if end < 0:
                return None
            parts.append(body[i + 1 : end])
            i = end + 1
        elif c == '"':
            # a basic string may hold escaped quotes: "cfg(target_os = \"windows\")"
            end = i + 1
            while end < n and body[end] != '"':
                end += 2 if body[end] == "\\" else 1
            if end >= n:
                return None
            try:
                parts.append(tomllib.loads("key = " + body[i : end + 1])["key"])
            except tomllib.TOMLDecodeError:
                return None
            i = end + 1
        elif c in ".":
            i += 1
        elif c == "]":
            return parts
        else:
            j = i
            while j < n and (body[j].isalnum() or body[j] in "-_"):
                j += 1
            if j == i:
                return None
            parts.append(body[i:j])
            i = j
    return None


def without_foreign_targets(text: str, data: Dict[str, Any], where: str) -> Tuple[str, List[str]]:
    """``text`` without the ``[target.X...]`` tables whose X never holds on
    Linux. The edit is textual, so comments and layout survive; the result is
    parsed again and must equal the original minus exactly those tables."""
    targets = data.get("target", {})
    foreign = sorted(t for t in targets if not target_applies(t)) if isinstance(targets, dict) else []
    if not foreign:
        return text, []
    kept: List[str] = []
    dropping = False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("["):
            parts = _key_parts(line)
            if parts is not None or line.lstrip().startswith("[["):
                dropping = bool(parts and len(parts) >= 2 and parts[0] == "target" and parts[1] in foreign)
        if not dropping:
            kept.append(line)
    result = "".join(kept)
    expected = copy.deepcopy(data)
    for t in foreign:
        del expected["target"][t]
    if not expected["target"]:
        del expected["target"]
    try:
        again: Optional[Dict[str, Any]] = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        again = None
    if again != expected:
        raise BuildsysError(
            "cannot take the dependencies for other operating systems out of this manifest "
            f"({', '.join(foreign)}) without changing anything else; patch them out in %prep",
            where,
        )
    return result, foreign
