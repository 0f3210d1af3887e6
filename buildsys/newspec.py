"""``buildsys new``: the one spec a packager keeps for Fedora and EPEL.

It has the dozen lines of a BuildSystem: cargo spec plus the version gate
(docs/compat.md), so the same file builds on RPM 4.16 (static sections),
4.19 (specparts) and 4.20+ (BuildSystem). Everything is taken from the
crate; crate text is escaped, since rpm expands the spec's macros."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

from buildsys import archive as archive_mod
from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from buildsys import prepare as prepare_mod
from buildsys import workspace as workspace_mod
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.manifest import Manifest
from buildsys.migrate import Carried
from buildsys.prepare import walk_sources
from buildsys.rpmdeps import semver2rpm
from buildsys.specparts import license_and_doc_files, top_level_license_and_docs
from buildsys.spectext import PLAIN_FILE_NAME, escape, one_line, paragraph_lines, spdx, summary_words

SUMMARY_MAX = 79
# Where the registry is does not change what a spec says.
REGISTRY = "/usr/share/cargo/registry"


@contextlib.contextmanager
def workspace_copy(path: Path) -> Iterator[Optional[Path]]:
    """A prepared copy of the workspace in ``path`` (a release tarball or a
    directory), or None when ``path`` holds a single crate. The copy is
    temporary: ``buildsys new`` never writes into the packager's tree."""
    if path.is_dir():
        if not workspace_mod.is_source(path):
            yield None
            return
        with tempfile.TemporaryDirectory(prefix="buildsys-new-") as tmp:
            root = Path(tmp) / path.resolve().name
            shutil.copytree(path, root, symlinks=True, ignore=shutil.ignore_patterns(*prepare_mod.NOT_SOURCES, ".git"))
            workspace_mod.prepare(root, REGISTRY)
            yield root
        return
    with archive_mod.unpacked(path) as root:
        if not workspace_mod.is_source(root):
            yield None
            return
        workspace_mod.prepare(root, REGISTRY)
        yield root


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
    sentence, cut at a word if it is still too long; of the words without a
    ``%`` (spectext.summary_words)."""
    text = summary_words(m.description)
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
        return spdx(m.license), None
    where = f" (see {one_line(m.license_file)})" if m.license_file else ""
    return "LicenseRef-FIXME", f"# FIXME: Cargo.toml has no SPDX license expression{where}"


def render(m: Manifest, files: List[str], vendored: bool = False, carried: Optional[Carried] = None) -> str:
    """The spec. ``vendored``: an application built from a cargo vendor
    tarball (Source1). ``carried``: what the packager added to a
    rust2rpm-generated spec (buildsys.migrate)."""
    plan = plan_mod.plan(m)
    bins = _listable(plan_mod.binaries(m, Selection()), m.path)
    if vendored and not bins:
        raise BuildsysError("a vendored spec is for an application, and this crate builds no binary", m.path)
    library = m.is_lib and not vendored
    name = carried.name if carried else (f"rust-{m.name}" if library else m.name)
    kept = dict(carried.tags) if carried else {}
    license_, fixme = (kept["License"], None) if "License" in kept else license_tag(m)
    lines = _crate_global(name, m.name)
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
        lines += paragraph_lines(m.description, m.name) or ["%{summary}."]
    if carried and carried.files:
        lines += ["", "%files"] + list(carried.files)
    elif bins:
        extra = ["LICENSE.dependencies"] + (["cargo-vendor.txt"] if vendored else [])
        lines += _files_section(*license_and_doc_files(plan, files), extra, bins)
    for section, commands in carried.extras if carried else ():
        lines += ["", "# kept from the rust2rpm spec; RPM 4.16 and 4.19 do not run these",
                  "%if %{cargo_buildsystem}", f"%{section} -a"] + list(commands) + ["%endif"]
    if carried and carried.changelog:
        lines += ["", "%changelog"] + list(carried.changelog)
    return "\n".join(lines).rstrip("\n") + "\n"


def _primary(ms: List[workspace_mod.Member], stem: str, bins: List[str]) -> workspace_mod.Member:
    """The member the spec is named after (%crate): the root package, the
    member named like the project, the one with the binaries, or the first
    library that is packaged."""
    for test in (lambda m: m.path == ".", lambda m: m.name == stem, lambda m: m.path in bins,
                 lambda m: m.packaged, lambda m: True):
        found = [m for m in ms if test(m)]
        if found:
            return found[0]
    raise BuildsysError("a workspace without members")


def _licenses(ms: List[workspace_mod.Member]) -> Optional[str]:
    """Every member's license, joined with AND when they differ."""
    found = sorted({spdx(m.manifest.license) for m in ms if m.manifest.license})
    if len(found) <= 1:
        return found[0] if found else None
    return " AND ".join(f"({x})" if re.search(r"\s(OR|AND|WITH)\s", x) else x for x in found)


