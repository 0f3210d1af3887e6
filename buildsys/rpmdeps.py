"""Cargo versions and ranges written as RPM versions and dependencies.

The conventions are Fedora's (rust2rpm/cargo2rpm): ``-`` before a pre-release
becomes ``~`` so that it sorts before the release, ``-`` inside it becomes
``_``, build metadata is dropped, and a release upper bound gets a trailing
``~`` so that pre-releases of the excluded version stay excluded (unless the
requirement lets them in: docs/versions.md).
"""

from __future__ import annotations

from typing import List, Optional

from buildsys.errors import BuildsysError
from buildsys.semver import Bound, Range, Version


def semver2rpm(version: Version) -> str:
    text = f"{version.major}.{version.minor}.{version.patch}"
    if version.pre:
        text += "~" + ".".join(str(p) for p in version.pre).replace("-", "_")
    return text


def rpm2semver(text: str) -> Version:
    """Inverse of :func:`semver2rpm` (build metadata cannot come back)."""
    release, tilde, pre = text.partition("~")
    if tilde:
        if not pre:
            raise BuildsysError(f"invalid RPM version {text!r}: empty pre-release after '~'")
        release += "-" + pre.replace("_", "-")
    return Version.parse(release)


def crate_capability(crate: str, feature: Optional[str] = None) -> str:
    return f"crate({crate}/{feature})" if feature is not None else f"crate({crate})"


def _lower(cap: str, bound: Bound) -> str:
    return f"{cap} {'>=' if bound.inclusive else '>'} {semver2rpm(bound.version)}"


def _upper(cap: str, bound: Bound, lower: Optional[Bound]) -> str:
    if bound.inclusive:
        return f"{cap} <= {semver2rpm(bound.version)}"
    version = semver2rpm(bound.version)
    # "< 2.0.0" would admit 2.0.0~alpha; cargo's "<2.0.0" does not, unless
    # a comparator opts 2.0.0's pre-releases in (">=2.0.0-alpha, <2.0.0"),
    # which always leaves the lower bound at one of them. Upper bounds from
    # "^", "~", wildcards and partial versions exclude them regardless.
    opted_in = lower is not None and bool(lower.version.pre) and lower.version.release == bound.version.release
    admits = bound.version.pre or (bound.below_admits_pre and opted_in)
    return f"{cap} < {version}" if admits else f"{cap} < {version}~"


def range_dependency(crate: str, feature: Optional[str], rng: Range) -> str:
    """One RPM dependency string for ``crate(NAME[/FEATURE])`` within ``rng``."""
    cap = crate_capability(crate, feature)
    if rng.is_exact():
        assert rng.lower is not None
        return f"{cap} = {semver2rpm(rng.lower.version)}"
    parts: List[tuple] = []
    if rng.lower is not None:
        parts.append((rng.lower.origin, 0, _lower(cap, rng.lower)))
    if rng.upper is not None:
        parts.append((rng.upper.origin, 1, _upper(cap, rng.upper, rng.lower)))
    if not parts:
        return cap
    if len(parts) == 1:
        return parts[0][2]
    # Keep the order the crate author wrote the comparators in, as cargo2rpm does.
    first, second = sorted(parts)
    return f"({first[2]} with {second[2]})"


def exact_dependency(crate: str, feature: Optional[str], version: Version) -> str:
    return f"{crate_capability(crate, feature)} = {semver2rpm(version)}"
