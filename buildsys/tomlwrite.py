"""Python values as TOML text: the normalized manifests of workspace members
(buildsys.workspace), and test documents.

Every string is a basic string with every control character escaped, so no
value can end a line or open a table. :func:`dumps` reads its own output
back and fails unless it gives the same data."""

from __future__ import annotations

import datetime
import re
from typing import Any, List, Mapping, Sequence

from buildsys.errors import BuildsysError
from buildsys.manifest import tomllib

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def basic_string(text: str) -> str:
    out = []
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\ufffd")  # TOML text is UTF-8; a lone surrogate cannot be written
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else basic_string(name)


def value(v: Any) -> str:
    """One value on one line (tables inline)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return basic_string(v)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def _nested(v: Any) -> bool:
    return isinstance(v, Mapping) and any(isinstance(x, Mapping) for x in v.values())


def _array_of_tables(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _table(path: Sequence[str], body: Mapping[str, Any], lines: List[str]) -> None:
    """``[path]`` with its plain keys; tables that hold tables get headers of
    their own, the others are written inline (``log = { version = "0.4" }``);
    top-level lists of tables are ``[[bin]]`` sections."""
    if path:
        lines += ["", "[" + ".".join(key(p) for p in path) + "]"]
    headed = [k for k, v in body.items() if _nested(v) or (not path and isinstance(v, Mapping))]
    arrays = [k for k, v in body.items() if not path and _array_of_tables(v)]
    lines += [f"{key(k)} = {value(v)}" for k, v in body.items() if k not in headed and k not in arrays]
    for k in headed:
        _table(list(path) + [k], body[k], lines)
    for k in arrays:
        for item in body[k]:
            lines += ["", f"[[{key(k)}]]"] + [f"{key(ik)} = {value(iv)}" for ik, iv in item.items()]


def dumps(doc: Mapping[str, Any]) -> str:
    """The document, ``[package]`` first as cargo writes it."""
    lines: List[str] = []
    first = [k for k in ("package", "project") if k in doc]
    _table([], {k: doc[k] for k in first + [k for k in doc if k not in first]}, lines)
    text = "\n".join(lines).lstrip("\n") + "\n"
    if tomllib.loads(text) != doc:
        raise BuildsysError("internal: the TOML written does not read back as the same data")
    return text
