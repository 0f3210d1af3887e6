"""``buildsys new``: the one spec a packager keeps for Fedora and EPEL.

It has the dozen lines of a BuildSystem: cargo spec plus the version gate
(docs/compat.md), so the same file builds on RPM 4.16 (static sections),
4.19 (specparts) and 4.20+ (BuildSystem). Everything is taken from the
project's plan; crate text is escaped, since rpm expands the spec's macros.

A crate archive and a workspace's release tarball differ only in how the
source is named (:class:`Source`); the rest of the spec is one text."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Optional, Sequence, Tuple

from buildsys import plan as plan_mod
from buildsys import project as project_mod
from buildsys import workspace
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.files import licenses_and_docs, walk_sources
from buildsys.model import Manifest
from buildsys.naming import compat_name
from buildsys.project import Member, Project
from buildsys.record import Options
from buildsys.rpmdeps import semver2rpm
from buildsys.specparts import description_lines
from buildsys.spectext import PLAIN_FILE_NAME, escape, one_line, spdx
from buildsys.summary import summary

if TYPE_CHECKING:  # migrate is imported by the CLI, for --from-rust2rpm
    from buildsys.migrate import Carried


@contextlib.contextmanager
def project_at(path: Path) -> Iterator[Tuple[Project, List[str]]]:
    """The project in ``path`` (a .crate, a release tarball or a directory),
    read as it is, and its files. An archive is read in a temporary copy:
    ``buildsys new`` never writes into the packager's tree."""
    if path.is_dir():
        yield _read(path)
        return
    from buildsys import archive  # tarfile: only for archives

    with archive.unpacked(path) as root:
        yield _read(root)


@dataclass(frozen=True)
class Changelog:
    """How the spec's Release and %changelog are kept: by rpmautospec
    (``%autorelease``, ``%autochangelog``: Fedora's default), or by hand,
    starting with one entry of ``date`` (``Mon Dec 07 2026``) by
    ``packager`` (``Name <email>``)."""

    auto: bool
    date: str = ""
    packager: str = ""


def spec_for(path: Path, vendored: bool = False, carried: "Optional[Carried]" = None,
             changelog: Optional[Changelog] = None, compat: bool = False) -> str:
    """The spec of the project in ``path``."""
    with project_at(path) as (project, files):
        return render(project, files, str(path), vendored, carried, changelog, compat)


def _read(root: Path) -> Tuple[Project, List[str]]:
    options = Options(workspace=workspace.is_source(root))
    project = project_mod.from_tree(root, options)
    return project, walk_sources(root, nested_packages=not options.workspace)


@dataclass(frozen=True)
class Source:
    """How the spec names its source, package and license."""

    name: str  # Name:
    source: str  # Source:
    url: Optional[str]
    license: Optional[str]  # SPDX, escaped; None: none given
    license_hint: str  # where the license is, for the FIXME
    source_dir: Optional[str]  # %global cargo_source_dir, where not NAME-VERSION
    conf: Tuple[str, ...]  # BuildOption words the source needs


def _crate_source(m: Manifest, vendored: bool) -> Source:
    """A crate from crates.io: rust-NAME, as Fedora names every crate's
    source package (its binaries go to the NAME package that buildsys
    generates); a vendored application is NAME itself."""
    where = f" (see {one_line(m.license_file)})" if m.license_file else ""
    # a version with build metadata (libgit2-sys 0.18.1+1.9.0) is the
    # archive's and its directory's, never the RPM Version's: rust2rpm's
    # crate_version global, named in Source and in the directory %prep enters
    build = bool(m.version.build) and not vendored
    return Source(m.name if vendored else f"rust-{m.name}",
                  "%{crates_source %{crate} %{crate_version}}" if build else "%{crates_source}",
                  f"https://crates.io/crates/{m.name}",
                  spdx(m.license) if m.license else None, f"Cargo.toml has no SPDX license expression{where}",
                  f"{m.name}-{m.version}" if build else None, ("--vendor", "1") if vendored else ())


