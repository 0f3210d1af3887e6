"""``workspace = true``: package fields, dependencies and lints a crate
takes from its workspace's ``[workspace]`` table, by cargo's rules."""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping

from buildsys import deptables
from buildsys.errors import BuildsysError


def inherits(value: Any) -> bool:
    """``value`` is ``{ workspace = true }``: taken from the workspace."""
    return isinstance(value, dict) and value.get("workspace") is True


def _inherit_dependency(key: str, spec: Any, workspace: Mapping[str, Any], rebase: Callable[[str], str]) -> Any:
    if not inherits(spec):
        return spec
    base = workspace.get("dependencies", {}).get(key)
    if base is None:
        raise BuildsysError(f"dependency {key!r} is inherited from a workspace (workspace = true) whose "
                            f"[workspace.dependencies] has no {key!r}")
    merged = {"version": base} if isinstance(base, str) else dict(base)
    if isinstance(merged.get("path"), str):
        merged["path"] = rebase(merged["path"])
    # cargo's rules: features add up; optional is the member's; the member
    # can switch default features on but not off (its false is ignored
    # unless the workspace says false too); anything else is the workspace's
    features = list(merged.get("features", [])) + list(spec.get("features", []))
    if not all(isinstance(f, str) for f in features):
        raise BuildsysError(f"dependency {key!r}: 'features' must be a list of strings")
    merged["features"] = list(dict.fromkeys(features))
    if not merged["features"]:
        del merged["features"]
    default = merged.pop("default-features", merged.pop("default_features", True))
    if spec.get("default-features", spec.get("default_features")) is True:
        default = True
    if default is not True:
        merged["default-features"] = default
    if "optional" in spec:
        merged["optional"] = spec["optional"]
    return merged


# Package fields whose value is a path, relative to the manifest holding it.
PATH_FIELDS = ("license-file", "readme")


def inherit(data: Mapping[str, Any], workspace: Mapping[str, Any],
            rebase: Callable[[str], str] = lambda path: path) -> Dict[str, Any]:
    """``data`` with every ``workspace = true`` field, dependency and
    ``[lints]`` taken from ``workspace`` (a ``[workspace]`` table), as cargo
    does. ``rebase`` turns a path relative to the workspace root into one
    relative to ``data``'s crate."""
    out = dict(data)
    package = data.get("package")
    if isinstance(package, dict):
        shared = workspace.get("package", {})
        resolved = {}
        for k, v in package.items():
            if inherits(v):
                if not isinstance(shared, dict) or k not in shared:
                    raise BuildsysError(f"package.{k} is inherited from a workspace (workspace = true) whose "
                                        f"[workspace.package] has no {k}")
                v = rebase(shared[k]) if k in PATH_FIELDS and isinstance(shared[k], str) else shared[k]
            resolved[k] = v
        out["package"] = resolved

    out = deptables.rewrite(out, lambda table, key, spec: _inherit_dependency(key, spec, workspace, rebase))
    if inherits(data.get("lints")):
        if "lints" in workspace:
            out["lints"] = workspace["lints"]
        else:
            del out["lints"]
    return out
