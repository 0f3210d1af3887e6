"""The dependency tables of a manifest's data: at the top and under each
``[target.X]``, in both of cargo's spellings. The one walker over them."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Tuple

KINDS = ("normal", "build", "dev")
TABLES = {
    "normal": ("dependencies",),
    "build": ("build-dependencies", "build_dependencies"),
    "dev": ("dev-dependencies", "dev_dependencies"),
}
# Every dependency table's name, both spellings, in KINDS order.
NAMES = tuple(table for kind in KINDS for table in TABLES[kind])
KIND_OF = {table: kind for kind in KINDS for table in TABLES[kind]}


def tables(data: Mapping[str, Any]) -> Iterator[Tuple[Optional[str], str, Any]]:
    """(target or None, table name, table) for every dependency table:
    the top-level ones first, then each target's, targets sorted. Values
    are as written: the caller checks that they are tables."""
    for name in NAMES:
        if name in data:
            yield None, name, data[name]
    targets = data.get("target")
    if isinstance(targets, dict):
        for target in sorted(targets):
            spec = targets[target]
            if isinstance(spec, dict):
                for name in NAMES:
                    if name in spec:
                        yield target, name, spec[name]


def rewrite(data: Mapping[str, Any], entry: Callable[[str, str, Any], Any]) -> Dict[str, Any]:
    """``data`` with every dependency entry replaced by ``entry(table name,
    key, spec)``; an entry that becomes None is left out."""

    def holder(table_holder: Mapping[str, Any]) -> Dict[str, Any]:
        out = dict(table_holder)
        for name in NAMES:
            if isinstance(table_holder.get(name), dict):
                kept = {key: entry(name, key, spec) for key, spec in table_holder[name].items()}
                out[name] = {key: spec for key, spec in kept.items() if spec is not None}
        return out

    out = holder(data)
    if isinstance(data.get("target"), dict):
        out["target"] = {t: holder(spec) if isinstance(spec, dict) else spec for t, spec in data["target"].items()}
    return out
