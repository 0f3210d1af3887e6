"""The ``.buildsys/`` record: what ``%cargo_prep`` leaves for every later
step, and the one module that knows its layout.

At the project's root, ``project.json``: the members (directory, name, and
where the manifest the packages are made of is) and the options
``%cargo_prep`` was given. In each member's directory: the manifest as
%prep left it (``Cargo.toml``), the list of the member's files
(``files.json``) and, for a workspace member, the manifest ``cargo
package`` would write (``Cargo.normalized.toml``).
"""

from __future__ import annotations

import json
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from buildsys.errors import BuildsysError

STATE = ".buildsys"
_PROJECT = "project.json"
_FILES = "files.json"
_PRISTINE = "Cargo.toml"
NORMALIZED = "Cargo.normalized.toml"
FORMAT = 1


@dataclass(frozen=True)
class Options:
    """The conf options %cargo_prep records (docs/buildoptions.md).
    ``vendor``: the vendor tarball's name, for a vendored application. The
    packager's fixes (buildsys.fixes) as given: ``requires`` of -devel,
    ``feature_requires`` (FEATURE:CAPABILITY), ``buildrequires``, and the
    ``hidden`` features."""

    workspace: bool = False
    vendor: Optional[str] = None
    requires: Tuple[str, ...] = ()
    feature_requires: Tuple[str, ...] = ()
    buildrequires: Tuple[str, ...] = ()
    hidden: Tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberEntry:
    """A member as project.json records it."""

    path: str  # relative to the root, "." for the root package
    name: str
    normalized: bool  # its packages come from Cargo.normalized.toml


@dataclass(frozen=True)
class ProjectRecord:
    """project.json: the members and the conf options."""

    members: Tuple[MemberEntry, ...]
    options: Options


def state(directory: Path) -> Path:
    return directory / STATE


def pristine_manifest(member_dir: Path) -> Path:
    """The member's Cargo.toml as %prep left it (patches applied)."""
    return member_dir / STATE / _PRISTINE


def normalized_manifest(member_dir: Path) -> Path:
    return member_dir / STATE / NORMALIZED


def manifest_of(root: Path, entry: MemberEntry) -> Path:
    """The manifest a member's packages are made of."""
    member_dir = root / entry.path
    return normalized_manifest(member_dir) if entry.normalized else member_dir / "Cargo.toml"


def is_prepared(root: Path) -> bool:
    return (root / STATE / _PROJECT).is_file()


def save_pristine(member_dir: Path, files: List[str]) -> None:
    """The first time only: keep the manifest and the file list."""
    import shutil  # only %cargo_prep writes the record

    state(member_dir).mkdir(exist_ok=True)
    shutil.copyfile(member_dir / "Cargo.toml", pristine_manifest(member_dir))
    (member_dir / STATE / _FILES).write_text(json.dumps(files, indent=0), encoding="ascii")


def source_files(member_dir: Path) -> List[str]:
    """The member's files as %prep left it. The record is JSON: a crate's
    file names may hold newlines or bytes that are not UTF-8 (kept as
    surrogate escapes, as os.walk gives them)."""
    listing = member_dir / STATE / _FILES
    if not listing.exists():
        raise BuildsysError("no record of the crate's files: %cargo_prep has not run here", str(member_dir))
    files = json.loads(listing.read_text(encoding="ascii"))
    for rel in files:
        parts = rel.split("/")
        if rel.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise BuildsysError(f"the record of the crate's files names {rel!r}, outside the crate", str(listing))
    return files


def write_normalized(member_dir: Path, text: str) -> None:
    normalized_manifest(member_dir).write_text(text, encoding="utf-8")


def write_project(root: Path, record: ProjectRecord) -> None:
    data: Dict[str, Any] = {
        "format": FORMAT,
        "members": [{"path": m.path, "name": m.name, "normalized": m.normalized} for m in record.members],
        "options": dataclasses.asdict(record.options),
    }
    state(root).mkdir(exist_ok=True)
    (root / STATE / _PROJECT).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_project(root: Path) -> ProjectRecord:
    where = root / STATE / _PROJECT
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except OSError:
        raise BuildsysError("no record of the project: %cargo_prep has not run here", str(root)) from None
    except ValueError as exc:
        raise BuildsysError(f"the record is damaged: {exc}", str(where)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BuildsysError("the record was written by another buildsys: run %cargo_prep again", str(where))
    members = tuple(MemberEntry(m["path"], m["name"], bool(m["normalized"])) for m in data["members"])
    recorded = data["options"]
    options = Options(bool(recorded["workspace"]), recorded["vendor"],
                      *(tuple(recorded.get(f.name, ())) for f in dataclasses.fields(Options)[2:]))
    return ProjectRecord(members, options)
