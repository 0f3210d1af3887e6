"""``cargo tree`` run as the %cargo_* macros run cargo: offline, with
CARGO_HOME in the build tree, where %cargo_prep configured it. What links
(buildsys.licenses) and what a vendored build compiles in
(buildsys.vendor) are both read from its lines."""

from __future__ import annotations

import os
import subprocess
from typing import List, Optional

from buildsys.errors import BuildsysError
from buildsys.features import Selection

# what a binary links: normal dependencies only, for every target
LINKED = "no-build,no-dev,no-proc-macro"


def tree(selection: Selection, package: Optional[str], line_format: str, cwd: Optional[str] = None,
         edges: str = LINKED) -> List[str]:
    """cargo tree's lines for ``selection`` (of one workspace member, or
    all), in ``cwd``, the prepared tree (default: here). Dev-dependencies
    are resolved only where ``edges`` asks for them."""
    command = [os.environ.get("CARGO", "cargo"), "tree", *(["-Zavoid-dev-deps"] if "no-dev" in edges else []),
               f"--package={package}" if package else "--workspace", "--offline",
               f"--edges={edges}", "--target=all", "--prefix=none", "--format", line_format]
    if selection.all_features:
        command.append("--all-features")
    if selection.no_default_features:
        command.append("--no-default-features")
    if selection.features:
        command.append("--features=" + ",".join(selection.features))
    env = dict(os.environ, CARGO_HOME=".cargo", RUSTC_BOOTSTRAP="1")
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=cwd)
    except OSError as exc:
        raise BuildsysError(f"cannot run cargo tree: {exc.strerror}") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise BuildsysError(f"cargo tree failed (exit {proc.returncode}): {last}")
    return proc.stdout.strip().splitlines()
