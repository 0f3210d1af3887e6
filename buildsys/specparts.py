"""The ``-devel`` and ``+FEATURE-devel`` subpackages as RPM specparts text.

Everything comes from the plan (buildsys.plan.packages); crate text goes
through :mod:`buildsys.spectext`. Each package carries its own
``BuildArch: noarch`` (RPM 4.19 builds a generated subpackage for the
machine's arch otherwise) and a ``%files`` list (RPM silently skips a
package without one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from buildsys import record
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.files import licenses_and_docs
from buildsys.model import Manifest
from buildsys.plan import Application, MemberPlan, Plan, Subpackage, application, packages
from buildsys.project import Project
from buildsys.naming import crate_dir
from buildsys.spectext import escape, one_line, paragraph_lines, spdx
from buildsys.summary import program_sentence, program_summary, summary


def _header(sub: Subpackage, summary_: str, license_: Optional[str]) -> List[str]:
    lines = [f"%package -n {sub.name}", f"Summary:        {summary_}"]
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
    def of(cls, member_plan: MemberPlan) -> "Heading":
        if member_plan.own:
            return cls()
        m = member_plan.member.manifest
        return cls(one_line(summary(m.description, m.name)), spdx(m.license) if m.license else None, f"cargo-{m.name}")


def devel_part(plan: Plan, sub: Subpackage, registry: str, files: Sequence[str], heading: Heading = Heading()) -> str:
    crate = plan.manifest.name
    where = crate_dir(registry, plan.manifest)
    licenses, docs = licenses_and_docs(files, plan.manifest.license_file)
    lines = _header(sub, heading.summary, heading.license)
    lines += ["", f"%description -n {sub.name}"]
    described = description_lines(plan.manifest)
    if described:
        lines += described + [""]
    lines += _intended_for(f'the "{crate}" crate') + [
        "",
        f"%files -n {sub.name}",
    ]
    lines += [f"%license {where}/{f}" for f in licenses]
    lines += [f"%doc {where}/{f}" for f in docs]
    lines += [f"{where}/", ""]
    return "\n".join(lines)


def _intended_for(what: str) -> List[str]:
    """rust2rpm's sentence, wrapped at 79 columns as rpmlint wants
    (description-line-too-long: a feature's name can be long)."""
    import textwrap

    return ["This package contains library source intended for building other"] + textwrap.wrap(
        f"packages which use {what}.", width=79, break_long_words=False, break_on_hyphens=False)


def description_lines(m: Manifest) -> List[str]:
    """The crate's description as %description lines; an error naming the
    manifest where it cannot be one."""
    try:
        return paragraph_lines(m.description, m.name)
    except BuildsysError as exc:
        raise BuildsysError(f"package.{exc.message[len('the '):]}", m.path) from None


def feature_part(plan: Plan, sub: Subpackage, registry: str, heading: Heading = Heading()) -> str:
    assert sub.feature is not None
    crate = plan.manifest.name
    lines = _header(sub, heading.summary, heading.license)
    lines += [
        "",
        f"%description -n {sub.name}",
        *_intended_for(f'the "{sub.feature}" feature of the "{crate}" crate'),
        "",
        f"%files -n {sub.name}",
        f"%ghost {crate_dir(registry, plan.manifest)}/Cargo.toml",
        "",
    ]
    return "\n".join(lines)


def application_part(app: Application, license_: str, files: Sequence[str]) -> str:
    """The programs' package, ``%{crate}``: arch-specific (no BuildArch), its
    License that of everything the binaries link (``license_``,
    buildsys.licenses.linked), the crate's license and doc files beside
    LICENSE.dependencies, which %build writes. A crate that is only a
    program is described by the spec's own Summary."""
    m = app.member.manifest
    where = "" if app.member.path == "." else app.member.path.rstrip("/") + "/"
    licenses, docs = licenses_and_docs(files, m.license_file)
    lines = [f"%package -n {app.name}",
             f"Summary:        {program_summary(app.name, app.binaries) if m.is_lib else '%{summary}'}",
             # the packager's own, where the computed one needs a hand
             f"License:        %{{?cargo_application_license}}%{{!?cargo_application_license:{escape(license_)}}}",
             "", f"%description -n {app.name}"]
    described = description_lines(m)
    if m.is_lib:
        lines += (described + [""] if described else []) + paragraph_lines(program_sentence(app.name, app.binaries))
    else:
        lines += described or ["%{summary}."]
    lines += ["", f"%files -n {app.name}", "%license " + " ".join([where + f for f in licenses] + ["LICENSE.dependencies"])]
    lines += ["%doc " + " ".join(where + f for f in docs)] if docs else []
    lines += [f"%{{_bindir}}/{b}" for b in app.binaries] + [""]
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


def for_project(project: Project, registry: str, spec_name: str = "", crate: str = "",
                selection: Selection = Selection(), parse_time: bool = False) -> Dict[str, str]:
    """The specparts of every packaged member of a prepared project and,
    for a spec named rust-CRATE whose selection builds binaries, of the
    application package (buildsys.plan.application), with the License of
    what it links (cargo tree in the project). ``parse_time``: the static
    sections of RPM 4.16, parsed also where the dependencies are not
    installed yet (the SRPM step, ``-br`` rounds), where that License is
    a FIXME; %build's check then fails unless it comes out the same."""
    parts: Dict[str, str] = {}
    app = application(project, spec_name, crate, selection)
    if app is not None:
        from buildsys import licenses  # cargo tree, for applications only

        try:
            license_ = licenses.linked(selection, str(project.root))
        except BuildsysError:
            if not parse_time:
                raise
            license_ = f"{licenses.FIXME}-dependencies-not-installed"
        files = record.source_files(project.root / app.member.path)
        parts["30-cargo-application.specpart"] = application_part(app, license_, files)
    for member_plan in packages(project, spec_name):
        files = record.source_files(project.root / member_plan.member.path)
        parts.update(render(member_plan.plan, registry, files, Heading.of(member_plan)))
    return parts


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
