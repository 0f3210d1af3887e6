"""Cargo's semantic versions and version requirements, reduced to ranges.

The grammar follows the ``semver`` crate that cargo uses: comparators
separated by commas, optional spaces, the operators ``= > >= < <= ~ ^``, a
bare version meaning ``^``, and the wildcards ``*``, ``x`` and ``X``.

Every requirement reduces to one contiguous :class:`Range` (cargo's
comparators are all intervals, and an intersection of intervals is an
interval), which is what lets any number of comparators become a single
RPM dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from buildsys.errors import BuildsysError

Identifier = Union[int, str]

_NUM = r"(?:0|[1-9][0-9]*)"
_IDENT = r"[0-9A-Za-z-]+"
_VERSION_RE = re.compile(
    rf"({_NUM})\.({_NUM})\.({_NUM})"
    rf"(?:-({_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+({_IDENT}(?:\.{_IDENT})*))?"
)
_PART = r"(?:0|[1-9][0-9]*|[*xX])"
_COMPARATOR_RE = re.compile(
    rf" *(=|>=|>|<=|<|~|\^)? *({_NUM})(?:\.({_PART}))?(?:\.({_PART}))?"
    rf"(?:-({_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+({_IDENT}(?:\.{_IDENT})*))? *"
)
_WILDCARDS = ("*", "x", "X")
# The semver crate refuses longer requirements; so do we, for the same reason
# (a bound on work done for text that comes from strangers).
MAX_COMPARATORS = 32
# Numbers beyond u64 are rejected by cargo; RPM would compare them as text.
_U64_MAX = 2**64 - 1


def _parse_pre(text: Optional[str], what: str) -> Tuple[Identifier, ...]:
    if not text:
        return ()
    parts: List[Identifier] = []
    for part in text.split("."):
        if part.isdigit():
            if len(part) > 1 and part.startswith("0"):
                raise BuildsysError(f"invalid {what}: leading zero in pre-release {text!r}")
            parts.append(int(part))
        else:
            parts.append(part)
    return tuple(parts)


def _check_u64(value: int, text: str, what: str) -> int:
    if value > _U64_MAX:
        raise BuildsysError(f"invalid {what} {text!r}: number too large")
    return value


def _pre_key(pre: Tuple[Identifier, ...]) -> Tuple[object, ...]:
    # A release sorts after every pre-release of the same numbers; numeric
    # identifiers sort below alphanumeric ones (semver.org, rule 11).
    if not pre:
        return (1,)
    return (0, tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in pre))


@dataclass(frozen=True)
class Version:
    """A full semantic version; build metadata is kept but never compared."""

    major: int
    minor: int
    patch: int
    pre: Tuple[Identifier, ...] = ()
    build: str = ""

    @classmethod
    def parse(cls, text: str) -> "Version":
        match = _VERSION_RE.fullmatch(text)
        if not match:
            raise BuildsysError(f"invalid version {text!r}: expected MAJOR.MINOR.PATCH[-PRE][+BUILD]")
        major, minor, patch = (_check_u64(int(g), text, "version") for g in match.group(1, 2, 3))
        return cls(major, minor, patch, _parse_pre(match.group(4), f"version {text!r}"), match.group(5) or "")

    @property
    def key(self) -> Tuple[object, ...]:
        return (self.major, self.minor, self.patch, _pre_key(self.pre))

    @property
    def release(self) -> Tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __lt__(self, other: "Version") -> bool:
        return self.key < other.key

    def __le__(self, other: "Version") -> bool:
        return self.key <= other.key

    @property
    def without_build(self) -> str:
        """The version without build metadata: the NAME-VERSION of registry
        directories and crate archives (%{version_no_tilde} gives it)."""
        text = f"{self.major}.{self.minor}.{self.patch}"
        return text + "-" + ".".join(str(p) for p in self.pre) if self.pre else text

    def __str__(self) -> str:
        return self.without_build + ("+" + self.build if self.build else "")


@dataclass(frozen=True)
class Bound:
    """One end of a range. ``origin`` is the position of the comparator it came
    from, so that output can keep the order the crate author wrote."""

    version: Version
    inclusive: bool
    origin: int = 0
    # Only a full "<X" lets X's own pre-releases through (once a comparator
    # opts them in); every other exclusive upper bound compares the numbers.
    below_admits_pre: bool = False

    def key(self, lower: bool) -> Tuple[object, ...]:
        """Where the bound sits among versions. An exclusive release upper
        bound that compares numbers ("^1.2" stops below 2.0.0) also stops
        below every pre-release of that release."""
        v = self.version
        if not lower and not self.inclusive and not v.pre and not self.below_admits_pre:
            return (v.major, v.minor, v.patch, (0, ()))
        return v.key


@dataclass(frozen=True)
class Range:
    """A contiguous set of versions; ``None`` means unbounded on that side."""

    lower: Optional[Bound] = None
    upper: Optional[Bound] = None

    def intersect(self, other: "Range") -> "Range":
        return Range(_tighter(self.lower, other.lower, lower=True), _tighter(self.upper, other.upper, lower=False))

    def is_empty(self) -> bool:
        if self.lower is None or self.upper is None:
            return False
        low, high = self.lower.key(lower=True), self.upper.key(lower=False)
        if high < low:
            return True
        if low == high:
            return not (self.lower.inclusive and self.upper.inclusive)
        return False

    def is_exact(self) -> bool:
        return (
            self.lower is not None
            and self.upper is not None
            and self.lower.inclusive
            and self.upper.inclusive
            and self.lower.version.key == self.upper.version.key
        )


def _tighter(a: Optional[Bound], b: Optional[Bound], lower: bool) -> Optional[Bound]:
    if a is None:
        return b
    if b is None:
        return a
    a_key, b_key = a.key(lower), b.key(lower)
    if a_key != b_key:
        a_wins = (b_key < a_key) if lower else (a_key < b_key)
        return a if a_wins else b
    if a.inclusive != b.inclusive:
        return b if a.inclusive else a  # the exclusive bound is the tighter one
    if a.below_admits_pre != b.below_admits_pre:
        return b if a.below_admits_pre else a
    return a if a.origin <= b.origin else b


@dataclass(frozen=True)
class Comparator:
    """One comparator as written: ``minor``/``patch`` are None when omitted."""

    op: str
    major: int
    minor: Optional[int]
    patch: Optional[int]
    pre: Tuple[Identifier, ...] = ()

    def to_range(self, origin: int = 0) -> Range:
        """The versions this comparator admits, as cargo's docs define each operator."""
        major, minor, patch, pre = self.major, self.minor, self.patch, self.pre
        lo_full = Version(major, minor or 0, patch or 0, pre)

        def at_least(v: Version, inclusive: bool = True) -> Bound:
            return Bound(v, inclusive, origin)

        def below(v: Version) -> Bound:
            return Bound(v, False, origin)

        def up_to(v: Version) -> Bound:
            return Bound(v, True, origin)

        next_major = Version(major + 1, 0, 0)
        next_minor = Version(major, (minor or 0) + 1, 0)
        op = self.op
        if op in ("=", "*"):
            if minor is None:
                return Range(at_least(lo_full), below(next_major))
            if patch is None:
                return Range(at_least(lo_full), below(next_minor))
            return Range(at_least(lo_full), up_to(lo_full))
        if op == ">":
            if minor is None:
                return Range(at_least(next_major))
            if patch is None:
                return Range(at_least(next_minor))
            return Range(at_least(lo_full, inclusive=False))
        if op == ">=":
            return Range(at_least(lo_full))
        if op == "<":
            full = patch is not None and not pre
            return Range(None, Bound(lo_full, False, origin, below_admits_pre=full))
        if op == "<=":
            if minor is None:
                return Range(None, below(next_major))
            if patch is None:
                return Range(None, below(next_minor))
            return Range(None, up_to(lo_full))
        if op == "~":
            if minor is None:
                return Range(at_least(lo_full), below(next_major))
            return Range(at_least(lo_full), below(next_minor))
        # "^": the left-most non-zero part may not change
        if major > 0 or minor is None:
            return Range(at_least(lo_full), below(next_major))
        if minor > 0 or patch is None:
            return Range(at_least(lo_full), below(next_minor))
        return Range(at_least(lo_full), below(Version(0, 0, patch + 1)))

    def __str__(self) -> str:
        parts = [str(self.major)]
        for part in (self.minor, self.patch):
            if part is None:
                break
            parts.append(str(part))
        text = ".".join(parts)
        if self.op == "*":
            return text + ".*"
        if self.pre:
            text += "-" + ".".join(str(p) for p in self.pre)
        return self.op + text


