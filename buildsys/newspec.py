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
from buildsys.migrate import Carried
from buildsys.prepare import walk_sources
from buildsys.rpmdeps import semver2rpm
from buildsys.specparts import license_and_doc_files
from buildsys.spectext import PLAIN_FILE_NAME, escape, one_line, paragraph_lines

SUMMARY_MAX = 79


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
    sentence, cut at a word if it is still too long. Words with a ``%`` are
    left out: every subpackage says ``Summary: %{summary}``, and RPM expands
    a macro's value again, so an escaped ``%%(cmd)`` would run there."""
    text = " ".join(w for w in (m.description or "").split() if "%" not in w)
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
        return one_line(" OR ".join(part.strip() for part in m.license.split("/"))), None
    where = f" (see {one_line(m.license_file)})" if m.license_file else ""
    return "LicenseRef-FIXME", f"# FIXME: Cargo.toml has no SPDX license expression{where}"


def render(m: Manifest, files: List[str], vendored: bool = False, carried: Optional[Carried] = None) -> str:
    """The spec. ``vendored``: an application built from a cargo vendor
    tarball (Source1). ``carried``: what the packager added to a
    rust2rpm-generated spec (buildsys.migrate)."""
    plan = plan_mod.plan(m)
    bins = plan_mod.binaries(m, Selection())
    for name in bins:
        if not PLAIN_FILE_NAME.fullmatch(name):
            raise BuildsysError(f"binary name {name!r} cannot be listed in %files", m.path)
    if vendored and not bins:
        raise BuildsysError("a vendored spec is for an application, and this crate builds no binary", m.path)
    library = m.is_lib and not vendored
    name = carried.name if carried else (f"rust-{m.name}" if library else m.name)
    kept = dict(carried.tags) if carried else {}
    license_, fixme = (kept["License"], None) if "License" in kept else license_tag(m)
    lines = []
    # %crate is Name without "rust-" (buildsys.cargo's crate_name): say so
    # where that is not the crate's name
    if (name[len("rust-"):] if name.startswith("rust-") else name) != m.name:
        lines.append(f"%global crate {m.name}")
    lines += [
        f"Name:           {name}",
        f"Version:        {semver2rpm(m.version)}",
        f"Release:        {kept.get('Release', '1%{?dist}')}",
        f"Summary:        {kept.get('Summary', summary(m))}",
    ]
    lines += [fixme] if fixme else []
    lines += [
        f"License:        {license_}",
        f"URL:            {kept.get('URL', f'https://crates.io/crates/{m.name}')}",
        "Source:         %{crates_source}",
    ]
    conf = list(carried.conf_options) if carried else []
    if vendored:
        lines += ["# the vendor/ directory that cargo vendor writes, as a .tar.xz",
                  "Source1:        %{crate}-%{version_no_tilde}-vendor.tar.xz"]
        conf = ["--vendor", "1"] + conf
    lines += list(carried.preamble) if carried else []
    for b in m.binaries:
        if b.name not in bins:
            lines.append(f"# binary {escape(b.name)} needs features {escape(','.join(b.required_features))}: "
                         "add them with BuildOption (and to %%cargo_compat) to package it")
    lines += [f"{tag}:{' ' * max(1, 15 - len(tag))}{value}" for tag, value in (carried.tags if carried else ())
              if tag in ("ExcludeArch", "ExclusiveArch")]
    if not bins:
        lines.append("BuildArch:      noarch")
    lines += gate(conf, list(carried.check_options) if carried else [])
    lines += ["", "%description"]
    if carried and carried.description:
        lines += list(carried.description)
    else:
        lines += paragraph_lines(m.description) or ["%{summary}."]
    if carried and carried.files:
        lines += ["", "%files"] + list(carried.files)
    elif bins:
        licenses, docs = license_and_doc_files(plan, files)
        extra = ["LICENSE.dependencies"] + (["cargo-vendor.txt"] if vendored else [])
        lines += ["", "%files", "%license " + " ".join(licenses + extra)]
        lines += ["%doc " + " ".join(docs)] if docs else []
        lines += [f"%{{_bindir}}/{b}" for b in bins]
    for section, commands in carried.extras if carried else ():
        lines += ["", "# kept from the rust2rpm spec; RPM 4.16 and 4.19 do not run these",
                  "%if %{cargo_buildsystem}", f"%{section} -a"] + list(commands) + ["%endif"]
    if carried and carried.changelog:
        lines += ["", "%changelog"] + list(carried.changelog)
    return "\n".join(lines).rstrip("\n") + "\n"


def gate(conf: List[str], check: List[str]) -> List[str]:
    """The version gate, with the options on BuildOption lines and again
    for %cargo_compat (RPM 4.16 has no BuildOption tag)."""
    lines = ["%if %{cargo_buildsystem}", "BuildSystem:    cargo"]
    lines += [f"BuildOption:    {' '.join(conf)}"] if conf else []
    lines += [f"BuildOption(check): {' '.join(check)}"] if check else []
    compat = conf + (["check:"] + check if check else [])
    lines += ["%else", "%cargo_compat" + (" -- " + " ".join(compat) if compat else ""), "%endif"]
    return lines
