"""Read a crate's ``Cargo.toml`` into the typed model (buildsys.model),
without cargo.

Cargo's rules that matter for packaging are applied here, once: implicit
features for optional dependencies, renamed dependencies, ``cfg(...)``
target tables evaluated for Linux, ``workspace = true`` taken from the
crate's own ``[workspace]`` (buildsys.inherit), its targets
(buildsys.targets), and the checks cargo itself makes on feature values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from buildsys import deptables, targets
from buildsys.cfg import target_applies
from buildsys.errors import BuildsysError
from buildsys.inherit import inherit, inherits
from buildsys.model import (CRATE_NAME, DEP_KEY, FEATURE_NAME, FEATURE_REF, FEATURE_RULE, Binary, Dependency,
                            FeatureValue, Manifest)
from buildsys.semver import Requirement, Version
from buildsys.tomlread import read_toml, tomllib

__all__ = ["Binary", "Dependency", "FeatureValue", "Manifest", "load", "from_data", "manifest_file", "read_toml",
           "tomllib", "Version"]

# Free text reaches RPM headers, which are C strings: no control characters
# (whitespace aside, which spec text reflows anyway).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EDITIONS = ("2015", "2018", "2021", "2024")


def load(path: str) -> Manifest:
    """Read ``path`` (a ``Cargo.toml`` or the directory holding one)."""
    file = manifest_file(path)
    _, data = read_toml(file)
    return from_data(data, file, file.parent)


def from_data(data: Mapping[str, Any], file: Path, root: Path) -> Manifest:
    """The model of parsed manifest ``data``; targets are looked for in
    ``root``, errors name ``file``."""
    try:
        return _from_data(data, file, root)
    except BuildsysError as exc:
        raise exc.with_path(str(file)) from None


def manifest_file(path: str) -> Path:
    file = Path(path)
    return file / "Cargo.toml" if file.is_dir() else file


def _str(table: Mapping[str, Any], key: str, where: str) -> Optional[str]:
    value = table.get(key)
    if value is None:
        return None
    if inherits(value):
        raise BuildsysError(f"'{where}.{key}' is inherited from a workspace (workspace = true); {_INHERITED}")
    if not isinstance(value, str):
        raise BuildsysError(f"'{where}.{key}' must be a string")
    return value


_INHERITED = (
    "build the workspace it belongs to (BuildOption: --workspace, docs/workspaces.md), "
    "or package the crate as published ('cargo package' writes the resolved Cargo.toml)"
)


def _resolve_workspace(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Apply ``workspace = true`` inheritance from this same file's
    ``[workspace]`` (a crate that is also its workspace's root); published
    crates never need it, members elsewhere are normalized first
    (buildsys.workspace)."""
    workspace = data.get("workspace")
    if not isinstance(workspace, dict):
        return data
    return inherit(data, workspace)


def _from_data(data: Mapping[str, Any], file: Path, root: Path) -> Manifest:
    data = _resolve_workspace(data)
    package = data.get("package", data.get("project"))
    if not isinstance(package, dict):
        if "workspace" in data:
            raise BuildsysError("this is a workspace manifest without [package]: build the workspace with "
                                  "BuildOption: --workspace (docs/workspaces.md)")
        raise BuildsysError("missing [package] table")
    name = _str(package, "name", "package")
    if not name:
        raise BuildsysError("missing package.name")
    if not CRATE_NAME.fullmatch(name):
        raise BuildsysError(f"invalid crate name {name!r}: cargo allows ASCII letters, digits, '-' and '_'")
    version_text = _str(package, "version", "package") or "0.0.0"
    version = Version.parse(version_text)
    edition = _str(package, "edition", "package") or "2015"
    if edition not in EDITIONS:
        raise BuildsysError(f"unknown edition {edition!r}")
    rust_version = _str(package, "rust-version", "package")
    if rust_version is not None and not re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}", rust_version):
        raise BuildsysError(f"invalid rust-version {rust_version!r}")

    dependencies = _dependencies(data)
    features = _features(data.get("features", {}), dependencies)
    return Manifest(
        path=str(file),
        name=name,
        version=version,
        edition=edition,
        rust_version=rust_version,
        license=_text(package, "license"),
        license_file=_str(package, "license-file", "package"),
        description=_text(package, "description"),
        homepage=_str(package, "homepage", "package"),
        repository=_str(package, "repository", "package"),
        is_lib=targets.is_lib(data, package, root),
        binaries=targets.binaries(data, package, root, name, edition),
        dependencies=dependencies,
        features=features,
        links=_text(package, "links"),
    )


def _text(package: Mapping[str, Any], key: str) -> Optional[str]:
    text = _str(package, key, "package")
    bad = _CONTROL.search(text or "")
    if bad:
        raise BuildsysError(
            f"package.{key} contains the control character U+{ord(bad.group()):04X}, which an RPM header cannot carry"
        )
    return text


