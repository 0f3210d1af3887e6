"""The real crates: Debian trixie's ``librust-*-dev`` sources (fetched and
cached by tests/debian_corpus.py), the ones with the most features, and
working copies of them as ``%cargo_prep`` leaves a crate in a build."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

from buildsys import manifest, plan, prepare
from buildsys.cfg import target_applies
from buildsys.errors import BuildsysError
from buildsys.manifest import tomllib
from debian_corpus import DEBIAN_ONLY, crate_dirs, ensure_corpus

REGISTRY = "/usr/share/cargo/registry"


@dataclass(frozen=True)
class Crate:
    directory: Path
    name: str
    version: str
    features: int
    subpackages: Tuple[str, ...]


def describe(directory: Path) -> Crate:
    m = manifest.load(str(directory))
    subs = tuple(s.name for s in plan.plan(m).subpackages)
    return Crate(directory, m.name, str(m.version), len(m.features), subs)


def corpus() -> List[Path]:
    return crate_dirs(ensure_corpus())


def most_features(count: int) -> List[Crate]:
    """The library crates with the most features (implicit ones included),
    most first; crates buildsys rejects are not candidates."""
    found = []
    for directory in corpus():
        try:
            m = manifest.load(str(directory))
        except Exception:  # counted by the corpus benchmark, not here
            continue
        if m.is_lib:
            found.append((len(m.features), directory.name, directory))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [describe(d) for _, _, d in found[:count]]


def by_name(dirname: str) -> Crate:
    return describe(ensure_corpus() / dirname)


def _header_key(line: str) -> List[str]:
    """The dotted key of a ``[table]`` line, read by the TOML parser itself
    (quoted parts with escapes included)."""
    key: List[str] = []
    table = tomllib.loads(line.strip() + "\n")
    while isinstance(table, dict) and len(table) == 1:
        name, table = next(iter(table.items()))
        key.append(name)
    return key


def without_foreign_tables(text: str) -> str:
    """The packager's patch where %cargo_prep cannot take the other-OS
    tables out itself (it refuses headers with escapes, such as
    ``[target."cfg(target_arch = \\"wasm32\\")".dev-dependencies.X]``)."""
    kept, dropping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            key = _header_key(line)
            dropping = len(key) >= 2 and key[0] == "target" and not target_applies(key[1])
        if not dropping:
            kept.append(line)
    return "".join(kept)


def prepared_copy(crate: Crate, dest: Path) -> Tuple[Path, bool]:
    """The crate as %cargo_prep leaves it in a build: Debian's additions left
    out, the manifest made Linux-only. Both sides of a comparison read this
    copy, as cargo2rpm reads the installed (prepared) manifest in a build.
    The flag says whether the manifest needed the packager's patch first."""
    target = dest / crate.directory.name
    shutil.copytree(crate.directory, target, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
    try:
        prepare.prepare(target, REGISTRY)
        return target, False
    except BuildsysError:
        shutil.rmtree(target)
    shutil.copytree(crate.directory, target, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
    manifest_path = target / "Cargo.toml"
    manifest_path.write_text(without_foreign_tables(manifest_path.read_text(encoding="utf-8")), encoding="utf-8")
    prepare.prepare(target, REGISTRY)
    return target, True
