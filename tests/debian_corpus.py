"""Fetch real crates' sources from Debian trixie's librust-*-dev packages.

Test data, not project code: the corpus lives outside the clone (in
``$BUILDSYS_CACHE``, default ``/var/cache/buildsys``) so a second run is
instant and nothing fetched is ever committed.

    python3 tests/debian_corpus.py [--limit N]

prints the registry directory that holds one ``NAME-VERSION/`` per crate.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
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
from typing import Dict, List

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
    return registry


def crate_dirs(registry: Path) -> List[Path]:
    return sorted(p for p in registry.iterdir() if (p / "Cargo.toml").is_file())


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
