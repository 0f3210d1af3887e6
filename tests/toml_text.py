"""Python values written as TOML text, for tests that make Cargo.toml
files from generated data (every key quoted, every string escaped)."""

from __future__ import annotations

from typing import Any, List, Mapping


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


def value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else "nan"
    if isinstance(v, str):
        return basic_string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{basic_string(k)} = {value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def dumps(doc: Mapping[str, Mapping[str, Any]]) -> str:
    """Top-level tables of key = value lines (nested tables inline)."""
    lines: List[str] = []
    for table, body in doc.items():
        lines.append(f"[{basic_string(table)}]")
        lines.extend(f"{basic_string(k)} = {value(v)}" for k, v in body.items())
    return "\n".join(lines) + "\n"
