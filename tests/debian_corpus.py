"""Fetch real crates' sources from Debian trixie's librust-*-dev packages.

Test data, not project code: the corpus lives outside the clone (in
``$BUILDSYS_CACHE``, default ``/var/cache/buildsys``) so a second run is
instant and nothing fetched is ever committed.

    python3 tests/debian_corpus.py [--limit N]

prints the registry directory that holds one ``NAME-VERSION/`` per crate.

Tests never read it at import or collection time: they take it from the
``corpus_registry`` fixture (tests/conftest.py), and a test parametrized
over corpus crates gets their names from :func:`parametrize`, which reads
a small index that each full fetch writes (``index.json``, no manifest
read) and fetches only for a test that is about to run.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional

from helpers import require_mark

MIRROR = "http://deb.debian.org/debian"
SUITE = "trixie"
PACKAGES_URL = f"{MIRROR}/dists/{SUITE}/main/binary-amd64/Packages.xz"
REGISTRY_IN_DEB = "usr/share/cargo/registry"
# What Debian adds to a crate's directory that a .crate from crates.io does
# not carry.
DEBIAN_ONLY = (".cargo-checksum.json", "debian", "target")


def cache_root() -> Path:
    return Path(os.environ.get("BUILDSYS_CACHE", "/var/cache/buildsys"))


def corpus_dir() -> Path:
    return cache_root() / f"debian-{SUITE}-crates"


def _download(url: str, dest: Path, attempts: int = 5) -> None:
    tmp = dest.with_name(dest.name + f".part{threading.get_ident()}")
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=120) as resp, open(tmp, "wb") as out:
                shutil.copyfileobj(resp, out)
            tmp.replace(dest)
            return
        except OSError:
            # name resolution and connections fail now and then under load
            if attempt == attempts - 1:
                raise
            time.sleep(2 ** attempt)


def _parse_packages(text: str) -> List[Dict[str, str]]:
    stanzas = []
    for block in text.split("\n\n"):
        fields: Dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields.get("Package", "").startswith("librust-"):
            stanzas.append(fields)
    return stanzas


def package_index() -> List[Dict[str, str]]:
    base = corpus_dir()
    base.mkdir(parents=True, exist_ok=True)
    index = base / "Packages.xz"
    if not index.exists():
        _download(PACKAGES_URL, index)
    text = lzma.decompress(index.read_bytes()).decode("utf-8", "replace")
    stanzas = _parse_packages(text)
    stanzas.sort(key=lambda s: s["Package"])
    return stanzas


def _fetch_one(stanza: Dict[str, str], debs: Path, registry: Path) -> str:
    name = stanza["Package"]
    stamp = registry.parent / "stamps" / (name + ".done")
    if stamp.exists():
        return name
    deb = debs / Path(stanza["Filename"]).name
    if not deb.exists():
        _download(f"{MIRROR}/{stanza['Filename']}", deb)
    digest = hashlib.sha256(deb.read_bytes()).hexdigest()
    if digest != stanza["SHA256"]:
        deb.unlink()
        raise RuntimeError(f"{name}: checksum mismatch")
    with tempfile.TemporaryDirectory(dir=registry.parent) as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        src = Path(tmp) / REGISTRY_IN_DEB
        for crate in src.iterdir() if src.is_dir() else ():
            target = registry / crate.name
            if target.exists():
                shutil.rmtree(target)
            shutil.move(str(crate), str(target))
    stamp.parent.mkdir(exist_ok=True)
    stamp.touch()
    return name


def ensure_corpus(limit: int = 0, jobs: int = 24) -> Path:
    """Download and unpack (at most ``limit``, 0 = all) librust-*-dev packages."""
    require_mark("corpus", "reads the Debian crate corpus")
    base = corpus_dir()
    registry = base / "registry"
    debs = base / "debs"
    registry.mkdir(parents=True, exist_ok=True)
    debs.mkdir(parents=True, exist_ok=True)
    stanzas = package_index()
    if limit:
        stanzas = stanzas[:limit]
    errors = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(_fetch_one, s, debs, registry) for s in stanzas]
        for fut in concurrent.futures.as_completed(futures):
            try:
                fut.result()
            except Exception as exc:  # report every failure, not only the first
                errors.append(str(exc))
    if errors:
        raise RuntimeError(f"{len(errors)} corpus downloads failed, first: {errors[0]}")
    if not limit:
        _write_index({"crates": [p.name for p in crate_dirs(registry)]})
    return registry


def crate_dirs(registry: Path) -> List[Path]:
    return sorted(p for p in registry.iterdir() if (p / "Cargo.toml").is_file())


# --- the index, for parametrizing tests without reading the corpus ----------

def _index_file() -> Path:
    return corpus_dir() / "index.json"


def _read_index() -> Dict[str, List[str]]:
    try:
        return json.loads(_index_file().read_text())
    except (OSError, ValueError):
        return {}


def _write_index(index: Dict[str, List[str]]) -> None:
    """Replace the index; listings derived from another crate list go."""
    old = _read_index()
    if old.get("crates") == index.get("crates"):
        index = {**old, **index}
    tmp = _index_file().with_name(f"index.json.{os.getpid()}")
    tmp.write_text(json.dumps(index, indent=0))
    tmp.replace(_index_file())


def all_crates(registry: Path) -> List[str]:
    return [p.name for p in crate_dirs(registry)]


def listing(name: str, compute: Callable[[Path], List[str]], fetch: bool) -> Optional[List[str]]:
    """Crate directory names derived from the corpus by ``compute`` (every
    crate, or a sample), as recorded in the index for the corpus of the
    last full fetch. Missing there: computed, the corpus fetched first, when
    ``fetch``; else None."""
    found = _read_index().get(name)
    if found is not None:
        return found
    if not fetch:
        return None
    registry = ensure_corpus()
    found = compute(registry)
    _write_index({**_read_index(), name: found})
    return found


def _will_run(metafunc) -> bool:
    """Is the test being generated about to run: not --collect-only, and
    selected by -m (-k is not looked at)?"""
    config = metafunc.config
    if config.option.collectonly:
        return False
    if not config.option.markexpr:
        return True
    try:
        from _pytest.mark import MarkMatcher
        from _pytest.mark.expression import Expression
    except ImportError:  # pytest moved them: assume it runs
        return True
    return Expression.compile(config.option.markexpr).evaluate(MarkMatcher.from_markers(metafunc.definition.iter_markers()))


def parametrize(metafunc, argname: str, name: str = "crates",
                compute: Callable[[Path], List[str]] = all_crates) -> List[str]:
    """Parametrize ``argname`` over corpus crate directory names (ids: the
    names) from :func:`listing`, fetching only for a test about to run. With
    no index yet and nothing to fetch for, one skipped placeholder stands in.
    Returns the names (empty for the placeholder)."""
    import pytest

    names = listing(name, compute, fetch=_will_run(metafunc))
    if names is None:
        reason = "the Debian corpus has not been fetched yet (python3 tests/debian_corpus.py, or run the test)"
        metafunc.parametrize(argname, [pytest.param(None, id="corpus-not-fetched", marks=pytest.mark.skip(reason=reason))])
        return []
    metafunc.parametrize(argname, names, ids=names)
    return names


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="fetch only the first N packages")
    args = parser.parse_args(argv)
    registry = ensure_corpus(args.limit)
    print(registry)
    print(f"{len(crate_dirs(registry))} crates", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
