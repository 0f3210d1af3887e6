"""``buildsys new``: the one spec a packager keeps for Fedora and EPEL.

It has the dozen lines of a BuildSystem: cargo spec plus the version gate
(docs/compat.md), so the same file builds on RPM 4.16 (static sections),
4.19 (specparts) and 4.20+ (BuildSystem). Everything is taken from the
crate; crate text is escaped, since rpm expands the spec's macros."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import List, Optional, Tuple

from buildsys import archive as archive_mod
from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.manifest import Manifest
from buildsys.prepare import walk_sources
from buildsys.rpmdeps import semver2rpm
from buildsys.specparts import license_and_doc_files
from buildsys.spectext import PLAIN_FILE_NAME, escape, paragraph_lines

SUMMARY_MAX = 79
GATE = ["%if %{cargo_buildsystem}", "BuildSystem:    cargo", "%else", "%cargo_compat", "%endif"]


def read_crate(path: Path) -> Tuple[Manifest, List[str]]:
    """The manifest and file list of a .crate file or an unpacked crate."""
    if path.is_dir():
        return manifest_mod.load(str(path)), walk_sources(path)
    with archive_mod.unpacked(path) as crate:
        # named as the archive's member: the temporary copy is gone after this
        m = dataclasses.replace(manifest_mod.load(str(crate)), path=f"{path}:{crate.name}/Cargo.toml")
        return m, walk_sources(crate)


def summary(m: Manifest) -> str:
    """One line, no final period (Fedora's rules): the description's first
    sentence, cut at a word if it is still too long."""
    text = " ".join((m.description or "").split())
    if not text:
        return f"Rust crate {m.name}"
    if len(text) > SUMMARY_MAX:
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        text = first if len(first) <= SUMMARY_MAX else text[:SUMMARY_MAX + 1].rsplit(" ", 1)[0]
    return escape(text.rstrip(".").rstrip())


def license_tag(m: Manifest) -> Tuple[str, Optional[str]]:
    """The License tag and, where Cargo.toml gives no SPDX expression, a
    comment asking the packager to write one."""
    if m.license:
        # Cargo's old "MIT/Apache-2.0" form means OR
        return escape(" OR ".join(part.strip() for part in m.license.split("/"))), None
    where = f" (see {m.license_file})" if m.license_file else ""
    return "LicenseRef-FIXME", f"# FIXME: Cargo.toml has no SPDX license expression{where}"


def render(m: Manifest, files: List[str]) -> str:
    plan = plan_mod.plan(m)
    bins = plan_mod.binaries(m, Selection())
    for name in bins:
        if not PLAIN_FILE_NAME.fullmatch(name):
            raise BuildsysError(f"binary name {name!r} cannot be listed in %files", m.path)
    name = f"rust-{m.name}" if m.is_lib else m.name
    license_, fixme = license_tag(m)
    lines = []
    # %crate is Name without "rust-" (buildsys.cargo's crate_name): an
    # application crate whose own name starts with "rust-" must say so
    if not m.is_lib and m.name.startswith("rust-"):
        lines.append(f"%global crate {m.name}")
    lines += [
        f"Name:           {name}",
        f"Version:        {semver2rpm(m.version)}",
        "Release:        1%{?dist}",
        f"Summary:        {summary(m)}",
    ]
    lines += [fixme] if fixme else []
    lines += [
        f"License:        {license_}",
        f"URL:            https://crates.io/crates/{m.name}",
        "Source:         %{crates_source}",
    ]
    for b in m.binaries:
        if b.name not in bins:
            lines.append(f"# binary {escape(b.name)} needs features {escape(','.join(b.required_features))}: "
                         "add them with BuildOption (and to %%cargo_compat) to package it")
    if not bins:
        lines.append("BuildArch:      noarch")
    lines += GATE + ["", "%description"]
    lines += paragraph_lines(m.description) or ["%{summary}."]
    if bins:
        licenses, docs = license_and_doc_files(plan, files)
        lines += ["", "%files", "%license " + " ".join(licenses + ["LICENSE.dependencies"])]
        lines += ["%doc " + " ".join(docs)] if docs else []
        lines += [f"%{{_bindir}}/{b}" for b in bins]
    return "\n".join(lines) + "\n"
