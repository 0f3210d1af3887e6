"""Static subpackage sections for RPMs without specparts (the compat mode
for RPM 4.16, EPEL 9): the very text of the specparts, expanded into the
spec when it is parsed, read from the crate archive in SOURCES.

Nothing can go stale: the sections are made again from the archive at
every parse, and %build checks them against the crate as %prep left it
(patches applied), failing with a diff if the two differ."""

from __future__ import annotations

import difflib
import hashlib
import sys
from pathlib import Path
from typing import Dict

from buildsys import project as project_mod
from buildsys import specparts as specparts_mod
from buildsys.errors import BuildsysError
from buildsys.record import Options


def _join(parts: Dict[str, str]) -> str:
    return "".join(parts[name] if parts[name].endswith("\n") else parts[name] + "\n" for name in sorted(parts))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def from_archive(archive: Path, registry: str, workspace: bool = False) -> str:
    with project_mod.from_archive(archive, registry, Options(workspace=workspace)) as project:
        return _join(specparts_mod.for_project(project, registry))


def from_prepared(srcdir: Path, registry: str) -> str:
    return _join(specparts_mod.for_project(project_mod.from_record(srcdir), registry))


def check(srcdir: Path, archive: Path, registry: str, expected: str) -> None:
    """Fail unless the sections the spec was parsed with (``expected``, their
    digest) are the ones the prepared crate gives."""
    if not expected:
        raise BuildsysError(
            "no subpackage sections were expanded when the spec was parsed "
            "(was buildsys installed and the crate archive in SOURCES?); nothing would package the crate"
        )
    project = project_mod.from_record(srcdir)
    actual = _join(specparts_mod.for_project(project, registry))
    if digest(actual) == expected:
        return
    parsed = from_archive(archive, registry, project.is_workspace)
    diff = difflib.unified_diff(
        parsed.splitlines(keepends=True), actual.splitlines(keepends=True),
        f"{archive.name} (parsed into the spec)", "the crate after %prep",
    )
    sys.stderr.writelines(diff)
    raise BuildsysError(
        "the subpackages expanded from the crate archive differ from the crate as %prep left it "
        "(see the diff above): a patch changes the manifest's features or dependencies, which the "
        "static mode cannot follow; use RPM 4.19+ (specparts), or change the manifest without a patch",
        str(srcdir / "Cargo.toml"),
    )
