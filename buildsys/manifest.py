"""Read a crate's ``Cargo.toml`` into a typed, validated model, without cargo.

Cargo's rules that matter for packaging are applied here, once: target
discovery, implicit features for optional dependencies, renamed
dependencies, ``cfg(...)`` target tables evaluated for Linux, and the checks
cargo itself makes on feature values.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from buildsys.cfg import target_applies
from buildsys.errors import BuildsysError
from buildsys.semver import Range, Requirement, Version
from buildsys.spectext import leading_problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # EL9 and Debian bullseye ship Python 3.9
    import tomli as tomllib

KINDS = ("normal", "build", "dev")
_TABLES = {
    "normal": ("dependencies",),
    "build": ("build-dependencies", "build_dependencies"),
    "dev": ("dev-dependencies", "dev_dependencies"),
}
# Every dependency table's name, both spellings.
DEP_TABLES = tuple(table for kind in KINDS for table in _TABLES[kind])
DEV_TABLES = _TABLES["dev"]
# Cargo's own rules for crate names (ASCII only, as crates.io requires)
# and feature names; anything else cannot be a valid RPM capability either.
_CRATE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Keys (what features refer to) may also start with '_', e.g. "_cc_unused".
_DEP_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_FEATURE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_+.-]*")
# What a dependency's ``features`` or a binary's ``required-features`` may
# name: a feature, or DEP/FEATURE.
_FEATURE_REF = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_-]*/)?[A-Za-z0-9_][A-Za-z0-9_+.-]*")
_FEATURE_RULE = "feature names here are ASCII letters, digits, '_', '-', '+' and '.'"
# Binary names end up in file lists; cargo names them like crates.
_TARGET_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
# Free text reaches RPM headers, which are C strings: no control characters
# (whitespace aside, which spec text reflows anyway).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EDITIONS = ("2015", "2018", "2021", "2024")


@dataclass(frozen=True)
class FeatureValue:
    """One entry of a feature's list, as cargo interprets it.

    ``kind`` is ``feature`` (another feature of this crate), ``dep``
    (``dep:X``, an optional dependency) or ``dep_feature`` (``X/f``, or
    ``X?/f`` when ``weak``).
    """

    kind: str
    name: str
    feature: Optional[str] = None
    weak: bool = False

    @classmethod
    def parse(cls, text: str) -> "FeatureValue":
        if text.startswith("dep:"):
            return cls("dep", text[4:])
        if "/" in text:
            name, _, feature = text.partition("/")
            if name.endswith("?"):
                return cls("dep_feature", name[:-1], feature, weak=True)
            return cls("dep_feature", name, feature)
        return cls("feature", text)

    def __str__(self) -> str:
        if self.kind == "dep":
            return f"dep:{self.name}"
        if self.kind == "dep_feature":
            return f"{self.name}{'?' if self.weak else ''}/{self.feature}"
        return self.name


@dataclass(frozen=True)
class Dependency:
    """One dependency entry. ``key`` is what features refer to; ``name`` is
    the real crate (they differ for ``package = "..."`` renames)."""

    key: str
    name: str
    kind: str
    requirement: Optional[str]
    range: Optional[Range]
    optional: bool = False
    default_features: bool = True
    features: Tuple[str, ...] = ()
    target: Optional[str] = None
    on_linux: bool = True

    @property
    def packaged(self) -> bool:
        """Whether this entry becomes an RPM dependency at all: it must come
        from a registry (have a version) and matter on Linux."""
        return self.range is not None and self.on_linux


@dataclass(frozen=True)
class Binary:
    name: str
    required_features: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    path: str
    name: str
    version: Version
    edition: str
    rust_version: Optional[str]
    license: Optional[str]
    license_file: Optional[str]
    description: Optional[str]
    homepage: Optional[str]
    repository: Optional[str]
    is_lib: bool
    binaries: Tuple[Binary, ...]
    dependencies: Tuple[Dependency, ...]
    # feature name -> values, implicit features included, keys sorted; never mutated
    features: Mapping[str, Tuple[FeatureValue, ...]]

    def deps_named(self, key: str) -> Tuple[Dependency, ...]:
        return self._deps_by_key.get(key, ())

    @functools.cached_property
    def _deps_by_key(self) -> Dict[str, Tuple[Dependency, ...]]:
        # looked up once per feature value: a scan each time made crates
        # with thousands of features quadratic (benchmarks/, docs/benchmarks.md)
        index: Dict[str, List[Dependency]] = {}
        for dep in self.dependencies:
            index.setdefault(dep.key, []).append(dep)
        return {key: tuple(deps) for key, deps in index.items()}

    @property
    def optional_keys(self) -> Tuple[str, ...]:
        return tuple(sorted({d.key for d in self.dependencies if d.optional}))


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


def read_toml(file: Path) -> Tuple[str, Dict[str, Any]]:
    """The text of a TOML file and what it parses to; any problem is a
    :class:`BuildsysError` naming the file."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise BuildsysError(f"cannot read: {exc.strerror or exc}", str(file)) from None
    try:
        text = raw.decode("utf-8")
        return text, tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise BuildsysError(f"not valid UTF-8 at byte {exc.start}", str(file)) from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildsysError(f"invalid TOML: {exc}", str(file)) from None


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

    def tables(root: Mapping[str, Any]) -> Dict[str, Any]:
        return {
            name: {key: _inherit_dependency(key, spec, workspace, rebase) for key, spec in root[name].items()}
            for name in DEP_TABLES
            if isinstance(root.get(name), dict)
        }
    out.update(tables(data))
    if isinstance(data.get("target"), dict):
        out["target"] = {t: {**spec, **tables(spec)} if isinstance(spec, dict) else spec for t, spec in data["target"].items()}
    if inherits(data.get("lints")):
        if "lints" in workspace:
            out["lints"] = workspace["lints"]
        else:
            del out["lints"]
    return out


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
    if not _CRATE_NAME.fullmatch(name):
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
        is_lib=_is_lib(data, package, root),
        binaries=_binaries(data, package, root, name, edition),
        dependencies=dependencies,
        features=features,
    )


