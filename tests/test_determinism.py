"""Same input, same bytes; and every step safe to run again.

- specparts, static sections (with their digest) and metadata are
  byte-identical across PYTHONHASHSEED values and across directory orders
  (copies written in opposite orders on tmpfs, whose readdir order follows
  creation);
- %cargo_prep's ``prepare`` and the generator give the same result when run
  again, and never touch another file of the specparts directory (RPM 4.20
  writes its own ``rpm-debuginfo.specpart`` there);
- with real rpmbuild 4.20.1, mock's repeated ``-br`` rounds and a build that
  skips %prep on an already prepared tree give the packages of a clean build,
  and RPM's debuginfo package still comes out of its own specpart.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Dict, List

import pytest

from debian_corpus import DEBIAN_ONLY
from helpers import EXAMPLE, LEAF, MID, REGISTRY, buildsys_ok, crate_archive
from rpmroot import BuildRoot

SEEDS = ("0", "1", "4242")
DEBIAN = ("winapi-0.3.9", "sysinfo-0.30.13", "regex-syntax-0.8.5")
TMPFS = Path("/dev/shm")


def buildsys(*args: str, seed: str = "0") -> bytes:
    return buildsys_ok(*args, env=dict(os.environ, PYTHONHASHSEED=seed), text=False)  # type: ignore[return-value]


def copy_in_order(src: Path, dest: Path, reverse: bool) -> Path:
    files = sorted((p for p in src.rglob("*") if p.is_file() and not set(DEBIAN_ONLY) & set(p.relative_to(src).parts)),
                   reverse=reverse)
    for path in files:
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return dest


def crate_sources(registry: Path) -> Dict[str, Path]:
    found = {c.key: c.src for c in (LEAF, MID, EXAMPLE)}
    for dirname in DEBIAN:
        assert (registry / dirname).is_dir(), dirname
        found[dirname] = registry / dirname
    return found


@pytest.fixture(scope="module")
def copies(corpus_registry):
    """Crate -> two copies of it, written in opposite orders on tmpfs."""
    base = Path(os.environ.get("BUILDSYS_TMPFS", str(TMPFS))) / f"buildsys-determinism-{os.getpid()}"
    out = {}
    for name, src in crate_sources(corpus_registry).items():
        out[name] = [copy_in_order(src, base / side / name, reverse=(side == "b")) for side in ("a", "b")]
    yield out
    shutil.rmtree(base, ignore_errors=True)


def walk_order(root: Path) -> List[str]:
    return [str(Path(d).relative_to(root) / f) for d, _, files in os.walk(root) for f in files]


@pytest.mark.corpus
def test_the_two_copies_are_read_in_different_orders(copies):
    """Without this the order comparison below could not fail."""
    differing = {name for name, (a, b) in copies.items() if walk_order(a) != walk_order(b)}
    assert set(DEBIAN) | {"leaf-1.2.0"} <= differing


@pytest.mark.corpus
@pytest.mark.slow
def test_specparts_sections_and_metadata_are_the_same_bytes_every_time(copies, tmp_path):
    for name, pair in copies.items():
        outputs = set()
        for side, copy in zip("ab", pair):
            for seed in SEEDS:
                work = tmp_path / f"{name}-{side}-{seed}"
                shutil.copytree(copy, work)
                buildsys("-p", str(work), "prepare", "--registry", REGISTRY, seed=seed)
                parts = buildsys("-p", str(work), "specparts", "--registry", REGISTRY, "--stdout", seed=seed)
                metadata = buildsys("-p", str(work), "metadata", seed=seed)
                archive = crate_archive(copy, tmp_path / f"archives-{side}-{seed}", "crate", "1.0.0")
                sections = buildsys("sections", "--registry", REGISTRY, "--archive", str(archive), "--digest", seed=seed)
                outputs.add((parts, metadata, sections))
        assert len(outputs) == 1, f"{name}: {len(outputs)} different outputs"
        parts, _, sections = outputs.pop()
        assert b"%package -n" in parts and b"%package -n" in sections, name


@pytest.mark.corpus
def test_prepare_and_generator_run_again_change_nothing(copies, tmp_path):
    name = "winapi-0.3.9"
    work = shutil.copytree(copies[name][0], tmp_path / name)
    parts_dir = tmp_path / "SPECPARTS"
    parts_dir.mkdir()
    foreign = parts_dir / "rpm-debuginfo.specpart"
    foreign.write_text("%package debuginfo\n")
    os.utime(foreign, ns=(1, 1))
    snapshots = []
    for _ in range(3):
        buildsys("-p", str(work), "prepare", "--registry", REGISTRY)
        buildsys("-p", str(work), "specparts", "--registry", REGISTRY, "--dir", str(parts_dir))
        tree = {str(p.relative_to(work)): p.read_bytes() for p in sorted(work.rglob("*")) if p.is_file()}
        parts = {p.name: p.read_bytes() for p in sorted(parts_dir.iterdir())}
        snapshots.append((tree, parts))
    assert snapshots[0] == snapshots[1] == snapshots[2]
    assert sorted(snapshots[0][1]) == ["10-cargo-devel.specpart", "20-cargo-features.specpart", "rpm-debuginfo.specpart"]
    assert foreign.read_text() == "%package debuginfo\n" and foreign.stat().st_mtime_ns == 1


def deps_of(root: BuildRoot) -> Dict[str, tuple]:
    return {n: (h.provides, h.requires, h.files) for n, h in root.built().items()
            if n.startswith(("rust-hello", "hello", "rust-leaf"))}


# suite -> (crate, where its specparts are): RPM 4.20 keeps them in the
# build directory's SPECPARTS, 4.19 beside the unpacked source; the bundled
# example says BuildSystem: cargo alone, so real 4.19 builds leaf (gated)
ROUNDS = {"trixie": (EXAMPLE, "*/SPECPARTS/*"), "el10": (LEAF, "*-SPECPARTS/*")}
_ROUNDS: Dict[str, dict] = {}


def _rounds(suite: str, tmp_path_factory) -> dict:
    """The crate built clean, then again the way mock retries: -br twice,
    then -bb on the tree the last round prepared (the example: library and
    binary, so arch-specific with debuginfo)."""
    if suite in _ROUNDS:
        return _ROUNDS[suite]
    crate, pattern = ROUNDS[suite]
    out = {}
    for how in ("clean", "rounds"):
        root = BuildRoot(suite, tmp_path_factory.mktemp(f"rounds-{suite}-{how}"))
        spec = root.stage(crate)
        debug = "--define '_enable_debug_packages 1'"
        logs = []
        if how == "rounds":
            logs += [root.rpmbuild(spec, "-br", "--noclean", debug, check=False) for _ in range(2)]
            logs.append(root.rpmbuild(spec, "-bb", "--noprep", "--noclean", debug))
        else:
            logs.append(root.rpmbuild(spec, "-bb", "--noclean", debug))
        parts = root.path("/root/rpmbuild/BUILD").glob(pattern)
        out[how] = (root, logs, {p.name: p.read_bytes() for p in parts})
    _ROUNDS[suite] = out
    return out


@pytest.fixture(scope="module", autouse=True)
def _remove_round_roots():
    yield
    for out in _ROUNDS.values():
        for root, _, _ in out.values():
            root.remove()
    _ROUNDS.clear()


@pytest.fixture(scope="module", params=sorted(ROUNDS))
def rounds(request, tmp_path_factory):
    return _rounds(request.param, tmp_path_factory)


@pytest.mark.rpmbuild
@pytest.mark.slow
def test_repeated_rounds_build_what_a_clean_build_does(rounds):
    clean_root, _, clean_parts = rounds["clean"]
    root, logs, parts = rounds["rounds"]
    assert all("buildsys: error" not in log.stdout + log.stderr for log in logs)
    assert deps_of(root) == deps_of(clean_root)
    assert len(deps_of(root)) >= 3
    assert parts == clean_parts and len(parts) >= 2


@pytest.mark.rpmbuild
@pytest.mark.slow
def test_rpms_own_debuginfo_specpart_still_makes_its_package(tmp_path_factory):
    # RPM 4.20 writes it (4.19 has no debuginfo specpart)
    for root, _, parts in _rounds("trixie", tmp_path_factory).values():
        assert sorted(parts) == ["10-cargo-devel.specpart", "20-cargo-features.specpart",
                                 "30-cargo-application.specpart", "rpm-debuginfo.specpart"]
        assert b"%package debuginfo" in parts["rpm-debuginfo.specpart"]
        assert "rust-hello-features-debuginfo" in root.built()
