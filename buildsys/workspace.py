"""Workspaces: several crates from one source tree (``BuildOption:
--workspace``, docs/workspaces.md).

cargo builds the workspace as upstream wrote it. What goes into the RPM
crate registry is every library member that may be published, with the
manifest ``cargo package`` would write for it: ``workspace = true`` fields,
dependencies and lints taken from the root's ``[workspace]``, paths to other
members replaced by versions, ``[workspace]``, ``[patch]`` and ``[replace]``
left out. The original manifest is kept beside it as ``Cargo.toml.orig``.

``%cargo_prep -w`` records the members in ``.buildsys/workspace.json`` at
the root; every later step reads that record and each member's normalized
manifest from its own ``.buildsys/``.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from buildsys import prepare as prepare_mod
from buildsys import tomlwrite
from buildsys.errors import BuildsysError
from buildsys.features import Selection, resolve
from buildsys.manifest import Manifest, read_toml
from buildsys.rpmdeps import semver2rpm

RECORD = "workspace.json"
# Member directories reach shell commands (cargo install --path DIR).
_DIR_NAME = re.compile(r"[A-Za-z0-9._+][A-Za-z0-9._+-]*")
NORMALIZED = "Cargo.normalized.toml"
_GIT_KEYS = ("git", "branch", "tag", "rev")


@dataclass(frozen=True)
class Member:
    """One crate of the workspace. ``path``: its directory relative to the
    root, ``.`` for a root package. ``manifest``: the normalized model.
    ``packaged``: a library that may be published, so its sources become
    -devel packages (``publish = false`` marks a crate as internal)."""

    path: str
    manifest: Manifest
    packaged: bool

    @property
    def name(self) -> str:
        return self.manifest.name


def is_root(srcdir: Path) -> bool:
    """Whether ``srcdir`` has been prepared as a workspace (``%cargo_prep -w``)."""
    return (srcdir / prepare_mod.STATE / RECORD).is_file()


def is_source(root: Path) -> bool:
    """Whether ``root`` holds a workspace: a [workspace] with members
    besides the root package (a crate may say [workspace] only to stand
    alone)."""
    _, data = read_toml(root / "Cargo.toml")
    return isinstance(data.get("workspace"), dict) and discover(root, data) != ["."]


def _workspace_table(data: Mapping[str, Any], root_file: Path) -> Mapping[str, Any]:
    workspace = data.get("workspace")
    if not isinstance(workspace, dict):
        raise BuildsysError("BuildOption --workspace, but this Cargo.toml has no [workspace] table", str(root_file))
    return workspace


def _string_list(value: Any, what: str, where: str) -> List[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BuildsysError(f"{what} must be a list of strings", where)
    return value


def _relative(root: Path, path: Path, what: str, where: str) -> str:
    """``path`` relative to ``root``, as plain words (it reaches shell
    commands and file lists); an error outside ``root``."""
    rel = os.path.relpath(os.path.normpath(path), root)
    if rel == ".":
        return rel
    parts = PurePosixPath(rel).parts
    if parts[0] == "..":
        raise BuildsysError(f"{what} {rel!r} is outside the workspace", where)
    for part in parts:
        if not _DIR_NAME.fullmatch(part):
            raise BuildsysError(f"{what} {rel!r}: buildsys takes directory names of ASCII letters, digits, "
                                "'.', '_', '+' and '-' (not first)", where)
    return rel


def _path_dependencies(data: Mapping[str, Any], workspace: Mapping[str, Any]) -> List[Tuple[str, bool]]:
    """The ``path`` of every path dependency in a member manifest (each
    relative to the member), with whether it comes from the workspace table
    (then it is relative to the root)."""
    found = []
    tables = [data] + [t for t in (data.get("target") or {}).values() if isinstance(t, dict)]
    shared = workspace.get("dependencies") or {}
    for table in tables:
        for name in manifest_mod.DEP_TABLES:
            for key, spec in (table.get(name) or {}).items():
                if manifest_mod.inherits(spec):
                    base = shared.get(key)
                    if isinstance(base, dict) and isinstance(base.get("path"), str):
                        found.append((base["path"], True))
                elif isinstance(spec, dict) and isinstance(spec.get("path"), str):
                    found.append((spec["path"], False))
    return found


def _parts(path: str) -> Tuple[str, ...]:
    return tuple(p for p in PurePosixPath(os.path.normpath(path)).parts if p != ".")


def _under(rel: str, prefixes: Sequence[Tuple[str, ...]]) -> bool:
    parts = _parts(rel)
    return any(parts[: len(prefix)] == prefix for prefix in prefixes)


def _glob(root: Path, pattern: str) -> List[str]:
    """The paths under ``root`` that ``pattern`` matches, as cargo's glob
    crate matches them: ``*``, ``?`` and ``[...]`` within one name (a
    leading dot included), ``**`` any number of directories."""
    parts = _parts(pattern)
    found: Set[str] = set()

    def walk(base: Path, rel: Tuple[str, ...], i: int) -> None:
        if i == len(parts):
            found.add("/".join(rel) or ".")
            return
        part = parts[i]
        if not glob.has_magic(part):
            if (base / part).exists():
                walk(base / part, rel + (part,), i + 1)
            return
        entries = sorted(e for e in base.iterdir() if e.name != prepare_mod.STATE) if base.is_dir() else []
        if part == "**":
            walk(base, rel, i + 1)
            for entry in entries:
                if entry.is_dir() and not entry.is_symlink():
                    walk(entry, rel + (entry.name,), i)
            return
        for entry in entries:
            if fnmatch.fnmatchcase(entry.name, part):
                walk(entry, rel + (entry.name,), i + 1)

    walk(root, (), 0)
    return sorted(found)


def discover(root: Path, data: Mapping[str, Any]) -> List[str]:
    """The members, as cargo finds them: the root package, ``members``
    (glob patterns), and every path dependency inside the root; less what
    is under an ``exclude`` path, unless ``members`` names it literally.
    Sorted."""
    where = str(root / "Cargo.toml")
    workspace = data["workspace"]
    patterns = _string_list(workspace.get("members", []), "workspace.members", where)
    exclude = [_parts(e) for e in _string_list(workspace.get("exclude", []), "workspace.exclude", where)]
    literal = [_parts(p) for p in patterns if not glob.has_magic(p)]

    def excluded(rel: str) -> bool:
        return _under(rel, exclude) and not _under(rel, literal)

    found: Set[str] = set()
    if isinstance(data.get("package"), dict):
        found.add(".")
    for pattern in patterns:
        matches = _glob(root, pattern)
        if not matches and not glob.has_magic(pattern):
            raise BuildsysError(f"workspace member {pattern!r} does not exist", where)
        for rel in matches:
            if not (root / rel).is_dir() or excluded(rel):
                continue
            if not (root / rel / "Cargo.toml").is_file():
                raise BuildsysError(f"workspace member {rel!r} has no Cargo.toml", where)
            found.add(_relative(root, root / rel, "workspace member", where))
    pending = sorted(found)
    while pending:
        rel = pending.pop()
        member_file = root / rel / "Cargo.toml"
        _, member = read_toml(member_file)
        for path, shared in _path_dependencies(member, workspace):
            target = os.path.normpath(root / path if shared else root / rel / path)
            inside = os.path.relpath(target, root)
            if inside.startswith("..") or excluded(inside) or inside in found:
                continue
            if (Path(target) / "Cargo.toml").is_file():
                found.add(_relative(root, Path(target), "path dependency", str(member_file)))
                pending.append(inside)
    return sorted(found)


def _publishable(package: Mapping[str, Any]) -> bool:
    """cargo's rule: ``publish = false`` or ``[]``, or no version at all."""
    publish = package.get("publish", True)
    return publish is not False and publish != [] and "version" in package


