"""``%cargo_install`` for libraries: the crate's sources into the RPM crate
registry, where cargo finds them as a directory source."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Optional

from buildsys.manifest import Manifest
from buildsys.prepare import pristine_manifest, source_files

# cargo insists on a checksum file in a directory source; an empty one means
# "nothing to verify", which is right for files owned by an RPM package.
CHECKSUM = '{"files":{},"package":""}'


def crate_dir(registry: str, manifest: Manifest) -> str:
    """Where cargo looks for NAME at VERSION: ``REGISTRY/NAME-VERSION``
    (SemVer without build metadata, as %{version_no_tilde} gives it)."""
    return f"{registry.rstrip('/')}/{manifest.name}-{dataclasses.replace(manifest.version, build='')}"


def install_sources(srcdir: Path, destdir: Path, registry: str, manifest: Manifest,
                    normalized: Optional[str] = None) -> None:
    """Copy the crate's files, its manifest as %cargo_prep left it (Linux
    only, so that crates built against it resolve offline). ``normalized``:
    the manifest of a workspace member as ``cargo package`` would write it,
    installed as Cargo.toml, with the member's own as Cargo.toml.orig."""
    target = Path(str(destdir) + crate_dir(registry, manifest))
    if target.exists():
        shutil.rmtree(target)  # a repeated %install must not mix two trees
    for rel in source_files(srcdir):
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(srcdir / rel, dest, follow_symlinks=False)
    if normalized is not None:
        shutil.copyfile(pristine_manifest(srcdir), target / "Cargo.toml.orig")
        (target / "Cargo.toml").write_text(normalized, encoding="utf-8")
    (target / ".cargo-checksum.json").write_text(CHECKSUM, encoding="utf-8")
