"""The one model of what a spec builds: a project, its root and its
members, with the conf options %cargo_prep recorded. A plain crate is a
workspace of one, its member at ``.``.

A project is loaded from the ``.buildsys/`` record once %cargo_prep has run
(buildsys.record), else from the tree as it is (dynamic BuildRequires come
before %conf), or from a crate archive at spec parse time.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Sequence, Tuple

from buildsys import manifest as manifest_mod
from buildsys import record
from buildsys.errors import BuildsysError
from buildsys.model import Manifest
from buildsys.record import Options
from buildsys.rpmdeps import semver2rpm
from buildsys.tomlread import read_toml


@dataclass(frozen=True)
class Member:
    """One crate of the project. ``path``: its directory relative to the
    root. ``packaged``: its sources become -devel packages (a library; in a
    workspace, one that may be published: ``publish = false`` marks a crate
    as internal). ``normalized``: installed with the manifest ``cargo
    package`` writes, its own kept as Cargo.toml.orig."""

    path: str
    manifest: Manifest
    packaged: bool
    normalized: bool = False

    @property
    def name(self) -> str:
        return self.manifest.name


@dataclass(frozen=True)
class Project:
    """What a spec builds: its root, its members, the recorded conf options."""

    root: Path
    members: Tuple[Member, ...]
    options: Options = Options()

    @property
    def is_workspace(self) -> bool:
        return self.options.workspace

    @property
    def packaged(self) -> Tuple[Member, ...]:
        return tuple(m for m in self.members if m.packaged)


def root_of(path: str) -> Path:
    """The directory of ``path``, a Cargo.toml or its directory."""
    p = Path(path)
    return p.parent if p.name == "Cargo.toml" else p


def load(path: str, workspace_option: bool = False) -> Project:
    """The project at ``path``: as %cargo_prep recorded it, else as the tree
    is now (``workspace_option``: BuildOption --workspace)."""
    root = root_of(path)
    if record.is_prepared(root):
        project = from_record(root)
        if workspace_option and not project.is_workspace:
            raise BuildsysError("--workspace, but %cargo_prep prepared this as a single crate (without -w)", str(root))
        return project
    return from_tree(root, Options(workspace=workspace_option))


def from_record(root: Path) -> Project:
    rec = record.read_project(root)
    members = []
    for entry in rec.members:
        _, data = read_toml(record.manifest_of(root, entry))
        members.append(_member(root, entry.path, data, rec.options, entry.normalized))
    return _checked(Project(root, tuple(members), rec.options))


def from_tree(root: Path, options: Options) -> Project:
    """Without writing anything: each workspace member normalized in memory."""
    if not options.workspace:
        m = manifest_mod.load(str(root))
        return _checked(Project(root, (Member(".", m, m.is_lib),), options))
    # a single crate's build pays for neither discovery nor normalization
    from buildsys import workspace
    from buildsys.normalize import normalize

    root_file = root / "Cargo.toml"
    _, top = read_toml(root_file)
    table = workspace.table(top, root_file)
    ids = workspace.member_ids(root, workspace.discover(root, top), table, saved=False)
    members = []
    for rel in ids:
        where = str(root / rel / "Cargo.toml")
        data, _ = normalize(read_toml(root / rel / "Cargo.toml")[1], rel, root, table, ids, where)
        members.append(_member(root, rel, data, options, normalized=True))
    return _checked(Project(root, tuple(members), options))


@contextlib.contextmanager
def from_archive(archive: Path, registry: str, options: Options, patches: Sequence[Path] = ()) -> Iterator[Project]:
    """The project in a crate archive (or a workspace's release tarball),
    with the spec's ``patches`` applied as %autosetup -p1 applies them and
    prepared as %cargo_prep would prepare it, for the time of the ``with``."""
    from buildsys import archive as archive_mod  # tarfile: only the parse-time actions pay for it
    from buildsys.prepare import prepare

    with archive_mod.unpacked(archive) as root:
        if patches:
            from buildsys import patches as patches_mod

            patches_mod.apply_all(root, patches)
        project, _ = prepare(root, registry, options, generator_answers=False)
        yield _checked(project)


def _member(root: Path, rel: str, data: dict, options: Options, normalized: bool) -> Member:
    member_dir = root / rel
    return member_of(rel, manifest_mod.from_data(data, member_dir / "Cargo.toml", member_dir), data, options,
                     normalized)


def member_of(rel: str, m: Manifest, data: dict, options: Options, normalized: bool) -> Member:
    """The member in ``rel`` whose manifest ``data`` reads as ``m``."""
    if not options.workspace:
        return Member(rel, m, m.is_lib, normalized)
    from buildsys import workspace

    internal = not workspace.publishable(data.get("package", {}))
    return Member(rel, m, m.is_lib and not internal, normalized)


def _checked(project: Project) -> Project:
    """A packaged member's -devel would require what no package provides if
    it needs a member that is not packaged (cargo package refuses it too)."""
    internal = {m.name for m in project.members if not m.packaged}
    for m in project.packaged:
        for dep in m.manifest.dependencies:
            if dep.kind != "dev" and dep.on_linux and dep.name in internal:
                raise BuildsysError(
                    f"{m.name} is packaged (a library that may be published), but needs {dep.name}, which is not "
                    f"(publish = false, no version, or no library): set publish = false for {m.name} too",
                    m.manifest.path)
    return project


def check_spec_names_a_member(project: Project, crate: str, rpm_version: str) -> None:
    """The spec's %{crate} and %{version} must be a member's own: its name
    and version are what every Provides and the registry path are made of,
    so an archive that says otherwise must not be packaged."""
    where = str(project.root / "Cargo.toml")
    for m in project.members:
        if m.name == crate and semver2rpm(m.manifest.version) == rpm_version:
            return
    if not project.is_workspace:
        (m,) = [member.manifest for member in project.members]
        # the likely mistake: a Version bumped without the archive (Source0)
        # that goes with it, or a crate whose name is not Name without rust-
        fix = ("fix Version, or Source0 if it is an older archive" if m.name == crate
               else "set %global crate if the name differs from Name without rust-, or fix Source0")
        raise BuildsysError(
            f"this is crate {m.name!r} version {m.version}, and the spec builds {crate!r} version {rpm_version} "
            f"(%{{crate}}, %{{version}}): {fix}",
            m.path,
        )
    named: List[Member] = [m for m in project.members if m.name == crate]
    if named:
        raise BuildsysError(f"workspace member {crate!r} is version {named[0].manifest.version}, and the spec builds "
                            f"version {rpm_version} (%{{version}}): fix Version", where)
    known = ", ".join(sorted(m.name for m in project.members))
    raise BuildsysError(f"the spec builds crate {crate!r} (%{{crate}}), which is not a member of this workspace "
                        f"(members: {known}): set %global crate", where)
