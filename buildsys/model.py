"""The typed model of a crate's manifest: what buildsys knows of a crate
once ``Cargo.toml`` is read (buildsys.manifest), and the syntax cargo
allows for the names in it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from buildsys.semver import Range, Version

# Cargo's own rules for crate names (ASCII only, as crates.io requires)
# and feature names; anything else cannot be a valid RPM capability either.
CRATE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Keys (what features refer to) may also start with '_', e.g. "_cc_unused".
DEP_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
FEATURE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_+.-]*")
# What a dependency's ``features``, a binary's ``required-features`` or a
# feature selection may name: a feature, or DEP/FEATURE.
FEATURE_REF = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_-]*/)?[A-Za-z0-9_][A-Za-z0-9_+.-]*")
FEATURE_RULE = "feature names here are ASCII letters, digits, '_', '-', '+' and '.'"


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
    """A binary target and the features it needs built."""

    name: str
    required_features: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    """One crate's Cargo.toml, read and checked."""

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
    # package.links: the native library the crate links (a -sys crate's C library)
    links: Optional[str] = None

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