def _tarball_source(project: Project, primary: Member, source: str, has_bins: bool) -> Source:
    """A workspace's release tarball: an application is named after the
    project, a set of libraries after the member it is named for."""
    m = primary.manifest
    version = m.version.without_build
    topdir = project.root.resolve().name
    stem = topdir[: -len(version) - 1] if topdir.endswith("-" + version) else topdir
    name = (stem if PLAIN_FILE_NAME.fullmatch(stem) else m.name) if has_bins else f"rust-{m.name}"
    source_dir = None
    if topdir != f"{m.name}-{version}":
        if not PLAIN_FILE_NAME.fullmatch(topdir):
            raise BuildsysError(f"the tarball unpacks into {topdir!r}: rename it to NAME-VERSION", source)
        source_dir = topdir.replace(version, "%{version_no_tilde}") if version in topdir else topdir
    url = next((x.manifest.repository or x.manifest.homepage for x in (primary,) + project.members
                if x.manifest.repository or x.manifest.homepage), None)
    # a directory stands for the tarball made of it
    base = escape(Path(source).name + (".tar.gz" if Path(source).is_dir() else ""))
    tarball = base.replace(version, "%{version_no_tilde}") if version in base else base
    return Source(name, tarball, one_line(url) if url else None, _licenses(project.members),
                  "no member's Cargo.toml has an SPDX license expression", source_dir, ("--workspace",))


def _primary(project: Project, bins: Sequence[str]) -> Member:
    """The member the spec is named after (%crate): the root package, the
    member named like the project, the one with the binaries, or the first
    library that is packaged."""
    stem = re.sub(r"-v?[0-9][^-]*$", "", project.root.resolve().name)
    for test in (lambda m: m.path == ".", lambda m: m.name == stem, lambda m: m.path in bins,
                 lambda m: m.packaged, lambda m: True):
        found = [m for m in project.members if test(m)]
        if found:
            return found[0]
    raise BuildsysError("a workspace without members")


def _licenses(members: Sequence[Member]) -> Optional[str]:
    """Every member's license, joined with AND when they differ."""
    found = sorted({spdx(m.manifest.license) for m in members if m.manifest.license})
    if len(found) <= 1:
        return found[0] if found else None
    return " AND ".join(f"({x})" if re.search(r"\s(OR|AND|WITH)\s", x) else x for x in found)


def render(project: Project, files: List[str], source: str, vendored: bool = False,
           carried: "Optional[Carried]" = None, changelog: Optional[Changelog] = None, compat: bool = False) -> str:
    """The spec. ``source``: the path the project was read from.
    ``vendored``: an application built from a cargo vendor tarball
    (Source1). ``carried``: what the packager added to a rust2rpm-generated
    spec (buildsys.migrate). ``compat``: an older version's spec, beside
    the current one (naming.compat_name)."""
    if project.is_workspace and (carried is not None or vendored or compat):
        raise BuildsysError("a workspace spec is written without --vendored, --compat and --from-rust2rpm", source)
    if compat and vendored:
        raise BuildsysError("a compat spec is a library's, not a vendored application's", source)
    bins_by_member = [(path, _listable(names, str(project.root / path / "Cargo.toml")))
                      for path, names in plan_mod.project_binaries(project, Selection())]
    bins = [b for _, names in bins_by_member for b in names]
    primary = _primary(project, [path for path, _ in bins_by_member])
    m = primary.manifest
    if vendored and not bins:
        raise BuildsysError("a vendored spec is for an application, and this crate builds no binary", m.path)
    src = (_tarball_source(project, primary, source, bool(bins)) if project.is_workspace
           else _crate_source(m, vendored))
    name = carried.name if carried else src.name
    if compat:
        name = compat_name(m.name, m.version.major, m.version.minor, m.version.patch)
    kept = dict(carried.tags) if carried else {}
    conf = list(src.conf) + (list(carried.conf_options) if carried else [])
    lines = _crate_global(name, m.name)
    lines += [f"%global crate_version {m.version}"] if m.version.build and not vendored and not project.is_workspace else []
    lines += [f"%global cargo_source_dir {src.source_dir}"] if src.source_dir else []
    lines += options(conf, list(carried.check_options) if carried else [])
    lines += [
        f"Name:           {name}",
        f"Version:        {semver2rpm(m.version)}",
        f"Release:        {kept.get('Release', '%autorelease' if changelog and changelog.auto else '1%{?dist}')}",
        f"Summary:        {kept.get('Summary', escape(summary(m.description, m.name)))}",
    ]
    if "License" in kept:
        lines.append(f"License:        {kept['License']}")
    else:
        lines += [] if src.license else [f"# FIXME: {src.license_hint}"]
        lines.append(f"License:        {src.license or 'LicenseRef-FIXME'}")
    url = kept.get("URL", src.url)
    lines += [f"URL:            {url}"] if url else []
    lines += ["# the workspace's release tarball (it may be given as a URL)"] if project.is_workspace else []
    lines.append(f"Source:         {src.source}")
    if vendored:
        lines += ["# the vendor/ directory that cargo vendor writes, as a .tar.xz",
                  "Source1:        %{crate}-%{version_no_tilde}-vendor.tar.xz"]
    lines += list(carried.preamble) if carried else []
    for b in (b for member in project.members for b in member.manifest.binaries):
        if b.name not in bins:
            lines.append(f"# binary {escape(b.name)} needs features {escape(','.join(b.required_features))}: "
                         "add them with BuildOption (and to %%cargo_compat) to package it")
    lines += [f"{tag}:{' ' * max(1, 15 - len(tag))}{value}" for tag, value in (carried.tags if carried else ())
              if tag in ("ExcludeArch", "ExclusiveArch")]
    if not bins:
        lines.append("BuildArch:      noarch")
    lines += native_library_lines(project)
    lines += hook_lines(carried.extras if carried else ())
    lines += list(GATE)
    lines += ["", "%description"]
    if carried and carried.description:
        lines += list(carried.description)
    else:
        lines += description_lines(m) or ["%{summary}."]
    if carried and carried.files:
        lines += ["", "%files"] + list(carried.files)
    elif bins and name != f"rust-{m.name}":
        # the package named after the crate is this spec's own; a spec named
        # rust-CRATE gets it generated (buildsys.plan.application)
        declared = m.license_file if primary.path == "." else None
        extra = ["LICENSE.dependencies"] + (["cargo-vendor.txt"] if vendored else [])
        lines += _files_section(*licenses_and_docs(files, declared), extra, bins)
    if carried and carried.changelog:
        lines += ["", "%changelog"] + list(carried.changelog)
    elif changelog and changelog.auto:
        lines += ["", "%changelog", "%autochangelog"]
    elif changelog:
        # %% : the entry is expanded like the rest of the spec
        lines += ["", "%changelog", f"* {changelog.date} {escape(changelog.packager)} - {semver2rpm(m.version)}-1",
                  "- Initial package"]
    return "\n".join(lines).rstrip("\n") + "\n"