def _version_of(package: Mapping[str, Any], workspace: Mapping[str, Any]) -> str:
    version = package.get("version", "0.0.0")
    if manifest_mod.inherits(version):
        version = (workspace.get("package") or {}).get("version")
    return version if isinstance(version, str) else "0.0.0"


def normalize(data: Mapping[str, Any], rel: str, root: Path, workspace: Mapping[str, Any],
              members: Mapping[str, Tuple[str, str]], where: str) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """The manifest of the member in ``rel`` as ``cargo package`` writes it,
    and the files from outside the member it names (name in the package ->
    path relative to the root). ``members``: directory -> (name, version)."""
    member_dir = root / rel

    def rebase(path: str) -> str:
        return os.path.relpath(os.path.normpath(root / path), member_dir)

    try:
        out = manifest_mod.inherit(data, workspace, rebase)
    except BuildsysError as exc:
        raise exc.with_path(where) from None
    for key in ("workspace", "patch", "replace"):
        out.pop(key, None)
    extra: Dict[str, str] = {}
    package = out.get("package")
    if isinstance(package, dict):
        package = dict(package)
        for field in manifest_mod.PATH_FIELDS:
            value = package.get(field)
            if isinstance(value, str) and os.path.normpath(value).startswith(".."):
                # cargo package copies such a file into the crate
                source = os.path.relpath(os.path.normpath(member_dir / value), root)
                if source.startswith(".."):
                    raise BuildsysError(f"package.{field} {value!r} is outside the workspace", where)
                package[field] = os.path.basename(value)
                extra[package[field]] = source
        out["package"] = package

    def dependency(key: str, spec: Any, dev: bool) -> Optional[Any]:
        if not isinstance(spec, dict) or not (isinstance(spec.get("path"), str) or "git" in spec):
            return spec
        spec = dict(spec)
        if "git" in spec:
            if "version" not in spec:
                if dev:
                    return None
                raise BuildsysError(f"dependency {key!r} comes from git without a version: "
                                    "a crate in the registry cannot use it", where)
            for git_key in _GIT_KEYS:
                spec.pop(git_key, None)
            return spec
        target = os.path.relpath(os.path.normpath(member_dir / spec.pop("path")), root)
        if target not in members:
            if "version" in spec:
                return spec  # published with the version alone, as cargo package does
            if dev:
                return None
            raise BuildsysError(f"path dependency {key!r} ({target}) is not a member of the workspace, "
                                "and has no version", where)
        if "version" not in spec:
            if dev:
                return None  # cargo package drops it: tests only, from this source
            # built from the same source into the same RPM: exactly that version
            spec["version"] = "=" + members[target][1]
        return spec

    def tables(holder: Mapping[str, Any]) -> Dict[str, Any]:
        result = dict(holder)
        for name in manifest_mod.DEP_TABLES:
            if isinstance(holder.get(name), dict):
                kept = {key: dependency(key, spec, name in manifest_mod.DEV_TABLES) for key, spec in holder[name].items()}
                result[name] = {key: spec for key, spec in kept.items() if spec is not None}
        return result

    out = tables(out)
    if isinstance(out.get("target"), dict):
        out["target"] = {t: tables(spec) if isinstance(spec, dict) else spec for t, spec in out["target"].items()}
    return out, extra


