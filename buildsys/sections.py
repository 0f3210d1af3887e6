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
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Tuple

from buildsys import project as project_mod
from buildsys import specparts as specparts_mod
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.record import Options


def _join(parts: Dict[str, str]) -> str:
    return "".join(parts[name] if parts[name].endswith("\n") else parts[name] + "\n" for name in sorted(parts))


def digest(text: str) -> str:
    """The sections' fingerprint for %build's check. The %license and %doc
    marks are left out: a file that the packager's own %prep commands put
    into the crate (%cargo_prep_pre, docs/buildoptions.md) is in the crate
    after %prep and not in the archive read at parse time. It is installed
    either way (the package owns the crate's directory); only its mark
    would differ, and nothing that decides dependencies does."""
    kept = "".join(line for line in text.splitlines(keepends=True) if not line.startswith(("%license ", "%doc ")))
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Spec:
    """What the sections depend on besides the crate: the spec's Name and
    %{crate} (is there an application package?), the feature selection of
    its %build (which binaries, linking what), and its patches, which
    %prep applies to the crate (buildsys.patches)."""

    name: str = ""
    crate: str = ""
    selection: Selection = Selection()
    patches: Tuple[Path, ...] = ()


def _text(project: project_mod.Project, registry: str, spec: Spec, parse_time: bool = False) -> str:
    return _join(specparts_mod.for_project(project, registry, spec.name, spec.crate, spec.selection, parse_time))


def from_archive(archive: Path, registry: str, options: Options = Options(), spec: Spec = Spec()) -> str:
    """The sections of the crate in ``archive``, prepared with the conf
    ``options`` (the packager's fixes, a workspace) as %cargo_prep will."""
    with project_mod.from_archive(archive, registry, options, spec.patches) as project:
        return _text(project, registry, spec, parse_time=True)


def from_prepared(srcdir: Path, registry: str, spec: Spec = Spec()) -> str:
    return _text(project_mod.from_record(srcdir), registry, spec)


def check(srcdir: Path, archive: Path, registry: str, expected: str, spec: Spec = Spec()) -> None:
    """Fail unless the sections the spec was parsed with (``expected``, their
    digest) are the ones the prepared crate gives."""
    if not expected:
        raise BuildsysError(
            "no subpackage sections were expanded when the spec was parsed "
            "(was buildsys installed and the crate archive in SOURCES?); nothing would package the crate"
        )
    project = project_mod.from_record(srcdir)
    actual = _text(project, registry, spec)
    if digest(actual) == expected:
        return
    parsed = from_archive(archive, registry, dataclasses.replace(project.options, vendor=None), spec)
    diff = difflib.unified_diff(
        parsed.splitlines(keepends=True), actual.splitlines(keepends=True),
        f"{archive.name} (parsed into the spec)", "the crate after %prep",
    )
    sys.stderr.writelines(diff)
    raise BuildsysError(
        "the subpackages expanded from the crate archive differ from the crate as %prep left it "
        "(see the diff above): a patch changes the manifest's features or dependencies, which the "
        "static mode cannot follow (use RPM 4.19+, specparts, or change the manifest without a patch), "
        "or the linked crates were not installed when the spec was parsed",
        str(srcdir / "Cargo.toml"),
    )
