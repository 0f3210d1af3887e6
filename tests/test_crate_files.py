"""buildsys.files: the files of a crate that go into its -devel package are
the ones ``cargo package --list`` gives for the unpacked crate. cargo is
the judge, run here where it is installed: each case is published with
``cargo package`` (so the archive holds what cargo put there, its
.cargo_vcs_info.json and Cargo.toml.orig included), unpacked, listed by
cargo again and prepared by buildsys. Cargo.lock and Cargo.toml.orig, which
cargo lists but writes itself, go to no registry (nor in Fedora's)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Dict, List

import pytest

from buildsys import prepare
from buildsys.record import source_files
from helpers import REGISTRY, tree

CARGO = shutil.which("cargo")
GIT = shutil.which("git")
PACKAGE = '[package]\nname = "junk"\nversion = "0.1.0"\nedition = "2021"\nlicense = "MIT"\ndescription = "x"\n'
JUNK = {".gitignore": "target\n", ".travis.yml": "language: rust\n", ".github/workflows/ci.yml": "on: push\n",
        "src/.hidden.rs": "", "src/lib.rs": "", "README.md": "junk\n", "LICENSE": "MIT\n", "benches/b.rs": ""}

CASES: Dict[str, Dict[str, str]] = {
    "hidden files are not crate content": {"Cargo.toml": PACKAGE, **JUNK},
    "include picks hidden files": {"Cargo.toml": PACKAGE + 'include = ["src/**", ".travis.yml", "Cargo.toml"]\n',
                                   **JUNK},
    "a hidden readme is packaged": {"Cargo.toml": PACKAGE + 'readme = ".README.md"\n', **JUNK,
                                    ".README.md": "hidden\n"},
}


def cargo(crate: Path, *args: str) -> str:
    proc = subprocess.run([CARGO, "package", "--allow-dirty", "--offline", *args], cwd=crate, capture_output=True,
                          text=True, env=dict(os.environ, CARGO_HOME=str(crate.parent / "cargo-home")))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def published(src: Path, dest: Path) -> Path:
    """The crate as crates.io serves it, unpacked: what %prep gives. Its
    upstream is a git repository, as most are: cargo then packages the
    tracked hidden files too, and says which commit in .cargo_vcs_info.json."""
    git = ["git", "-c", "user.name=upstream", "-c", "user.email=upstream@example.org", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "release"]):
        subprocess.run(git + args, cwd=src, check=True, capture_output=True)
    cargo(src, "--no-verify")
    with tarfile.open(src / "target" / "package" / "junk-0.1.0.crate") as tar:
        tar.extractall(dest)
    return dest / "junk-0.1.0"


@pytest.mark.skipif(CARGO is None or GIT is None, reason="cargo (the judge) and git (upstream's repository) are "
                    "installed on the machines that run the tests")
@pytest.mark.parametrize("files", CASES.values(), ids=list(CASES))
def test_the_recorded_sources_are_what_cargo_package_lists(tmp_path, files):
    crate = published(tree(tmp_path / "upstream", files), tmp_path / "unpacked")
    # what the issue saw: the archive carries the upstream's hidden files
    assert (crate / ".cargo_vcs_info.json").exists() and (crate / ".travis.yml").exists()
    # cargo refuses to list a tree holding its own Cargo.toml.orig: the judge
    # reads a copy without it
    judged = shutil.copytree(crate, tmp_path / "judged" / crate.name)
    (judged / "Cargo.toml.orig").unlink()
    expected = sorted(f for f in cargo(judged, "--list").split() if f not in ("Cargo.lock", "Cargo.toml.orig"))
    prepare.prepare(crate, REGISTRY)
    assert source_files(crate) == expected
