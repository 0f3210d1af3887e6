"""The licenses of what a build links statically: ``cargo tree`` over the
normal dependencies of a feature selection, for every target, in the two
forms Fedora's packages carry (cargo2rpm 0.4.0's ``license-breakdown``, the
content of LICENSE.dependencies, and ``license-summary``, printed into the
build log): one line per crate or per license expression, the old ``/``
separator written as SPDX's `` OR ``, sorted and without repeats."""

from __future__ import annotations

import os
import subprocess
from typing import List, Optional, Sequence

from buildsys.errors import BuildsysError
from buildsys.features import Selection

SUMMARY_HEAD = "### BEGIN LICENSE SUMMARY ###"
SUMMARY_TAIL = "###  END LICENSE SUMMARY  ###"


def tree(selection: Selection, package: Optional[str], line_format: str) -> List[str]:
    """cargo tree's lines, run as %cargo_* runs cargo (offline, CARGO_HOME
    in the build tree, where %cargo_prep configured it)."""
    command = [os.environ.get("CARGO", "cargo"), "tree", "-Zavoid-dev-deps",
               f"--package={package}" if package else "--workspace", "--offline",
               "--edges=no-build,no-dev,no-proc-macro", "--target=all", "--prefix=none", "--format", line_format]
    if selection.all_features:
        command.append("--all-features")
    if selection.no_default_features:
        command.append("--no-default-features")
    if selection.features:
        command.append("--features=" + ",".join(selection.features))
    env = dict(os.environ, CARGO_HOME=".cargo", RUSTC_BOOTSTRAP="1")
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True)
    except OSError as exc:
        raise BuildsysError(f"cannot run cargo tree: {exc.strerror}") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise BuildsysError(f"cargo tree failed (exit {proc.returncode}): {last}")
    return proc.stdout.strip().splitlines()


def _spdx_or(text: str) -> str:
    return text.replace(" / ", "/").replace("/", " OR ")


def breakdown(lines: Sequence[str], cwd: str) -> List[str]:
    """``LICENSE: NAME vVERSION`` per crate, the crate being built without
    its path; cargo tree's ``(*)`` repeats left out."""
    return sorted({_spdx_or(line.replace(f" ({cwd})", "")) for line in lines if not line.endswith(" (*)")})


def summary(lines: Sequence[str]) -> List[str]:
    """The head line, ``# LICENSE`` per distinct expression, the tail line."""
    body = sorted({_spdx_or(line) for line in lines if not line.endswith(" (*)")})
    return [SUMMARY_HEAD, *body, SUMMARY_TAIL]
