"""The packager's fixes, one BuildOption word each (docs/buildoptions.md):
extra Requires of the -devel package or of one feature's package, extra
BuildRequires, and features left out of packaging (rust2rpm.toml's
``[requires]``, ``[requires.features]`` and ``[features] hide``).

BuildOption words split on whitespace, so a capability is written without
spaces (``pkgconfig(zlib)>=1.2.11``) and spelt here as RPM writes it
(``pkgconfig(zlib) >= 1.2.11``); lists travel between the macros as one
comma-separated word."""

from __future__ import annotations

import re
from typing import Sequence, Tuple

from buildsys.errors import BuildsysError

# NAME, or NAME OP VERSION; what the Lua lets through (no spaces, no %)
_CAPABILITY = re.compile(r"([A-Za-z0-9_.+()/:~^-]+?)(?:(<=|>=|=|<|>)([A-Za-z0-9_.+:~^-]+))?")
_FEATURE = re.compile(r"[A-Za-z0-9_.+-]+")


def words(text: str) -> Tuple[str, ...]:
    """A comma-separated list as the macros pass it."""
    return tuple(w for w in (text or "").split(",") if w)


def capability(word: str) -> str:
    """``NAME`` or ``NAME>=VERSION`` in RPM's spelling; an error for
    anything else."""
    m = _CAPABILITY.fullmatch(word)
    if not m or not re.match(r"[A-Za-z0-9_/(]", word):
        raise BuildsysError(f"{word!r} is not one RPM capability: write NAME or NAME>=VERSION, without spaces")
    name, op, version = m.groups()
    return f"{name} {op} {version}" if op else name


def feature_capability(word: str) -> Tuple[str, str]:
    """``FEATURE:CAPABILITY`` as (feature, capability in RPM's spelling)."""
    feature, _, cap = word.partition(":")
    if not _FEATURE.fullmatch(feature) or not cap:
        raise BuildsysError(f"{word!r}: write FEATURE:CAPABILITY, for example zlib:pkgconfig(zlib)>=1.2")
    return feature, capability(cap)


def for_feature(entries: Sequence[str], feature: str) -> Tuple[str, ...]:
    """The capabilities ``--feature-requires`` gives one feature."""
    return tuple(cap for f, cap in map(feature_capability, entries) if f == feature)
