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
from typing import Any, Dict, List, Optional, Set, Tuple

from buildsys.cfg import target_applies
from buildsys import tomlwrite
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


_DEPENDENCY_TABLES = ("dependencies", "build-dependencies", "dev-dependencies")


def _dependency_keys(tables: Any) -> Set[str]:
    if not isinstance(tables, dict):
        return set()
    return {k for name in _DEPENDENCY_TABLES if isinstance(tables.get(name), dict) for k in tables[name]}


def _foreign_only(data: Dict[str, Any], tables: List[str]) -> Set[str]:
    """Dependencies named only in the tables taken out."""
    targets = data.get("target", {})
    kept = _dependency_keys(data) | {k for t, v in targets.items() if t not in tables for k in _dependency_keys(v)}
    return {k for t in tables for k in _dependency_keys(targets[t])} - kept


def _refers_to(value: str, keys: Set[str]) -> bool:
    name = value[len("dep:"):] if value.startswith("dep:") else value.split("/", 1)[0].rstrip("?")
    return name in keys and (value.startswith("dep:") or "/" in value or value == name)


def without_tables(data: Dict[str, Any], tables: List[str]) -> Dict[str, Any]:
    """What the manifest ``data`` reads as once the ``[target.X]`` tables
    named ``tables`` are taken out (the edited text must parse to this), and
    with them the features' references to the dependencies only they named.
    On Linux such a reference enables nothing, so the feature stays, doing
    what it did there (chrono's wasmbind names wasm32's wasm-bindgen)."""
    if not tables:
        return data
    gone = _foreign_only(data, tables)
    result = copy.deepcopy(data)
    for t in tables:
        del result["target"][t]
    if not result["target"]:
        del result["target"]
    features = result.get("features")
    if gone and isinstance(features, dict):
        for name, values in features.items():
            if isinstance(values, list):
                features[name] = [v for v in values if not (isinstance(v, str) and _refers_to(v, gone))]
    return result


def _feature_lines(text: str, data: Dict[str, Any], tables: List[str]) -> str:
    """``text`` with each feature that names a dependency of ``tables``
    rewritten on one line without those names. Only a plain ``[features]``
    table is edited; the caller checks what the text parses to."""
    gone = _foreign_only(data, tables)
    features = data.get("features")
    if not gone or not isinstance(features, dict):
        return text
    touched = {n for n, vs in features.items()
               if isinstance(vs, list) and any(isinstance(v, str) and _refers_to(v, gone) for v in vs)}
    if not touched:
        return text
    out: List[str] = []
    lines = text.splitlines(keepends=True)
    in_features = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("["):
            parts = _key_parts(line)
            if parts is not None or line.lstrip().startswith("[["):
                in_features = parts == ["features"]
        name = _assigned_name(line) if in_features else None
        if name in touched:
            end = _array_end(lines, i)
            if end is not None:
                kept = [v for v in features[name] if not _refers_to(v, gone)]
                out.append(f"{tomlwrite.key(name)} = {tomlwrite.value(kept)}\n")
                i = end + 1
                continue
        out.append(line)
        i += 1
    return "".join(out)


def _assigned_name(line: str) -> Optional[str]:
    """The key of a ``key = [`` line (bare or quoted), else None."""
    body = line.strip()
    if not body or body[0] in "#[":
        return None
    key, eq, rest = body.partition("=")
    if not eq or not rest.strip().startswith("["):
        return None
    key = key.strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
        return key[1:-1] if "\\" not in key else None
    return key if key and all(c.isalnum() or c in "-_" for c in key) else None


def _array_end(lines: List[str], start: int) -> Optional[int]:
    """The index of the line where the array begun on ``lines[start]``
    closes, if nothing else follows it there but a comment."""
    depth = 0
    for i in range(start, len(lines)):
        j, line = 0, lines[i]
        if i == start:
            j = line.index("=") + 1
        while j < len(line):
            c = line[j]
            if c in "'\"":
                close = line.find(c, j + 1)
                while c == '"' and close > 0 and line[close - 1] == "\\":
                    close = line.find(c, close + 1)
                if close < 0:
                    return None
                j = close + 1
                continue
            if c == "#":
                break
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    tail = line[j + 1 :].strip()
                    return i if not tail or tail.startswith("#") else None
            j += 1
    return None


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
    result = _feature_lines("".join(kept), data, foreign)
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
