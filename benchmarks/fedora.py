"""Today's mechanism, as Fedora runs it: rust-packaging's ``cargo.attr``
fileattr makes RPM run cargo2rpm once per (sub)package and per direction,
with the package's matching ``Cargo.toml`` paths on standard input and the
package name as the "feature" (``--subpackage`` turns
``rust-NAME+FEATURE-devel`` into FEATURE). Each run calls ``cargo metadata``.

The fileattr below is the one rust-packaging ships (read in its v24
sources: ``cargo2rpm provides --subpackage --feature=%{name}``, no
``--path``, paths on stdin).
"""

from __future__ import annotations

from benchmarks.runner import Run, run, tool

CARGO_ATTR = """\
%__cargo_provides  %{_bindir}/cargo2rpm provides --subpackage --feature=%{name}
%__cargo_requires  %{_bindir}/cargo2rpm requires --subpackage --feature=%{name}
%__cargo_path      ^%{cargo_registry}/[^/]+/Cargo\\\\.toml$
"""

DIRECTIONS = ("provides", "requires")


def generator_run(direction: str, cargo_toml: str, subpackage: str) -> Run:
    """One run of the dependency generator for one subpackage, as rpmbuild
    makes it (the venv's cargo2rpm, this machine's cargo)."""
    return run([tool("cargo2rpm"), direction, "--subpackage", f"--feature={subpackage}"], stdin=cargo_toml + "\n")
