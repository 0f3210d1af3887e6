"""Real Debian roots (mmdebstrap) for running things under other RPMs and
Pythons, cached in ``$BUILDSYS_CACHE/roots`` with a stamp per package set
so that a second run costs nothing (rpm-facts §2)."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from debian_corpus import cache_root

MIRROR = "http://deb.debian.org/debian"


def ensure_root(suite: str, packages: Sequence[str]) -> Path:
    base = cache_root() / "roots"
    base.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha256(" ".join(sorted(packages)).encode()).hexdigest()[:12]
    root = base / f"{suite}-{tag}"
    stamp = base / f"{suite}-{tag}.stamp"
    with open(base / f"{suite}-{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists():
            return root
        if root.exists():
            shutil.rmtree(root)
        subprocess.run(
            ["mmdebstrap", "--variant=minbase", "--mode=root", "--quiet",
             "--aptopt=Acquire::Check-Valid-Until \"false\"",
             "--include=" + ",".join(packages), suite, str(root), MIRROR],
            check=True,
        )
        stamp.touch()
    return root