def render_workspace(root: Path, source: str) -> str:
    """The spec of a workspace prepared in ``root`` (its directory named as
    the tarball unpacks), from the release tarball named ``source``."""
    ms = workspace_mod.members(root)
    bins = [(path, _listable(names, str(root / path / "Cargo.toml")))
            for path, names in workspace_mod.binaries(ms, Selection())]
    topdir = root.name
    guess = re.sub(r"-v?[0-9][^-]*$", "", topdir)
    primary = _primary(ms, guess, [path for path, _ in bins])
    m = primary.manifest
    version = str(dataclasses.replace(m.version, build=""))
    stem = topdir[: -len(version) - 1] if topdir.endswith("-" + version) else topdir
    name = (stem if PLAIN_FILE_NAME.fullmatch(stem) else m.name) if bins else f"rust-{m.name}"
    license_ = _licenses(ms)
    lines = _crate_global(name, m.name)
    if topdir != f"{m.name}-{version}":
        where = topdir.replace(version, "%{version_no_tilde}") if version in topdir else topdir
        if not PLAIN_FILE_NAME.fullmatch(topdir):
            raise BuildsysError(f"the tarball unpacks into {topdir!r}: rename it to NAME-VERSION", source)
        lines.append(f"%global cargo_source_dir {where}")
    url = next((x.manifest.repository or x.manifest.homepage for x in [primary] + ms
                if x.manifest.repository or x.manifest.homepage), None)
    lines += [
        f"Name:           {name}",
        f"Version:        {semver2rpm(m.version)}",
        "Release:        1%{?dist}",
        f"Summary:        {summary(m)}",
    ]
    lines += [] if license_ else ["# FIXME: no member's Cargo.toml has an SPDX license expression"]
    lines += [f"License:        {license_ or 'LicenseRef-FIXME'}"]
    lines += [f"URL:            {one_line(url)}"] if url else []
    # a directory stands for the tarball made of it
    base = escape(Path(source).name + (".tar.gz" if Path(source).is_dir() else ""))
    lines += ["# the workspace's release tarball (it may be given as a URL)",
              f"Source:         {base.replace(version, '%{version_no_tilde}') if version in base else base}"]
    if not bins:
        lines.append("BuildArch:      noarch")
    lines += gate(["--workspace"], [])
    lines += ["", "%description"] + (paragraph_lines(m.description, m.name) or ["%{summary}."])
    if bins:
        licenses, docs = top_level_license_and_docs(walk_sources(root, nested_packages=False))
        lines += _files_section(licenses, docs, ["LICENSE.dependencies"], [b for _, names in bins for b in names])
    return "\n".join(lines).rstrip("\n") + "\n"


def _listable(bins: Tuple[str, ...], where: str) -> Tuple[str, ...]:
    for name in bins:
        if not PLAIN_FILE_NAME.fullmatch(name):
            raise BuildsysError(f"binary name {name!r} cannot be listed in %files", where)
    return bins


def _crate_global(name: str, crate: str) -> List[str]:
    """%crate is Name without "rust-" (buildsys.cargo's crate_name): say so
    where that is not the crate's name."""
    return [] if (name[len("rust-"):] if name.startswith("rust-") else name) == crate else [f"%global crate {crate}"]


def _files_section(licenses: List[str], docs: List[str], extra: List[str], bins: Sequence[str]) -> List[str]:
    """An application's %files: license and doc files, what %build writes
    beside them (``extra``), and the binaries."""
    lines = ["", "%files", "%license " + " ".join(licenses + extra)]
    lines += ["%doc " + " ".join(docs)] if docs else []
    return lines + [f"%{{_bindir}}/{b}" for b in bins]


def gate(conf: List[str], check: List[str]) -> List[str]:
    """The version gate, with the options on BuildOption lines and again
    for %cargo_compat (RPM 4.16 has no BuildOption tag)."""
    lines = ["%if %{cargo_buildsystem}", "BuildSystem:    cargo"]
    lines += [f"BuildOption:    {' '.join(conf)}"] if conf else []
    lines += [f"BuildOption(check): {' '.join(check)}"] if check else []
    compat = conf + (["check:"] + check if check else [])
    lines += ["%else", "%cargo_compat" + (" -- " + " ".join(compat) if compat else ""), "%endif"]
    return lines
