"""Dependencies that only matter on other operating systems, taken out of
a manifest's text.

Cargo resolves a lock file over every dependency a manifest names, on every
platform, before it builds anything, and so does every crate built later
against this one from the registry. Crates that only matter on other
operating systems are never packaged, so their ``[target.X]`` tables are
taken out of the manifest that is built and installed (Fedora's packagers
patch them out by hand). The edit is textual, so comments and layout stay.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Tuple

from buildsys.cfg import target_applies
from buildsys.errors import BuildsysError
from buildsys.tomlread import tomllib


def _key_parts(header: str) -> Optional[List[str]]:
    """The dotted key of a ``[table]`` header line, or None for anything
    else. Quoted parts may hold dots and brackets (``'cfg(a.b)'``)."""
    body = header.strip()
    if not body.startswith("[") or body.startswith("[["):
        return None
    parts: List[str] = []
    i, n = 1, len(body)
    while i < n:
        c = body[i]
        if c in " \t":
            i += 1
        elif c == "'":
            end = body.find(c, i + 1)
            if end < 0:
                return None
            parts.append(body[i + 1 : end])
            i = end + 1
        elif c == '"':
            # a basic string may hold escaped quotes: "cfg(target_os = \"windows\")"
            end = i + 1
            while end < n and body[end] != '"':
                end += 2 if body[end] == "\\" else 1
            if end >= n:
                return None
            try:
                parts.append(tomllib.loads("key = " + body[i : end + 1])["key"])
            except tomllib.TOMLDecodeError:
                return None
            i = end + 1
        elif c in ".":
            i += 1
        elif c == "]":
            return parts
        else:
            j = i
            while j < n and (body[j].isalnum() or body[j] in "-_"):
                j += 1
            if j == i:
                return None
            parts.append(body[i:j])
            i = j
    return None


def without_tables(data: Dict[str, Any], tables: List[str]) -> Dict[str, Any]:
    """What the manifest ``data`` reads as once the ``[target.X]`` tables
    named ``tables`` are taken out (the edited text must parse to this)."""
    if not tables:
        return data
    result = copy.deepcopy(data)
    for t in tables:
        del result["target"][t]
    if not result["target"]:
        del result["target"]
    return result


def without_foreign_targets(text: str, data: Dict[str, Any], where: str) -> Tuple[str, List[str]]:
    """``text`` without the ``[target.X...]`` tables whose X never holds on
    Linux. The edit is textual, so comments and layout survive; the result is
    parsed again and must equal the original minus exactly those tables."""
    targets = data.get("target", {})
    foreign = sorted(t for t in targets if not target_applies(t)) if isinstance(targets, dict) else []
    if not foreign:
        return text, []
    kept: List[str] = []
    dropping = False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("["):
            parts = _key_parts(line)
            if parts is not None or line.lstrip().startswith("[["):
                dropping = bool(parts and len(parts) >= 2 and parts[0] == "target" and parts[1] in foreign)
        if not dropping:
            kept.append(line)
    result = "".join(kept)
    expected = without_tables(data, foreign)
    try:
        again: Optional[Dict[str, Any]] = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        again = None
    if again != expected:
        raise BuildsysError(
            "cannot take the dependencies for other operating systems out of this manifest "
            f"({', '.join(foreign)}) without changing anything else; patch them out in %prep",
            where,
        )
    return result, foreign
