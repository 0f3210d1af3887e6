"""Fedora's ``%cargo_prep`` (macros.cargo of the buildsys-cargo-rpm-macros
package, docs/fedora-api.md): the ``.cargo/config.toml`` cargo-rpm-macros
writes, with the crate's sources replaced by the RPM registry, by an
unpacked vendor directory (``-v DIR``) or by a vendor tarball (``-V N``),
or not replaced at all (``-N``). It checks nothing about which crate this
is: the spec's ``%crate`` and ``%version`` are its own business.

For a build from the registry the tree is also recorded as buildsys's own
``%cargo_prep`` records it (buildsys.prepare), so that ``%cargo_install``
installs the library as it does for ``BuildSystem: cargo`` and the
dependency generator (cargo.attr) answers from what was recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from buildsys.errors import BuildsysError
from buildsys.tomlwrite import basic_string

# cargo-rpm-macros's names for the two replacement sources; a spec may
# edit the file by them
REGISTRY_SOURCE = "local-registry"
VENDOR_SOURCE = "vendored-sources"


@dataclass(frozen=True)
class Toolchain:
    """What the spec's macros say about the tools and flags."""

    rustc: str
    rustdoc: str
    cflags: str
    cxxflags: str
    ldflags: str
    install_root: str
    opt_level: str
    debuginfo: str
    codegen_units: str


def _scalar(value: str) -> str:
    """A profile value: a number as a number (opt-level = 3), else a string
    (opt-level = "s", debug = "line-tables-only")."""
    return value if re.fullmatch(r"[0-9]+", value) else basic_string(value)


def config_text(tools: Toolchain, source: Optional[str], directory: Optional[str]) -> str:
    """The configuration: tools, flags, install root, the ``rpm`` profile
    and, unless ``source`` is None, crates.io replaced by ``directory``."""
    lines = [
        "[build]",
        f"rustc = {basic_string(tools.rustc)}",
        f"rustdoc = {basic_string(tools.rustdoc)}",
        "",
        "[env]",
        f"CFLAGS = {basic_string(tools.cflags)}",
        f"CXXFLAGS = {basic_string(tools.cxxflags)}",
        f"LDFLAGS = {basic_string(tools.ldflags)}",
        "",
        "[install]",
        f"root = {basic_string(tools.install_root)}",
        "",
        "[term]",
        "verbose = true",
        "",
        "[profile.rpm]",
        'inherits = "release"',
        f"opt-level = {_scalar(tools.opt_level)}",
        f"codegen-units = {_scalar(tools.codegen_units)}",
        f"debug = {_scalar(tools.debuginfo)}",
        'strip = "none"',
    ]
    if source is not None:
        lines += [
            "",
            f"[source.{source}]",
            f"directory = {basic_string(directory or '')}",
            "",
            "[source.crates-io]",
            'registry = "https://crates.io"',
            f"replace-with = {basic_string(source)}",
            "",
            "[net]",
            "offline = true",
        ]
    return "\n".join(lines) + "\n"


def prep(root: Path, registry: str, tools: Toolchain, vendor_dir: Optional[str] = None,
         vendor_tarball: Optional[Path] = None, no_source: bool = False) -> List[str]:
    """Set up ``root`` (the current directory of %cargo_prep); returns the
    notices for the build log."""
    if sum(bool(x) for x in (vendor_dir, vendor_tarball, no_source)) > 1:
        raise BuildsysError("%cargo_prep: -v, -V and -N exclude each other")
    notices: List[str] = []
    if vendor_tarball is not None:
        from buildsys import vendor

        vendor_dir = "./" + vendor.unpack(vendor_tarball, root).name
    if vendor_dir is not None and not (root / vendor_dir).is_dir():
        raise BuildsysError(f"%cargo_prep -v {vendor_dir}: no such directory (unpack the vendor tarball first, "
                            "or give -V N for SourceN)", str(root))
    # cargo package writes it; it is no source of the package
    (root / "Cargo.toml.orig").unlink(missing_ok=True)
    vendored = vendor_dir is not None
    if not vendored and not no_source:
        # the lock file pins versions the registry may not have; a vendored
        # or online build keeps it (its vendor directory and --locked need it)
        (root / "Cargo.lock").unlink(missing_ok=True)
        notices += _record(root, registry)
    cargo_dir = root / ".cargo"
    if cargo_dir.is_symlink() or (cargo_dir.exists() and not cargo_dir.is_dir()):
        cargo_dir.unlink()
    cargo_dir.mkdir(exist_ok=True)
    # cargo prefers the legacy name over config.toml: a crate's own would win
    legacy = cargo_dir / "config"
    if legacy.is_file() or legacy.is_symlink():
        legacy.replace(cargo_dir / "config.crate")
        notices.append("the crate's own .cargo/config does not apply (kept as .cargo/config.crate)")
    if no_source:
        text = config_text(tools, None, None)
    elif vendored:
        text = config_text(tools, VENDOR_SOURCE, vendor_dir)
    else:
        text = config_text(tools, REGISTRY_SOURCE, registry)
    (cargo_dir / "config.toml").write_text(text, encoding="utf-8")
    return notices


def _record(root: Path, registry: str) -> List[str]:
    """The tree recorded as buildsys's %cargo_prep records it, for
    %cargo_install's library and the generator's answers. A virtual
    manifest is a workspace. What buildsys cannot read stops nothing here
    (Fedora's macro reads nothing): it says so, and %cargo_install fails
    only if it has a library to install."""
    from buildsys import prepare
    from buildsys.record import Options
    from buildsys.tomlread import read_toml

    try:
        data = read_toml(root / "Cargo.toml")[1]
        workspace = "package" not in data and "workspace" in data
        _, notices = prepare.prepare(root, registry, Options(workspace=workspace))
    except BuildsysError as exc:
        return [f"warning: {exc} (the library cannot be installed into the registry)"]
    return [n for n in notices if "own .cargo/" not in n]
