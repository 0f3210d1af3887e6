"""A crate's library and binary targets, as cargo finds them: declared in
the manifest, or discovered on disk (``src/lib.rs``, ``src/main.rs``,
``src/bin/``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

from buildsys.errors import BuildsysError
from buildsys.model import Binary, FEATURE_REF

# Binary names end up in file lists; cargo names them like crates.
_TARGET_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


def is_lib(data: Mapping[str, Any], package: Mapping[str, Any], root: Path) -> bool:
    lib = data.get("lib")
    if isinstance(lib, dict):
        if lib.get("proc-macro", lib.get("proc_macro")) is True:
            return True
        types = lib.get("crate-type", lib.get("crate_type"))
        if types is None:
            return True
        return any(t in ("lib", "rlib", "proc-macro") for t in types)
    if package.get("autolib") is False:
        return False
    return (root / "src" / "lib.rs").is_file()


def binaries(
    data: Mapping[str, Any], package: Mapping[str, Any], root: Path, name: str, edition: str
) -> Tuple[Binary, ...]:
    explicit = data.get("bin", [])
    if not isinstance(explicit, list):
        raise BuildsysError("[[bin]] must be an array of tables")
    bins: Dict[str, Binary] = {}
    claimed_paths = set()
    for entry in explicit:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise BuildsysError("every [[bin]] needs a name")
        if not _TARGET_NAME.fullmatch(entry["name"]):
            raise BuildsysError(f"invalid binary name {entry['name']!r}: cargo allows ASCII letters, digits, '-' and '_'")
        required = entry.get("required-features", entry.get("required_features", []))
        if not isinstance(required, list) or not all(isinstance(f, str) and FEATURE_REF.fullmatch(f) for f in required):
            raise BuildsysError(f"binary {entry['name']!r}: invalid required-features {required!r}")
        bins[entry["name"]] = Binary(entry["name"], tuple(required))
        if isinstance(entry.get("path"), str):
            claimed_paths.add(Path(entry["path"]).as_posix())
    autobins = package.get("autobins")
    if autobins is None:
        # 2015 edition: declaring any [[bin]] switches discovery off.
        autobins = not (edition == "2015" and explicit)
    if autobins:
        for bin_name, rel in _discovered_bins(root, name):
            if bin_name not in bins and rel not in claimed_paths:
                bins[bin_name] = Binary(bin_name)
    return tuple(bins[n] for n in sorted(bins))


def _discovered_bins(root: Path, name: str) -> List[Tuple[str, str]]:
    found = []
    if (root / "src" / "main.rs").is_file():
        found.append((name, "src/main.rs"))
    bindir = root / "src" / "bin"
    if bindir.is_dir():
        for entry in sorted(bindir.iterdir()):
            if entry.suffix == ".rs" and entry.is_file():
                found.append((entry.stem, f"src/bin/{entry.name}"))
            elif (entry / "main.rs").is_file():
                found.append((entry.name, f"src/bin/{entry.name}/main.rs"))
    return found
