"""A workspace member's manifest as ``cargo package`` writes it: what the
RPM crate registry gets, since cargo cannot read a member's own manifest
outside its workspace.

``workspace = true`` fields, dependencies and lints are taken from the
root's ``[workspace]`` (buildsys.inherit), paths to other members become
versions, path-only dev-dependencies are dropped, and ``[workspace]``,
``[patch]`` and ``[replace]`` are left out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from buildsys import deptables
from buildsys.errors import BuildsysError
from buildsys.inherit import PATH_FIELDS, inherit

_GIT_KEYS = ("git", "branch", "tag", "rev")


def normalize(data: Mapping[str, Any], rel: str, root: Path, workspace: Mapping[str, Any],
              members: Mapping[str, Tuple[str, str]], where: str) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """The manifest of the member in ``rel`` as ``cargo package`` writes it,
    and the files from outside the member it names (name in the package ->
    path relative to the root). ``members``: directory -> (name, version)."""
    member_dir = root / rel

    def rebase(path: str) -> str:
        return os.path.relpath(os.path.normpath(root / path), member_dir)

    try:
        out = inherit(data, workspace, rebase)
    except BuildsysError as exc:
        raise exc.with_path(where) from None
    for key in ("workspace", "patch", "replace"):
        out.pop(key, None)
    extra: Dict[str, str] = {}
    package = out.get("package")
    if isinstance(package, dict):
        package = dict(package)
        for field in PATH_FIELDS:
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

    out = deptables.rewrite(out, lambda table, key, spec: dependency(key, spec, deptables.KIND_OF[table] == "dev"))
    return out, extra
