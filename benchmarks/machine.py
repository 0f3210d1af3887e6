"""What a recorded number depends on: the machine, its load at the time, the
Python, the buildsys revision (named in each part's block: it can change
between parts). The machine is shared, so the load average is taken at the
start and at the end of every part."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from dataclasses import dataclass
from typing import Tuple

from benchmarks import REPO


@dataclass(frozen=True)
class Load:
    one: float
    five: float
    fifteen: float

    def __str__(self) -> str:
        return f"{self.one:.2f}, {self.five:.2f}, {self.fifteen:.2f}"


def load() -> Load:
    return Load(*os.getloadavg())


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _first(path: str, key: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", "unknown")
    except OSError:
        return "unknown"


def revision() -> str:
    def git(*args: str) -> str:
        proc = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return proc.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def facts() -> Tuple[Tuple[str, str], ...]:
    mem_kib = _first("/proc/meminfo", "MemTotal").split()[0]
    return (
        ("CPU", _first("/proc/cpuinfo", "model name")),
        ("cores (nproc)", str(os.cpu_count())),
        ("memory", f"{int(mem_kib) / 1024 / 1024:.1f} GiB" if mem_kib.isdigit() else "unknown"),
        ("OS", f"{_os_name()}, Linux {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
    )
