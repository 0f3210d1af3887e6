"""``%cargo_install`` for libraries: the sources of every packaged member
into the RPM crate registry, where cargo finds them as a directory source."""

from __future__ import annotations

import shutil
from pathlib import Path

from buildsys import record
from buildsys.naming import crate_dir
from buildsys.project import Member, Project

# cargo insists on a checksum file in a directory source; an empty one means
# "nothing to verify", which is right for files owned by an RPM package.
CHECKSUM = '{"files":{},"package":""}'


def install(project: Project, destdir: Path, registry: str) -> None:
    """Nothing for a vendored application: its crates are bundled."""
    if project.options.vendor is None:
        for member in project.packaged:
            _install_member(project.root, member, destdir, registry)


def _install_member(root: Path, member: Member, destdir: Path, registry: str) -> None:
    """Copy the member's files, its manifest as %cargo_prep left it (Linux
    only, so that crates built against it resolve offline). A workspace
    member's manifest is the one ``cargo package`` would write, with its
    own beside it as Cargo.toml.orig."""
    srcdir = root / member.path
    target = Path(str(destdir) + crate_dir(registry, member.manifest))
    if target.exists():
        shutil.rmtree(target)  # a repeated %install must not mix two trees
    for rel in record.source_files(srcdir):
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(srcdir / rel, dest, follow_symlinks=False)
    if member.normalized:
        shutil.copyfile(record.pristine_manifest(srcdir), target / "Cargo.toml.orig")
        shutil.copyfile(record.normalized_manifest(srcdir), target / "Cargo.toml")
    (target / ".cargo-checksum.json").write_text(CHECKSUM, encoding="utf-8")
