"""Feature resolution: which features and optional dependencies a selection
(``--all-features``, ``--no-default-features``, ``--features a,b``) turns on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Mapping, Set, Tuple

from buildsys.errors import BuildsysError
from buildsys.model import FEATURE_REF, FeatureValue, Manifest


@dataclass(frozen=True)
class Selection:
    """The features a build enables, as cargo's -a, -n and -f say."""

    all_features: bool = False
    no_default_features: bool = False
    features: Tuple[str, ...] = ()

    @classmethod
    def from_list(cls, text: str, all_features: bool = False, no_default_features: bool = False) -> "Selection":
        names = tuple(f for f in (p.strip() for p in text.replace(" ", ",").split(",")) if f)
        return cls(all_features, no_default_features, names)


@dataclass(frozen=True)
class Activation:
    """The closure of a selection over the crate's feature graph.

    ``dep_features`` holds features of dependencies that enabled features
    switch on (``X/f``), ``weak`` those they switch on only if X is on
    anyway (``X?/f``); both are keyed by dependency key.
    """

    features: FrozenSet[str]
    optional: FrozenSet[str]
    dep_features: Mapping[str, FrozenSet[str]]
    weak: Mapping[str, FrozenSet[str]]


def check_feature(manifest: Manifest, feature: str) -> None:
    """Every crate has a ``default`` feature, even when it does not declare one."""
    if feature != "default" and feature not in manifest.features:
        known = ", ".join(manifest.features) or "none"
        raise BuildsysError(f"unknown feature {feature!r} of crate {manifest.name} (known: {known})", manifest.path)


def resolve(manifest: Manifest, selection: Selection) -> Activation:
    roots: List[FeatureValue] = []
    if selection.all_features:
        roots.extend(FeatureValue("feature", f) for f in manifest.features)
    if not selection.no_default_features and "default" in manifest.features:
        roots.append(FeatureValue("feature", "default"))
    for text in selection.features:
        # DEP/FEATURE with both parts, as cargo's --features takes it (a
        # plain name is checked against the crate's features below)
        if "/" in text and not FEATURE_REF.fullmatch(text.replace("?/", "/", 1)):
            raise BuildsysError(f"--features {text!r}: not a feature name or DEP/FEATURE", manifest.path)
        value = FeatureValue.parse(text)
        if value.kind == "feature":
            check_feature(manifest, value.name)
            if value.name not in manifest.features:
                continue  # an undeclared "default" enables nothing
        elif not manifest.deps_named(value.name):
            raise BuildsysError(f"--features {text!r}: crate {manifest.name} has no dependency {value.name!r}", manifest.path)
        roots.append(value)

    features: Set[str] = set()
    optional: Set[str] = set()
    dep_features: Dict[str, Set[str]] = {}
    weak: Dict[str, Set[str]] = {}
    optional_keys = set(manifest.optional_keys)
    pending = list(roots)
    while pending:
        value = pending.pop()
        if value.kind == "feature":
            if value.name not in features:
                features.add(value.name)
                pending.extend(manifest.features[value.name])
        elif value.kind == "dep":
            optional.add(value.name)
        elif value.weak:
            weak.setdefault(value.name, set()).add(value.feature or "")
        else:
            if value.name in optional_keys:
                optional.add(value.name)
            dep_features.setdefault(value.name, set()).add(value.feature or "")
    return Activation(
        features=frozenset(features),
        optional=frozenset(optional),
        dep_features={k: frozenset(v) for k, v in dep_features.items()},
        weak={k: frozenset(v) for k, v in weak.items()},
    )