def _text(package: Mapping[str, Any], key: str) -> Optional[str]:
    text = _str(package, key, "package")
    bad = _CONTROL.search(text or "")
    if bad:
        raise BuildsysError(
            f"package.{key} contains the control character U+{ord(bad.group()):04X}, which an RPM header cannot carry"
        )
    # a leading '#' is shown after the crate's name (spectext.paragraph_lines)
    if key == "description" and (text or "").strip().startswith("%"):
        raise BuildsysError(f"package.description {leading_problem(text or '')}")
    return text


def _dependencies(data: Mapping[str, Any]) -> Tuple[Dependency, ...]:
    tables: List[Tuple[Optional[str], str, Any]] = []
    for kind in KINDS:
        for table in _TABLES[kind]:
            if table in data:
                tables.append((None, kind, data[table]))
    targets = data.get("target", {})
    if not isinstance(targets, dict):
        raise BuildsysError("[target] must be a table")
    for target in sorted(targets):
        spec = targets[target]
        if not isinstance(spec, dict):
            raise BuildsysError(f"[target.{target!r}] must be a table")
        for kind in KINDS:
            for table in _TABLES[kind]:
                if table in spec:
                    tables.append((target, kind, spec[table]))
    result = []
    for target, kind, table in tables:
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
    if not _DEP_KEY.fullmatch(key):
        raise BuildsysError(f"{where}: invalid dependency name")
    if not isinstance(name, str) or not _CRATE_NAME.fullmatch(name):
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
        if not _FEATURE_REF.fullmatch(feature):
            raise BuildsysError(f"{where}: invalid feature name {feature!r}: {_FEATURE_RULE}")
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
        if not _FEATURE_NAME.fullmatch(name):
            raise BuildsysError(f"invalid feature name {name!r}: {_FEATURE_RULE}")
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
        if not _FEATURE_NAME.fullmatch(value.feature):
            raise BuildsysError(f"{where}: invalid feature name {value.feature!r}: {_FEATURE_RULE}")
    elif value.name not in features:
        raise BuildsysError(f"{where}, which is neither a feature nor an optional dependency")


def _is_lib(data: Mapping[str, Any], package: Mapping[str, Any], root: Path) -> bool:
    lib = data.get("lib")
    if isinstance(lib, dict):
        if lib.get("proc-macro", lib.get("proc_macro")) is True:
            return True
        types = lib.get("crate-type", lib.get("crate_type"))
        if types is None:
            return True
        return any(t in ("lib", "rlib", "proc-macro") for t in types)
    if package.get("autolib") is False:
        return False
    return (root / "src" / "lib.rs").is_file()


def _binaries(
    data: Mapping[str, Any], package: Mapping[str, Any], root: Path, name: str, edition: str
) -> Tuple[Binary, ...]:
    explicit = data.get("bin", [])
    if not isinstance(explicit, list):
        raise BuildsysError("[[bin]] must be an array of tables")
    bins: Dict[str, Binary] = {}
    claimed_paths = set()
    for entry in explicit:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise BuildsysError("every [[bin]] needs a name")
        if not _TARGET_NAME.fullmatch(entry["name"]):
            raise BuildsysError(f"invalid binary name {entry['name']!r}: cargo allows ASCII letters, digits, '-' and '_'")
        required = entry.get("required-features", entry.get("required_features", []))
        if not isinstance(required, list) or not all(isinstance(f, str) and _FEATURE_REF.fullmatch(f) for f in required):
            raise BuildsysError(f"binary {entry['name']!r}: invalid required-features {required!r}")
        bins[entry["name"]] = Binary(entry["name"], tuple(required))
        if isinstance(entry.get("path"), str):
            claimed_paths.add(Path(entry["path"]).as_posix())
    autobins = package.get("autobins")
    if autobins is None:
        # 2015 edition: declaring any [[bin]] switches discovery off.
        autobins = not (edition == "2015" and explicit)
    if autobins:
        for bin_name, rel in _discovered_bins(root, name):
            if bin_name not in bins and rel not in claimed_paths:
                bins[bin_name] = Binary(bin_name)
    return tuple(bins[n] for n in sorted(bins))


def _discovered_bins(root: Path, name: str) -> List[Tuple[str, str]]:
    found = []
    if (root / "src" / "main.rs").is_file():
        found.append((name, "src/main.rs"))
    bindir = root / "src" / "bin"
    if bindir.is_dir():
        for entry in sorted(bindir.iterdir()):
            if entry.suffix == ".rs" and entry.is_file():
                found.append((entry.stem, f"src/bin/{entry.name}"))
            elif (entry / "main.rs").is_file():
                found.append((entry.name, f"src/bin/{entry.name}/main.rs"))
    return found
