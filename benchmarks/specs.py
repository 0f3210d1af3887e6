"""The two specs of the whole-build comparison, for one crate.

- ``minimal``: what a packager writes with buildsys (``BuildSystem: cargo``);
  the subpackages come from ``%cargo_specparts`` during the build.
- ``static``: what rust2rpm writes today: every feature subpackage listed
  with ``%package``/``%description``/``%files`` (``%ghost`` Cargo.toml), no
  Provides or Requires; cargo2rpm fills those in as the dependency
  generator. Its build sections are the same ``%cargo_*`` calls the
  BuildSystem generates, so the two builds differ in how the subpackages
  and their dependencies come about, and in nothing else.
"""

from __future__ import annotations

from typing import List, Sequence

from buildsys.plan import Plan


def _head(plan: Plan, license_: str, summary: str) -> List[str]:
    m = plan.manifest
    lines = [
        f"Name:           rust-{m.name}",
        f"Version:        {plan.rpm_version}",
        "Release:        1%{?dist}",
        f"Summary:        {summary}",
        f"License:        {license_}",
        f"URL:            https://crates.io/crates/{m.name}",
        "Source:         %{crates_source}",
        "BuildArch:      noarch",
    ]
    return lines


def minimal(plan: Plan, license_: str, summary: str) -> str:
    lines = _head(plan, license_, summary) + ["BuildSystem:    cargo", "", "%description", "%{summary}.", ""]
    return "\n".join(lines)


def _package(name: str, text: str, files: Sequence[str]) -> List[str]:
    return [
        f"%package     -n {name}",
        "Summary:        %{summary}",
        "BuildArch:      noarch",
        "",
        f"%description -n {name} %{{_description}}",
        "",
        text,
        "",
        f"%files       -n {name}",
        *files,
        "",
    ]


def static(plan: Plan, license_: str, summary: str, licenses: Sequence[str], docs: Sequence[str]) -> str:
    m = plan.manifest
    lines = _head(plan, license_, summary)
    lines += ["", "%global _description %{expand:", f"{summary}.}}", "", "%description %{_description}", ""]
    for sub in plan.subpackages:
        if sub.feature is None:
            files = [f"%license %{{crate_instdir}}/{f}" for f in licenses]
            files += [f"%doc %{{crate_instdir}}/{f}" for f in docs]
            files.append("%{crate_instdir}/")
            text = ("This package contains library source intended for building other\n"
                    f'packages which use the "{m.name}" crate.')
        else:
            files = ["%ghost %{crate_instdir}/Cargo.toml"]
            text = ("This package contains library source intended for building other\n"
                    f'packages which use the "{sub.feature}" feature of the "{m.name}" crate.')
        lines += _package(sub.name, text, files)
    lines += [
        "%prep",
        "%autosetup -n %{crate}-%{version_no_tilde} -p1",
        "%cargo_prep",
        "",
        "%generate_buildrequires",
        "%cargo_generate_buildrequires -t",
        "",
        "%build",
        "%cargo_build",
        "%cargo_license_summary",
        "%{cargo_license} > LICENSE.dependencies",
        "",
        "%install",
        "%cargo_install",
        "",
        "%check",
        "%cargo_test",
        "",
    ]
    return "\n".join(lines)
