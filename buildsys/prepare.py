"""``%cargo_prep``: make an unpacked crate, or every member of a workspace,
build offline against the RPM crate registry, and record what later steps
read (buildsys.record).

Running it again (a repeated %prep-less conf, a -br round) gives the same
result: it always starts from the manifests it saved the first time.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from buildsys import answers, cargoconfig, record, tomlwrite, workspace
from buildsys import manifest as manifest_mod
from buildsys.errors import BuildsysError
from buildsys.files import license_texts, walk_sources
from buildsys.linuxonly import without_foreign_targets, without_tables
from buildsys.normalize import normalize
from buildsys.project import Project, check_spec_names_a_member, member_of
from buildsys.record import MemberEntry, Options, ProjectRecord
from buildsys.tomlread import read_toml


def prepare(root: Path, registry: str, options: Options = Options(), vendor: Optional[Path] = None,
            crate: Optional[str] = None, rpm_version: Optional[str] = None,
            generator_answers: bool = True) -> Tuple[Project, List[str]]:
    """Set up ``root``; returns the project as it is now recorded, and what
    the packager should read in the build log: the target tables taken out
    (``MEMBER: TABLE`` in a workspace), the crate's own cargo configuration
    set aside. ``vendor``: a ``cargo vendor`` tarball, whose
    crates cargo builds from instead of the registry. ``crate`` and
    ``rpm_version``: what the spec says it builds (%{crate}, %{version}).
    ``generator_answers``: record them (buildsys.answers); a tree prepared
    only to be read at parse time has no generator to ask."""
    first = not record.is_prepared(root)
    ids, table = _members(root, options, first)
    removed: List[str] = []
    entries = []
    members = []
    for rel, (name, _) in ids.items():
        member_dir = root / rel
        if first and table is not None:
            # the files it names from outside, copied in before any file is recorded
            where = str(member_dir / "Cargo.toml")
            _, outside = normalize(read_toml(member_dir / "Cargo.toml")[1], rel, root, table, ids, where)
            _add_files(root, member_dir, rel, outside)
        gone, data = _linux_manifest(member_dir, nested_packages=table is None)
        removed += [f"{name}: {t}" for t in gone] if table is not None else gone
        if table is not None:
            data, _ = normalize(data, rel, root, table, ids, str(member_dir / "Cargo.toml"))
        try:
            m = manifest_mod.from_data(data, member_dir / "Cargo.toml", member_dir)
        except BuildsysError as exc:
            raise (_without_targets_error(exc, gone) if gone else exc) from None
        if table is not None:
            record.write_normalized(member_dir, tomlwrite.dumps(data))
        if table is not None and m.name != name:
            raise BuildsysError("the member's name changed in %prep", str(member_dir / "Cargo.toml"))
        entries.append(MemberEntry(rel, m.name, normalized=table is not None))
        members.append(member_of(rel, m, data, options, normalized=table is not None))
    vendored = None
    if vendor is not None:
        from buildsys import vendor as vendor_mod  # tarfile: only vendored builds pay for it

        vendored = vendor_mod.unpack(vendor, root).name
    recorded = dataclasses.replace(options, vendor=vendor.name if vendor else None)
    record.write_project(root, ProjectRecord(tuple(entries), recorded))
    project = Project(root, tuple(members), recorded)
    if generator_answers:
        answers.write(root, [(record.manifest_of(root, e), root / e.path)
                             for e, m in zip(entries, members) if m.packaged])
    if crate is not None:
        check_spec_names_a_member(project, crate, rpm_version or "")
    notices = [f"not building against [target.{table}] dependencies (never on Linux)" for table in removed]
    for name in cargoconfig.write(root, registry, vendored, record.state(root) / "crate-cargo"):
        notices.append(f"the crate's own .cargo/{name} does not apply: the build is offline, from the "
                       f"{'vendored crates' if vendored else 'RPM registry'} (it is kept in .buildsys/crate-cargo/)")
    return project, notices


def _members(root: Path, options: Options, first: bool) -> Tuple[Dict[str, Tuple[str, str]], Optional[Mapping]]:
    """Directory -> (name, version) of the members, and the ``[workspace]``
    table they inherit from; a single crate is the one member at ``.``,
    with no table."""
    if not first:
        recorded = record.read_project(root)
        if recorded.options.workspace != options.workspace:
            raise BuildsysError("%cargo_prep ran here before with other options (-w): start again from %prep",
                                str(root))
    if not options.workspace:
        return {".": ("", "")}, None  # its name is read with the rest of it
    root_file = root / "Cargo.toml"
    saved = record.pristine_manifest(root)
    _, data = read_toml(saved if saved.exists() else root_file)
    table = workspace.table(data, root_file)
    rels = workspace.discover(root, data) if first else [e.path for e in recorded.members]
    return workspace.member_ids(root, rels, table, saved=not first), table


def _linux_manifest(member_dir: Path, nested_packages: bool) -> Tuple[List[str], Dict[str, Any]]:
    """The first time: save the manifest and the list of files. Every time:
    Cargo.toml is the saved one without the target tables that never hold
    on Linux; returns those, and what the new Cargo.toml reads as."""
    manifest = member_dir / "Cargo.toml"
    if not record.pristine_manifest(member_dir).exists():
        if not manifest.exists():
            raise BuildsysError("no Cargo.toml here: is this the unpacked crate?", str(member_dir))
        text, data = read_toml(manifest)
        record.save_pristine(member_dir, _sources(member_dir, data, nested_packages))
    else:
        text, data = read_toml(record.pristine_manifest(member_dir))
    built, removed = without_foreign_targets(text, data, str(manifest))
    manifest.write_text(built, encoding="utf-8")
    return removed, without_tables(data, removed)


def _sources(member_dir: Path, data: Mapping, nested_packages: bool) -> List[str]:
    """The crate's files as ``cargo package -l`` lists them (buildsys.files):
    hidden ones only where ``include`` chose what was published, and the
    readme and license file cargo packages whatever their names."""
    package = data.get("package") if isinstance(data.get("package"), dict) else {}
    keep = [os.path.normpath(v) for v in (package.get("readme"), package.get("license-file")) if isinstance(v, str)]
    return walk_sources(member_dir, nested_packages, hidden="include" in package, keep=keep)


def _without_targets_error(exc: BuildsysError, removed: List[str]) -> BuildsysError:
    return BuildsysError(
        f"{exc.message}, once the dependencies for other operating systems "
        f"({', '.join(removed)}) are taken out; patch the manifest in %prep",
        exc.path,
    )


def _add_files(root: Path, member_dir: Path, rel: str, extra: Mapping[str, str]) -> None:
    """Copy into the member what ``cargo package`` would bring from outside
    it (a ``license-file`` or ``readme`` up the tree), and the root's license
    texts into a library member that has none: its -devel package must
    carry the license it is distributed under."""
    for name, source in sorted(extra.items()):
        target = member_dir / name
        if not target.exists():
            shutil.copyfile(root / source, target)
    # cargo package copies what a link inside the workspace points to
    # (members often link the root's license texts); installed as links,
    # they would dangle in the registry
    real_root = root.resolve()
    for name in walk_sources(member_dir, nested_packages=False):
        link = member_dir / name
        if link.is_symlink() and link.is_file() and link.resolve().is_relative_to(real_root):
            text = link.read_bytes()
            link.unlink()
            link.write_bytes(text)
    if rel != "." and not license_texts(_top_files(member_dir)):
        for name in license_texts(_top_files(root)):
            shutil.copyfile(root / name, member_dir / name)


def _top_files(directory: Path) -> List[str]:
    return sorted(p.name for p in directory.iterdir() if p.is_file())