def _dependencies(data: Mapping[str, Any]) -> Tuple[Dependency, ...]:
    targets_table = data.get("target", {})
    if not isinstance(targets_table, dict):
        raise BuildsysError("[target] must be a table")
    for target, spec in sorted(targets_table.items()):
        if not isinstance(spec, dict):
            raise BuildsysError(f"[target.{target!r}] must be a table")
    result = []
    for target, name, table in deptables.tables(data):
        kind = deptables.KIND_OF[name]
        if not isinstance(table, dict):
            raise BuildsysError(f"dependency table of kind {kind} must be a table")
        on_linux = target_applies(target) if target is not None else True
        for key in sorted(table):
            result.append(_dependency(key, table[key], kind, target, on_linux))
    return tuple(result)


def _dependency(key: str, spec: Any, kind: str, target: Optional[str], on_linux: bool) -> Dependency:
    where = f"dependency {key!r}"
    if isinstance(spec, str):
        spec = {"version": spec}
    if not isinstance(spec, dict):
        raise BuildsysError(f"{where}: expected a version string or a table")
    if inherits(spec):
        raise BuildsysError(f"{where} is inherited from a workspace (workspace = true); {_INHERITED}")
    name = spec.get("package", key)
    if not DEP_KEY.fullmatch(key):
        raise BuildsysError(f"{where}: invalid dependency name")
    if not isinstance(name, str) or not CRATE_NAME.fullmatch(name):
        raise BuildsysError(f"{where}: invalid crate name {name!r}")
    requirement = spec.get("version")
    if requirement is not None and not isinstance(requirement, str):
        raise BuildsysError(f"{where}: 'version' must be a string")
    if requirement is None and "path" not in spec and "git" not in spec:
        requirement = "*"  # cargo accepts (with a warning) a registry dependency without version
    # A path or git dependency with a version is published with just the
    # version, so that is what consumers of the installed crate need. With no
    # version there is nothing RPM could ever provide.
    rng = None
    if requirement is not None:
        try:
            rng = Requirement.parse(requirement).to_range()
        except BuildsysError as exc:
            raise BuildsysError(f"{where}: {exc.message}") from None
    default = spec.get("default-features", spec.get("default_features", True))
    optional = spec.get("optional", False)
    features = spec.get("features", [])
    if not isinstance(default, bool) or not isinstance(optional, bool):
        raise BuildsysError(f"{where}: 'optional' and 'default-features' must be true or false")
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise BuildsysError(f"{where}: 'features' must be a list of strings")
    for feature in features:
        if not FEATURE_REF.fullmatch(feature):
            raise BuildsysError(f"{where}: invalid feature name {feature!r}: {FEATURE_RULE}")
    if optional and kind == "dev":
        raise BuildsysError(f"{where}: dev-dependencies cannot be optional")
    return Dependency(
        key=key,
        name=name,
        kind=kind,
        requirement=requirement,
        range=rng,
        optional=optional,
        default_features=default,
        features=tuple(features),
        target=target,
        on_linux=on_linux,
    )


def _features(table: Any, dependencies: Tuple[Dependency, ...]) -> Dict[str, Tuple[FeatureValue, ...]]:
    if not isinstance(table, dict):
        raise BuildsysError("[features] must be a table")
    keys = {d.key for d in dependencies if d.kind != "dev"}
    optional = {d.key for d in dependencies if d.optional}
    features: Dict[str, Tuple[FeatureValue, ...]] = {}
    for name, values in table.items():
        if not FEATURE_NAME.fullmatch(name):
            raise BuildsysError(f"invalid feature name {name!r}: {FEATURE_RULE}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BuildsysError(f"feature {name!r} must be a list of strings")
        features[name] = tuple(FeatureValue.parse(v) for v in values)
    used_with_dep = {v.name for vals in features.values() for v in vals if v.kind == "dep"}
    for key in sorted(optional - used_with_dep):
        # cargo's implicit feature: an optional dependency not named with dep:
        features.setdefault(key, (FeatureValue("dep", key),))
    for name, values in features.items():
        for value in values:
            _check_value(name, value, features, keys, optional)
    return {name: features[name] for name in sorted(features)}


def _check_value(
    feature: str,
    value: FeatureValue,
    features: Mapping[str, Tuple[FeatureValue, ...]],
    keys: set,
    optional: set,
) -> None:
    where = f"feature {feature!r} includes {str(value)!r}"
    if value.kind == "dep":
        if value.name not in optional:
            raise BuildsysError(f"{where}, but {value.name!r} is not an optional dependency")
    elif value.kind == "dep_feature":
        if value.name not in keys:
            raise BuildsysError(f"{where}, but {value.name!r} is not a dependency")
        if not value.feature:
            raise BuildsysError(f"{where}: empty feature name after '/'")
        if not FEATURE_NAME.fullmatch(value.feature):
            raise BuildsysError(f"{where}: invalid feature name {value.feature!r}: {FEATURE_RULE}")
    elif value.name not in features:
        raise BuildsysError(f"{where}, which is neither a feature nor an optional dependency")
