"""The ``-devel`` and ``+FEATURE-devel`` subpackages as RPM specparts text.

Everything comes from the :class:`~buildsys.plan.Plan`; crate text goes
through :mod:`buildsys.spectext`. Each package carries its own
``BuildArch: noarch`` (RPM 4.19 builds a generated subpackage for the
machine's arch otherwise) and a ``%files`` list (RPM silently skips a
package without one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from buildsys import prepare as prepare_mod
from buildsys import summary as summary_mod
from buildsys import workspace as workspace_mod
from buildsys.errors import BuildsysError
from buildsys.manifest import Manifest
from buildsys.plan import Plan, Subpackage
from buildsys.prepare import DOC_FILE, LICENSE_FILE
from buildsys.registry import crate_dir
from buildsys.spectext import PLAIN_FILE_NAME, escape, one_line, paragraph_lines, spdx, summary_words



def _plain(rel: str) -> bool:
    return all(PLAIN_FILE_NAME.fullmatch(part) for part in rel.split("/"))


def license_and_doc_files(plan: Plan, files: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Top-level license and doc files, plus ``license-file`` wherever it is.
    Names that would need quoting in %files are left to the directory entry,
    which owns them anyway."""
    return top_level_license_and_docs(files, plan.manifest.license_file)


def top_level_license_and_docs(files: Sequence[str], declared: Optional[str] = None) -> Tuple[List[str], List[str]]:
    licenses = {f for f in files if "/" not in f and LICENSE_FILE.match(f)}
    if declared and os.path.normpath(declared) in set(files):
        licenses.add(os.path.normpath(declared))
    docs = {f for f in files if "/" not in f and DOC_FILE.match(f)} - licenses
    return sorted(f for f in licenses if _plain(f)), sorted(f for f in docs if _plain(f))


def _header(sub: Subpackage, summary: str, license_: Optional[str]) -> List[str]:
    lines = [f"%package -n {sub.name}", f"Summary:        {summary}"]
    lines += [f"License:        {license_}"] if license_ else []
    lines += ["BuildArch:      noarch"]
    lines += [f"Provides:       {escape(p)}" for p in sub.provides]
    lines += [f"Requires:       {escape(r)}" for r in sub.requires]
    return lines


@dataclass(frozen=True)
class Heading:
    """What the subpackages of one crate say of themselves: the spec's own
    Summary and License for the crate a spec builds, each member's own in a
    workspace (several crates, one spec)."""

    summary: str = "%{summary}"
    license: Optional[str] = None
    stem: str = "cargo"

    @classmethod
    def of_member(cls, m: Manifest) -> "Heading":
        return cls(one_line(summary_mod.summary(summary_words(m.description), m.name)),
                   spdx(m.license) if m.license else None, f"cargo-{m.name}")


def devel_part(plan: Plan, sub: Subpackage, registry: str, files: Sequence[str], heading: Heading = Heading()) -> str:
    crate = plan.manifest.name
    where = crate_dir(registry, plan.manifest)
    licenses, docs = license_and_doc_files(plan, files)
    lines = _header(sub, heading.summary, heading.license)
    lines += ["", f"%description -n {sub.name}"]
    described = paragraph_lines(plan.manifest.description, crate)
    if described:
        lines += described + [""]
    lines += [
        "This package contains library source intended for building other",
        f'packages which use the "{crate}" crate.',
        "",
        f"%files -n {sub.name}",
    ]
    lines += [f"%license {where}/{f}" for f in licenses]
    lines += [f"%doc {where}/{f}" for f in docs]
    lines += [f"{where}/", ""]
    return "\n".join(lines)


def feature_part(plan: Plan, sub: Subpackage, registry: str, heading: Heading = Heading()) -> str:
    assert sub.feature is not None
    crate = plan.manifest.name
    lines = _header(sub, heading.summary, heading.license)
    lines += [
        "",
        f"%description -n {sub.name}",
        "This package contains library source intended for building other",
        f'packages which use the "{sub.feature}" feature of the "{crate}" crate.',
        "",
        f"%files -n {sub.name}",
        f"%ghost {crate_dir(registry, plan.manifest)}/Cargo.toml",
        "",
    ]
    return "\n".join(lines)


def render(plan: Plan, registry: str, files: Sequence[str], heading: Heading = Heading()) -> Dict[str, str]:
    """File name -> contents. Never the ``rpm-`` prefix: RPM writes its own
    debuginfo part into the same directory."""
    parts: Dict[str, str] = {}
    features: List[str] = []
    for sub in plan.subpackages:
        if sub.feature is None:
            parts[f"10-{heading.stem}-devel.specpart"] = devel_part(plan, sub, registry, files, heading)
        else:
            features.append(feature_part(plan, sub, registry, heading))
    if features:
        parts[f"20-{heading.stem}-features.specpart"] = "\n".join(features)
    return parts


def for_crate(srcdir: Path, registry: str) -> Dict[str, str]:
    """The specparts of a crate directory that %cargo_prep has prepared:
    of each packaged member, if it was prepared as a workspace."""
    if workspace_mod.is_root(srcdir):
        parts: Dict[str, str] = {}
        for member in workspace_mod.members(srcdir):
            if member.packaged:
                member_dir = srcdir / member.path
                parts.update(render(plan_mod.plan(member.manifest), registry, prepare_mod.source_files(member_dir),
                                    Heading.of_member(member.manifest)))
        return parts
    return render(plan_mod.plan(manifest_mod.load(str(srcdir))), registry, prepare_mod.source_files(srcdir))


def specparts_dir(explicit: Optional[str]) -> Path:
    where = explicit or os.environ.get("RPM_SPECPARTS_DIR")
    if not where:
        raise BuildsysError(
            "RPM_SPECPARTS_DIR is not set: this rpm cannot add subpackages during the build "
            "(specparts need RPM 4.19+); use the static compat mode (compat/epel9) instead"
        )
    path = Path(where)
    if not path.is_dir():
        raise BuildsysError(
            f"the specparts directory {where} does not exist (on RPM 4.19 only %setup/%autosetup "
            "creates it); use %autosetup in %prep, or the static compat mode (compat/epel9)"
        )
    return path


def write(directory: Path, parts: Dict[str, str]) -> List[Path]:
    written = []
    for name in sorted(parts):
        path = directory / name
        path.write_text(parts[name], encoding="utf-8")
        written.append(path)
    return written
