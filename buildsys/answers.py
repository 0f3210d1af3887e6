"""Answers computed once: the Provides and Requires of every subpackage of
the crates ``%cargo_install`` puts into the registry, recorded by
``%cargo_prep`` under the project's ``.buildsys/answers/``.

rpmbuild runs a crate's dependency generator (``cargo.attr``) once per
subpackage and direction: 800 processes for winapi's 400 features, each
asking about the same ``Cargo.toml``. Such a call compares the file it is
given with the copy each recorded crate keeps of the manifest its answers
were computed from, byte for byte; only an identical file is answered from
the record, anything else is read as usual. So an answer is never stale: it
was computed from exactly these bytes, by the buildsys that ran
``%cargo_prep`` in this same tree, and Provides and Requires depend on the
manifest's content alone (tests/unit/test_answers.py holds both ways to the
same output on real crates).

The layout: one file per crate, named after it: the manifest's bytes, then
one entry per answer, each after a NUL byte (which neither a valid
Cargo.toml nor a dependency holds): its name (``provides`` and ``requires``
of the -devel package, ``provides+FEATURE`` and ``requires+FEATURE``), a
newline, its lines. One file, because creating files is what costs on a
build machine's disk (800 of them took 0.3 s here). A lookup is a directory
listing and a read: this is the generator's fast path, which imports
nothing beyond ``os`` (tests/test_imports.py).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import List, Optional, Sequence, Tuple

    from buildsys.model import Manifest

# Inside the record's directory (buildsys.record.STATE) of the project root.
RECORD = os.path.join(".buildsys", "answers")
DIRECTIONS = ("provides", "requires")


def _name(direction: str, feature: Optional[str]) -> str:
    return direction if feature is None else f"{direction}+{feature}"


def computed(m: Manifest, direction: str, feature: Optional[str]) -> List[str]:
    """The answer read from the crate itself: what the record holds, and
    what a call the record cannot answer prints."""
    from buildsys import plan

    return [plan.provides(m, feature)] if direction == "provides" else list(plan.requires(m, feature))


def write(root: Path, installed: Sequence[Tuple[Path, Path]]) -> None:
    """Record the answers for each (manifest file as it will be installed,
    its member's directory), replacing any recorded before."""
    import shutil

    from buildsys import manifest
    from buildsys.plan import feature_names
    from buildsys.tomlread import read_toml

    top = root / RECORD
    shutil.rmtree(top, ignore_errors=True)
    top.mkdir(parents=True)
    for file, member_dir in installed:
        raw = file.read_bytes()
        _, data = read_toml(file)
        m = manifest.from_data(data, file, member_dir)
        entries = [raw]
        for feature in (None, *feature_names(m)):
            entries += ["\n".join([_name(d, feature), *computed(m, d, feature)]).encode() for d in DIRECTIONS]
        (top / m.name).write_bytes(b"\0".join(entries))


def lookup(tree: str, cargo_toml: str, direction: str, feature: Optional[str]) -> Optional[List[str]]:
    """The recorded ``direction`` ("provides" or "requires") of ``feature``
    (None: the -devel package) of the crate whose manifest is the file
    ``cargo_toml``, or None where the record cannot tell (no record, other
    bytes, a feature it does not know: the caller computes, and reports)."""
    if direction not in DIRECTIONS or (feature is not None and any(c in feature for c in "\0\n")):
        return None
    top = os.path.join(tree, RECORD)
    try:
        with open(cargo_toml, "rb") as fh:
            given = fh.read()
        crates = sorted(os.listdir(top))
    except OSError:
        return None
    for crate in crates:
        try:
            with open(os.path.join(top, crate), "rb") as fh:
                recorded = fh.read()
        except OSError:
            return None
        if recorded[: len(given)] != given or recorded[len(given) : len(given) + 1] != b"\0":
            continue
        key = b"\0" + _name(direction, feature).encode() + b"\n"
        start = recorded.find(key, len(given))
        if start < 0:
            return None
        end = recorded.find(b"\0", start + len(key))
        body = recorded[start + len(key) : end if end >= 0 else len(recorded)]
        return body.decode("utf-8").split("\n") if body else []
    return None
