"""The fixture crates and their specs, as (name, version, source dir, spec),
and the minimal spec written for other crates."""

from pathlib import Path

from rpmroot import REPO

FIXTURES = Path(__file__).parent / "fixtures"
SPECS = FIXTURES / "specs"

# name, version, source dir, spec
LEAF = ("leaf", "1.2.0", FIXTURES / "leaf", SPECS / "rust-leaf.spec")
MID = ("mid", "0.4.0", FIXTURES / "mid", SPECS / "rust-mid.spec")
APP = ("app", "2.0.0", FIXTURES / "app", SPECS / "app.spec")
EXAMPLE = ("hello-features", "0.3.1-beta.2", REPO / "examples" / "hello-features", REPO / "examples" / "rust-hello-features.spec")


def minimal_spec(name: str, version: str, license_: str, has_binaries: bool, extra: str) -> str:
    """The spec a packager writes for crate NAME at VERSION (SemVer): Name,
    Version, Source and BuildSystem: cargo, plus ``extra`` lines."""
    lines = [
        f"Name:           rust-{name}",
        f"Version:        {version.replace('-', '~')}",
        "Release:        1%{?dist}",
        f"Summary:        Debian's {name} crate",
        f"License:        {license_}",
        f"URL:            https://crates.io/crates/{name}",
        "Source:         %{crates_source}",
    ]
    if not has_binaries:
        lines.append("BuildArch:      noarch")
    lines.append("BuildSystem:    cargo")
    if extra:
        lines.append(extra.rstrip("\n"))
    lines += ["", "%description", "%{summary}.", ""]
    if has_binaries:
        # an application spec lists the main package's own files
        lines += ["%files", "%{_bindir}/*", ""]
    return "\n".join(lines)
