"""Run in a fresh process by the scaling benchmark: one full generation of a
prepared crate (``buildsys specparts``: manifest, plan, every subpackage
with its Provides and Requires, the specparts text), reported as JSON.

A fresh process per measurement so that the peak resident size belongs to
that crate alone and no cache is warm. The peak is ``VmHWM`` of
/proc/self/status, this address space's own high-water mark: Linux's
``ru_maxrss`` also keeps the parent's resident size from before ``exec``.
``--tracemalloc`` measures Python's own allocation peak instead of time
(tracing slows the run down, so never both in one run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Dict, List, Optional

from buildsys import project, specparts

REGISTRY = "/usr/share/cargo/registry"


def _peak_rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])  # kB
    raise RuntimeError("no VmHWM in /proc/self/status")


def generate(crate: Path) -> Dict[str, str]:
    return specparts.for_project(project.load(str(crate)), REGISTRY)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crate", type=Path, help="a crate directory %%cargo_prep has prepared")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(argv)
    before = _peak_rss_kib()
    if args.tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    parts = generate(args.crate)
    seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
    text = "".join(parts.values())
    json.dump(
        {
            "seconds": seconds,
            "peak_rss_kib": _peak_rss_kib(),
            "baseline_rss_kib": before,
            "tracemalloc_peak_bytes": traced,
            "subpackages": sum(1 for line in text.splitlines() if line.startswith("%package ")),
            "text_bytes": len(text.encode("utf-8")),
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