@dataclass(frozen=True)
class Requirement:
    """A parsed version requirement: all of ``comparators`` must hold."""

    text: str
    comparators: Tuple[Comparator, ...]

    @classmethod
    def parse(cls, text: str) -> "Requirement":
        stripped = text.strip(" ")
        if not stripped:
            raise BuildsysError("invalid version requirement '': empty")
        if stripped in _WILDCARDS:
            return cls(text, ())
        pieces = stripped.split(",")
        if len(pieces) > MAX_COMPARATORS:
            raise BuildsysError(f"invalid version requirement {text!r}: more than {MAX_COMPARATORS} comparators")
        return cls(text, tuple(_parse_comparator(piece, text) for piece in pieces))

    def to_range(self) -> Range:
        """Intersect all comparators; an empty result is an error, since no
        published version could ever satisfy the dependency."""
        result = Range()
        for index, comparator in enumerate(self.comparators):
            result = result.intersect(comparator.to_range(index))
        if result.is_empty():
            raise BuildsysError(f"version requirement {self.text!r} cannot be satisfied by any version")
        return _collapse_single_release(result)


def _collapse_single_release(rng: Range) -> Range:
    """``>=0.0.3, <0.0.4`` admits exactly 0.0.3 (and its build variants), so
    say so: ``= 0.0.3`` is what Fedora writes for ``^0.0.3``."""
    low, high = rng.lower, rng.upper
    if low is None or high is None or not low.inclusive or high.inclusive or low.version.pre or high.version.pre:
        return rng
    m, n, p = low.version.release
    if high.version.release == (m, n, p + 1):
        exact = Bound(Version(m, n, p), True, min(low.origin, high.origin))
        return Range(exact, exact)
    return rng


