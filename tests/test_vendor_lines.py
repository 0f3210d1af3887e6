"""parse-vendor-manifest against cargo2rpm 0.4.0 itself, on a manifest of
every crate version in Debian's registry (pre-releases and build metadata
among them) and the same crates as git dependencies: byte for byte the same
bundled(crate(...)) Provides. A line cargo2rpm cannot parse fails both."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

import debian_corpus
from helpers import REPO

pytestmark = pytest.mark.corpus


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    module = "buildsys" if tool == "buildsys" else "cargo2rpm"
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=REPO)


def manifest_lines(registry: Path):
    for directory in debian_corpus.crate_dirs(registry):
        package = tomllib.loads((directory / "Cargo.toml").read_text()).get("package", {})
        if isinstance(package.get("name"), str) and isinstance(package.get("version"), str):
            yield f"{package['name']} v{package['version']}"
    yield "weird-pre v1.0.0-alpha.1.x-y"
    yield "with-build v2.1.0+build.5"


def test_the_bundled_provides_are_cargo2rpms(tmp_path, corpus_registry, figures):
    lines = list(manifest_lines(corpus_registry))
    git = [f"{line} (https://github.com/example/{i}#{i:07x}abc)" for i, line in enumerate(lines[:200])]
    path = tmp_path / "cargo-vendor.txt"
    path.write_text("\n".join(lines + git) + "\n")
    ours, theirs = run("buildsys", "-p", str(path), "parse-vendor-manifest"), run("cargo2rpm", "-p", str(path),
                                                                                    "parse-vendor-manifest")
    assert theirs.returncode == 0, theirs.stderr[-2000:]
    assert ours.returncode == 0, ours.stderr[-2000:]
    assert ours.stdout == theirs.stdout
    assert ours.stdout.count("bundled(crate(") == len(lines) + len(git) > 3000
    figures["parse-vendor-manifest lines identical to cargo2rpm"] += len(lines) + len(git)


@pytest.mark.parametrize("line", ["serde 1.0.0", "serde v1.0", "Serde v1.0.0 (path/only)", "%(x) v1.0.0"])
def test_a_line_cargo2rpm_cannot_parse_fails_both(tmp_path, line):
    path = tmp_path / "cargo-vendor.txt"
    path.write_text(f"log v0.4.26\n{line}\n")
    ours, theirs = run("buildsys", "-p", str(path), "parse-vendor-manifest"), run("cargo2rpm", "-p", str(path),
                                                                                    "parse-vendor-manifest")
    assert theirs.returncode != 0 and ours.returncode != 0
    assert ours.stderr.strip() == f"buildsys: error: {path}: line 2: not a vendor manifest line (NAME vVERSION): {line!r}"
