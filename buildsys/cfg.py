"""Does a ``[target.X]`` table apply to a Fedora/EPEL Linux build?

Crate ``-devel`` packages are noarch, yet cargo compiles the crate on every
architecture the distribution builds for. A target-specific dependency is
therefore needed when its condition holds on *any* of those Linux targets:
``cfg(target_arch = "x86_64")`` is kept, ``cfg(windows)`` is not.
Identifiers we know nothing about are false, as rustc treats unset cfgs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import FrozenSet, Tuple

from buildsys.errors import BuildsysError

# What ``rustc --print cfg --target ARCH-unknown-linux-gnu`` reports
# (rustc 1.95), for the architectures Fedora and EPEL build Rust for.
_COMMON = {
    ("target_os", "linux"),
    ("target_family", "unix"),
    ("target_env", "gnu"),
    # Not rustc's view: an empty target_env is also taken as Linux, so that a
    # dependency guarded by it is kept rather than silently dropped.
    ("target_env", ""),
    ("target_vendor", "unknown"),
    ("target_abi", ""),
    ("panic", "unwind"),
    ("target_has_atomic", "8"),
    ("target_has_atomic", "16"),
    ("target_has_atomic", "32"),
    ("target_has_atomic", "64"),
    ("target_has_atomic", "ptr"),
}


def _linux(arch: str, width: str, endian: str, *extra: Tuple[str, str]) -> FrozenSet[Tuple[str, str]]:
    return frozenset(_COMMON | {("target_arch", arch), ("target_pointer_width", width), ("target_endian", endian)} | set(extra))


_X86_FEATURES = (("target_feature", "fxsr"), ("target_feature", "sse"), ("target_feature", "sse2"))
LINUX_TARGETS = {
    "x86_64-unknown-linux-gnu": _linux("x86_64", "64", "little", *_X86_FEATURES),
    "i686-unknown-linux-gnu": _linux("x86", "32", "little", *_X86_FEATURES),
    "aarch64-unknown-linux-gnu": _linux("aarch64", "64", "little", ("target_feature", "neon"), ("target_has_atomic", "128")),
    "powerpc64le-unknown-linux-gnu": _linux("powerpc64", "64", "little"),
    "s390x-unknown-linux-gnu": _linux("s390x", "64", "big", ("target_has_atomic", "128")),
    "riscv64gc-unknown-linux-gnu": _linux(
        "riscv64",
        "64",
        "little",
        *(("target_feature", f) for f in ("a", "c", "m", "zaamo", "zalrsc", "zca", "zicsr", "zifencei")),
    ),
}
_TRUE_FLAGS = frozenset({"unix", "debug_assertions"})

_TOKEN = re.compile(r'\s*(?:([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"\\]|\\.)*)"|([(),=]))')

@dataclass(frozen=True)
class _Parser:
    """A recursive-descent reader of one cfg() expression's tokens."""

    tokens: Tuple[Tuple[str, str], ...]

    def parse(self) -> Tuple[object, int]:
        expr, pos = self._expr(0)
        if pos != len(self.tokens):
            raise ValueError("trailing input")
        return expr, pos

    def _expr(self, pos: int) -> Tuple[object, int]:
        kind, value = self._at(pos)
        if kind != "ident":
            raise ValueError("expected an identifier")
        if value in ("all", "any", "not") and self._at(pos + 1) == ("punct", "("):
            pos += 2
            items = []
            while self._at(pos) != ("punct", ")"):
                item, pos = self._expr(pos)
                items.append(item)
                if self._at(pos) == ("punct", ","):
                    pos += 1
                elif self._at(pos) != ("punct", ")"):
                    raise ValueError("expected ',' or ')'")
            if value == "not" and len(items) != 1:
                raise ValueError("not() takes exactly one predicate")
            return (value, items), pos + 1
        if self._at(pos + 1) == ("punct", "="):
            kind2, string = self._at(pos + 2)
            if kind2 != "string":
                raise ValueError("expected a string after '='")
            return ("key", value, string), pos + 3
        return ("flag", value), pos + 1

    def _at(self, pos: int) -> Tuple[str, str]:
        return self.tokens[pos] if pos < len(self.tokens) else ("end", "")


def _tokenize(text: str) -> Tuple[Tuple[str, str], ...]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(f"unexpected {text[pos:].strip()[:1]!r}")
        ident, string, punct = match.groups()
        if ident is not None:
            tokens.append(("ident", ident))
        elif string is not None:
            tokens.append(("string", string))
        else:
            tokens.append(("punct", punct))
        pos = match.end()
    return tuple(tokens)


def _holds(expr: object, pairs: FrozenSet[Tuple[str, str]]) -> bool:
    tag = expr[0]  # type: ignore[index]
    if tag == "flag":
        return expr[1] in _TRUE_FLAGS  # type: ignore[index]
    if tag == "key":
        return (expr[1], expr[2]) in pairs  # type: ignore[index]
    items = expr[1]  # type: ignore[index]
    if tag == "all":
        return all(_holds(i, pairs) for i in items)
    if tag == "any":
        return any(_holds(i, pairs) for i in items)
    return not _holds(items[0], pairs)


def target_applies(target: str) -> bool:
    """True when ``[target.TARGET]`` tables matter on some Linux build.

    ``TARGET`` is either ``cfg(...)`` or a target triple, which must be one
    of the distribution's own.
    """
    text = target.strip()
    if text.startswith("cfg("):
        try:
            if not text.endswith(")"):
                raise ValueError("missing ')'")
            expr, _ = _Parser(_tokenize(text[4:-1])).parse()
        except ValueError as exc:
            raise BuildsysError(f"invalid target expression {target!r}: {exc}") from None
        return any(_holds(expr, pairs) for pairs in LINUX_TARGETS.values())
    return text in LINUX_TARGETS