def _parse_comparator(piece: str, whole: str) -> Comparator:
    match = _COMPARATOR_RE.fullmatch(piece)
    if not match:
        if piece.strip(" ") in _WILDCARDS:
            raise BuildsysError(f"invalid version requirement {whole!r}: a wildcard must be the only comparator")
        raise BuildsysError(f"invalid version requirement {whole!r}")
    op, major_s, minor_s, patch_s, pre_s, _build = match.groups()
    default_op = op is None
    op = op or "^"
    major = _check_u64(int(major_s), whole, "version requirement")
    minor: Optional[int] = None
    patch: Optional[int] = None
    if minor_s is not None and minor_s in _WILDCARDS:
        if patch_s is not None and patch_s not in _WILDCARDS:
            raise BuildsysError(f"invalid version requirement {whole!r}: a number after a wildcard")
        if default_op:
            op = "*"
    elif minor_s is not None:
        minor = _check_u64(int(minor_s), whole, "version requirement")
        if patch_s is not None and patch_s in _WILDCARDS:
            if default_op:
                op = "*"
        elif patch_s is not None:
            patch = _check_u64(int(patch_s), whole, "version requirement")
    if (pre_s or _build) and patch is None:
        raise BuildsysError(f"invalid version requirement {whole!r}: a pre-release needs MAJOR.MINOR.PATCH")
    return Comparator(op, major, minor, patch, _parse_pre(pre_s, f"version requirement {whole!r}"))
