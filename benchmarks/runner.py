"""Running and timing child processes the same way everywhere: wall time
from the parent, with the child's own CPU time, and the Python of this
venv for every Python tool so that interpreters never differ between sides."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from benchmarks import REPO


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: Sequence[str], stdin: str = "", cwd: Optional[Path] = None) -> Run:
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(list(command), input=stdin, capture_output=True, text=True, cwd=cwd, env=child_env())
    seconds = time.perf_counter() - start
    return Run(seconds, _children_cpu() - cpu, proc.returncode, proc.stdout, proc.stderr)


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def tool(name: str) -> str:
    """A console script of this venv (``buildsys``, ``cargo2rpm``): what a
    packager runs, interpreter start and imports included."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed (make check installs it into .venv)")
    return found


def python_module(module: str, *args: str) -> Sequence[str]:
    return [sys.executable, "-m", module, *args]