# build-dependencies that find a C library on the build machine
_NATIVE_FINDERS = ("pkg-config", "system-deps", "vcpkg", "cmake", "cc", "bindgen")


def native_library_lines(project: Project) -> List[str]:
    """A FIXME where a member links a C library (``links``, or a
    build-dependency that finds one): its packages need the library's
    development package, which the crate does not name."""
    lines: List[str] = []
    for member in project.packaged:
        m = member.manifest
        finders = sorted({d.name for d in m.dependencies if d.kind == "build" and d.name in _NATIVE_FINDERS})
        if not m.links and not ({"pkg-config", "system-deps"} & set(finders)):
            continue
        why = "; ".join(([f'links = "{escape(m.links)}"'] if m.links else [])
                        + ([f"build-dependencies {', '.join(finders)}"] if finders else []))
        # no macro in these comments: rpm expands macros in comment lines
        # too, and a %global there would set cargo_options for real
        lines += [f"# FIXME: {m.name} links a C library ({why}): name its development package, for example",
                  "# with cargo_options: --requires pkgconfig(NAME) --buildrequires pkgconfig(NAME)",
                  "# (NAME: the library's pkg-config module; docs/buildoptions.md, the packager's fixes)"]
    return lines


def hook_lines(hooks: Sequence[Tuple[str, Sequence[str]]]) -> List[str]:
    """The packager's own commands, as the %cargo_SECTION_pre/_post macros
    that BuildSystem: cargo and %cargo_compat run before or after the
    generated commands of a section, on every RPM. Defined before the gate:
    %cargo_compat writes its sections there. A macro definition takes one
    backslash of each pair, so every backslash of a command is doubled."""
    lines: List[str] = []
    for hook, commands in hooks:
        lines += ["# the packager's own commands, run by every RPM (docs/buildoptions.md)",
                  f"%global cargo_{hook} %{{expand:"] + [c.replace("\\", "\\\\") for c in commands] + ["}"]
    return lines


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


# The version gate: BuildSystem: cargo where the RPM has it, %cargo_compat
# before. "0%{?...}" and "%{?cargo_compat}": a spec read where
# buildsys-srpm-macros is not installed (rpmlint, fedora-review, an SRPM
# step) still parses, and says what it misses.
GATE = (
    "%if 0%{?cargo_buildsystem}",
    "BuildSystem:    cargo",
    "%else",
    "%{?cargo_compat}%{!?cargo_compat:%{warn:buildsys-srpm-macros is not installed: "
    "this spec's build sections and subpackages come from it}}",
    "%endif",
)


def options(conf: List[str], check: List[str]) -> List[str]:
    """The build options, written once, in %cargo_compat's form: both
    branches of the gate read %cargo_options (BuildOption words; after
    "check:", %check's own)."""
    words = conf + (["check:"] + check if check else [])
    return [f"%global cargo_options {' '.join(words)}"] if words else []
