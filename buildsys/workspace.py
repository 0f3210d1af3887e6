"""Workspaces: which crates of a source tree are its members, found as
cargo finds them (docs/workspaces.md)."""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Mapping, Sequence, Set, Tuple

from buildsys import deptables, record
from buildsys.errors import BuildsysError
from buildsys.inherit import inherits
from buildsys.tomlread import read_toml

# Member directories reach shell commands (cargo install --path DIR).
_DIR_NAME = re.compile(r"[A-Za-z0-9._+][A-Za-z0-9._+-]*")


def is_source(root: Path) -> bool:
    """Whether ``root`` holds a workspace: a [workspace] with members
    besides the root package (a crate may say [workspace] only to stand
    alone)."""
    _, data = read_toml(root / "Cargo.toml")
    return isinstance(data.get("workspace"), dict) and discover(root, data) != ["."]


def table(data: Mapping[str, Any], root_file: Path) -> Mapping[str, Any]:
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
    shared = workspace.get("dependencies") or {}
    for _, _, table in deptables.tables(data):
        for key, spec in (table if isinstance(table, dict) else {}).items():
            if inherits(spec):
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
        entries = sorted(e for e in base.iterdir() if e.name != record.STATE) if base.is_dir() else []
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


def publishable(package: Mapping[str, Any]) -> bool:
    """cargo's rule: ``publish = false`` or ``[]``, or no version at all."""
    publish = package.get("publish", True)
    return publish is not False and publish != [] and "version" in package


def _version_of(package: Mapping[str, Any], workspace: Mapping[str, Any]) -> str:
    version = package.get("version", "0.0.0")
    if inherits(version):
        version = (workspace.get("package") or {}).get("version")
    return version if isinstance(version, str) else "0.0.0"


def member_ids(root: Path, rels: Sequence[str], workspace: Mapping[str, Any], saved: bool) -> Dict[str, Tuple[str, str]]:
    """Directory -> (name, version) of each member. ``saved``: read the
    manifests %cargo_prep saved."""
    members: Dict[str, Tuple[str, str]] = {}
    for rel in rels:
        file = record.pristine_manifest(root / rel) if saved else root / rel / "Cargo.toml"
        package = read_toml(file)[1].get("package")
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            raise BuildsysError("a workspace member needs [package] with a name", str(root / rel / "Cargo.toml"))
        members[rel] = (package["name"], _version_of(package, workspace))
    names = [n for n, _ in members.values()]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BuildsysError(f"two workspace members are both named {twice[0]!r}", str(root / "Cargo.toml"))
    return members
