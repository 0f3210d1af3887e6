"""Run in a fresh process by the corpus benchmark: every crate of the
registry through ``buildsys metadata`` as library calls in this one
process (the same document the CLI prints), reported as JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import List, Optional

from buildsys import manifest
from buildsys.cli import metadata_document
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from debian_corpus import crate_dirs


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registry", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N crates")
    args = parser.parse_args(argv)
    dirs = crate_dirs(args.registry)
    if args.limit:
        dirs = dirs[: args.limit]
    errors: List[str] = []
    subpackages: dict = {}
    start = time.perf_counter()
    for directory in dirs:
        try:
            doc = metadata_document(manifest.load(str(directory)), Selection())
        except BuildsysError as exc:
            errors.append(f"{directory.name}: {exc}")
            continue
        json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
        subpackages[directory.name] = len(doc["subpackages"])  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    json.dump({"seconds": seconds, "crates": len(dirs), "errors": errors, "subpackages": subpackages}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