def _license_files(directory: Path) -> List[str]:
    """Its top-level files that %files would list as %license."""
    return sorted(p.name for p in directory.iterdir() if p.is_file() and prepare_mod.LICENSE_FILE.match(p.name))


def prepare(root: Path, registry: str, vendor: Optional[Path] = None,
            crate: Optional[str] = None, rpm_version: Optional[str] = None) -> List[str]:
    """``%cargo_prep -w``: every member ready for an offline cargo build
    and its normalized manifest written; returns the removed target tables
    as ``MEMBER: TABLE``. Running it again gives the same result."""
    state = root / prepare_mod.STATE
    root_file = root / "Cargo.toml"
    saved = prepare_mod.pristine_manifest(root)
    _, data = read_toml(saved if saved.exists() else root_file)
    workspace = _workspace_table(data, root_file)
    first = not (state / RECORD).exists()
    if first:
        rels = discover(root, data)
    else:
        rels = [entry["path"] for entry in json.loads((state / RECORD).read_text(encoding="utf-8"))]

    members = _names(root, rels, workspace, saved=not first)

    removed: List[str] = []
    for rel in rels:
        member_dir = root / rel
        where = str(member_dir / "Cargo.toml")
        if first:
            # the files it names from outside, copied in before any file is recorded
            _, outside = normalize(read_toml(member_dir / "Cargo.toml")[1], rel, root, workspace, members, where)
            _add_files(root, member_dir, rel, outside)
        gone = prepare_mod.linux_manifest(member_dir, nested_packages=False)
        removed += [f"{members[rel][0]}: {table}" for table in gone]
        _, linux = read_toml(member_dir / "Cargo.toml")
        data_out, _ = normalize(linux, rel, root, workspace, members, where)
        try:
            m = manifest_mod.from_data(data_out, member_dir / "Cargo.toml", member_dir)
        except BuildsysError as exc:
            raise (prepare_mod.without_targets_error(exc, gone) if gone else exc) from None
        (member_dir / prepare_mod.STATE / NORMALIZED).write_text(tomlwrite.dumps(data_out), encoding="utf-8")
        if m.name != members[rel][0]:
            raise BuildsysError("the member's name changed in %prep", where)
    if first:
        record = [{"path": rel, "name": members[rel][0]} for rel in rels]
        state.mkdir(exist_ok=True)
        (state / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if crate is not None:
        _check_spec_names_a_member(root_file, members.values(), crate, rpm_version or "")
    prepare_mod.write_cargo_config(root, registry, vendor)
    return removed


def _names(root: Path, rels: Sequence[str], workspace: Mapping[str, Any], saved: bool) -> Dict[str, Tuple[str, str]]:
    """Directory -> (name, version) of each member. ``saved``: read the
    manifests %cargo_prep saved."""
    members: Dict[str, Tuple[str, str]] = {}
    for rel in rels:
        file = prepare_mod.pristine_manifest(root / rel) if saved else root / rel / "Cargo.toml"
        package = read_toml(file)[1].get("package")
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            raise BuildsysError("a workspace member needs [package] with a name", str(root / rel / "Cargo.toml"))
        members[rel] = (package["name"], _version_of(package, workspace))
    names = [n for n, _ in members.values()]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BuildsysError(f"two workspace members are both named {twice[0]!r}", str(root / "Cargo.toml"))
    return members


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
    for name in prepare_mod.walk_sources(member_dir, nested_packages=False):
        link = member_dir / name
        if link.is_symlink() and link.is_file() and link.resolve().is_relative_to(real_root):
            text = link.read_bytes()
            link.unlink()
            link.write_bytes(text)
    if rel != "." and not _license_files(member_dir):
        for name in _license_files(root):
            shutil.copyfile(root / name, member_dir / name)


def _check_spec_names_a_member(where: Path, members: Sequence[Tuple[str, str]], crate: str, rpm_version: str) -> None:
    for name, version in members:
        if name == crate:
            if semver2rpm(manifest_mod.Version.parse(version)) != rpm_version:
                raise BuildsysError(f"workspace member {crate!r} is version {version}, and the spec builds "
                                    f"version {rpm_version} (%{{version}}): fix Version", str(where))
            return
    known = ", ".join(sorted(n for n, _ in members))
    raise BuildsysError(f"the spec builds crate {crate!r} (%{{crate}}), which is not a member of this workspace "
                        f"(members: {known}): set %global crate", str(where))


def members(root: Path) -> List[Member]:
    """The members with their normalized manifests: those that
    :func:`prepare` recorded, or else (dynamic BuildRequires come before
    %conf) read from the tree as it is, without writing anything."""
    out = []
    if is_root(root):
        for entry in json.loads((root / prepare_mod.STATE / RECORD).read_text(encoding="utf-8")):
            member_dir = root / entry["path"]
            _, data = read_toml(member_dir / prepare_mod.STATE / NORMALIZED)
            out.append(_member(entry["path"], data, member_dir))
        return _check_packaged(out)
    root_file = root / "Cargo.toml"
    _, top = read_toml(root_file)
    workspace = _workspace_table(top, root_file)
    names = _names(root, discover(root, top), workspace, saved=False)
    for rel in names:
        where = str(root / rel / "Cargo.toml")
        data, _ = normalize(read_toml(root / rel / "Cargo.toml")[1], rel, root, workspace, names, where)
        out.append(_member(rel, data, root / rel))
    return _check_packaged(out)


def _member(rel: str, data: Mapping[str, Any], member_dir: Path) -> Member:
    m = manifest_mod.from_data(data, member_dir / "Cargo.toml", member_dir)
    return Member(rel, m, m.is_lib and _publishable(data.get("package", {})))


def _check_packaged(ms: List[Member]) -> List[Member]:
    """A packaged member's -devel would require what no package provides if
    it needs a member that is not packaged (cargo package refuses it too)."""
    internal = {m.name for m in ms if not m.packaged}
    for m in ms:
        for dep in m.manifest.dependencies:
            if m.packaged and dep.kind != "dev" and dep.on_linux and dep.name in internal:
                raise BuildsysError(
                    f"{m.name} is packaged (a library that may be published), but needs {dep.name}, which is not "
                    f"(publish = false, no version, or no library): set publish = false for {m.name} too",
                    m.manifest.path)
    return ms


def normalized_text(member: Member, root: Path) -> str:
    return (root / member.path / prepare_mod.STATE / NORMALIZED).read_text(encoding="utf-8")


def selections(ms: Sequence[Member], selection: Selection, with_check: bool) -> Dict[str, Selection]:
    """What cargo enables in each member when it builds the whole workspace
    with ``selection``: the selection itself, plus every feature that
    members ask of each other (cargo unifies them), to a fixed point."""
    if selection.features:
        raise BuildsysError("with --workspace, select features with -a or -n; -f (FEATURE or MEMBER/FEATURE) "
                            "is not supported")
    by_name = {m.name: m for m in ms}
    chosen = {m.name: selection for m in ms}
    changed = True
    while changed:
        changed = False
        for m in ms:
            act = resolve(m.manifest, chosen[m.name])
            for dep in m.manifest.dependencies:
                if dep.name not in by_name or not dep.on_linux or (dep.kind == "dev" and not with_check):
                    continue
                if dep.optional and dep.key not in act.optional:
                    continue
                wanted = set(dep.features) | set(act.dep_features.get(dep.key, ())) | set(act.weak.get(dep.key, ()))
                default = dep.default_features or "default" in wanted
                old = chosen[dep.name]
                new = Selection(
                    old.all_features,
                    old.no_default_features and not default,
                    tuple(sorted(set(old.features) | (wanted - {"default"}))),
                )
                if new != old:
                    chosen[dep.name], changed = new, True
    return chosen


def buildrequires(ms: Sequence[Member], selection: Selection, with_check: bool, vendored: bool) -> Tuple[str, ...]:
    """The union over members; the members themselves come from the source."""
    local = frozenset(m.name for m in ms)
    chosen = selections(ms, selection, with_check)
    brs: Set[str] = set()
    for m in ms:
        brs.update(plan_mod.buildrequires(m.manifest, chosen[m.name], with_check, vendored, local))
    # one toolchain builds them all: the newest rust any member needs
    rusts = sorted((br for br in brs if br.startswith("rust >= ")),
                   key=lambda br: tuple(int(x) for x in br[len("rust >= "):].split(".")))
    return tuple(sorted(brs - set(rusts[:-1])))


def binaries(ms: Sequence[Member], selection: Selection) -> List[Tuple[str, Tuple[str, ...]]]:
    """(member path, binaries) for each member that builds any; an error
    if two members build binaries of one name (one would overwrite the
    other in %{_bindir})."""
    chosen = selections(ms, selection, with_check=False)
    out = []
    seen: Dict[str, str] = {}
    for m in ms:
        bins = plan_mod.binaries(m.manifest, chosen[m.name])
        for b in bins:
            if b in seen:
                raise BuildsysError(f"members {seen[b]} and {m.name} both build a binary named {b!r}", m.manifest.path)
            seen[b] = m.name
        if bins:
            out.append((m.path, bins))
    return out

