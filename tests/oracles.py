"""Independent judges the tests compare buildsys against: real cargo, real
rustc, cargo2rpm 0.4.0 and RPM's own dependency matching."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import re
import subprocess
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

from debian_corpus import cache_root

# The Linux targets Fedora/EPEL build Rust for, as rustc names them.
RUSTC_LINUX_TARGETS = (
    "x86_64-unknown-linux-gnu",
    "i686-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "riscv64gc-unknown-linux-gnu",
)


def cargo_version() -> str:
    return subprocess.run(["cargo", "--version"], capture_output=True, text=True, check=True).stdout.split()[1]


def _run_metadata(crate_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["cargo", "metadata", "--quiet", "--format-version", "1", "--offline", "--no-deps",
         "--manifest-path", str(crate_dir / "Cargo.toml")],
        capture_output=True, text=True,
    )


def cargo_metadata(crate_dir: Path, cached: bool = True) -> Optional[dict]:
    """``cargo metadata --no-deps --offline``, cached per crate and cargo
    version (``cached=False`` for crates that can change, such as the
    fixtures: the cache is keyed by directory name, right for NAME-VERSION).

    Returns None where cargo itself rejects the crate (recorded, not hidden:
    the caller counts these)."""
    if not cached:
        proc = _run_metadata(crate_dir)
        return json.loads(proc.stdout) if proc.returncode == 0 else None
    cache = cache_root() / "cargo-metadata" / cargo_version()
    cache.mkdir(parents=True, exist_ok=True)
    out = cache / f"{crate_dir.name}.json"
    err = cache / f"{crate_dir.name}.err"
    if not out.exists() and not err.exists():
        proc = _run_metadata(crate_dir)
        if proc.returncode == 0:
            out.write_text(proc.stdout)
        else:
            err.write_text(proc.stderr)
    return json.loads(out.read_text()) if out.exists() else None


def root_package(meta: dict, crate_dir: Path) -> dict:
    """The crate's own package (a workspace root lists its members too)."""
    manifest = str((crate_dir / "Cargo.toml").resolve())
    return next(p for p in meta["packages"] if str(Path(p["manifest_path"]).resolve()) == manifest)


def rustc_linux_cfg_truth(expressions: Iterable[str]) -> Dict[str, bool]:
    """Ask rustc itself whether each ``cfg(...)`` holds on any Linux target.

    ``-Zunpretty=expanded`` prints the crate after cfg-stripping, and with
    ``#![no_core]`` it needs no standard library for the target, so every
    target rustc knows can be asked on this machine.
    """
    exprs = sorted(set(expressions))
    source = ["#![feature(no_core)]", "#![no_core]"]
    for i, expr in enumerate(exprs):
        source.append(f"#[{expr}] fn kept_{i}() {{}}")
    truth = {e: False for e in exprs}
    for target in RUSTC_LINUX_TARGETS:
        proc = subprocess.run(
            ["rustc", "-Zunpretty=expanded", "--crate-type", "lib", "--target", target, "-"],
            input="\n".join(source), capture_output=True, text=True,
            env={"RUSTC_BOOTSTRAP": "1", "PATH": "/root/.cargo/bin:/usr/bin:/bin"},
        )
        if proc.returncode != 0:
            raise RuntimeError(f"rustc failed for {target}: {proc.stderr[:2000]}")
        kept = set(int(n) for n in re.findall(r"fn kept_(\d+)\(", proc.stdout))
        for i in kept:
            truth[exprs[i]] = True
    return truth


def target_is_linux(target: Optional[str], cfg_truth: Dict[str, bool]) -> bool:
    if target is None:
        return True
    if target.startswith("cfg("):
        return cfg_truth[target]
    return target in RUSTC_LINUX_TARGETS


def linux_only_metadata(package: dict, cfg_truth: Dict[str, bool]) -> dict:
    """The cargo metadata package with dependencies for other OSes removed,
    and path-only or git-only ones (no version, so nothing RPM could
    provide), and feature values that name only removed dependencies
    dropped: what cargo2rpm would see for a crate written for Linux alone."""
    pkg = copy.deepcopy(package)

    def packaged(dep: dict) -> bool:
        unversioned = dep["req"] == "*" and (dep.get("path") or (dep.get("source") or "").startswith("git+"))
        return target_is_linux(dep["target"], cfg_truth) and not unversioned

    pkg["dependencies"] = [d for d in pkg["dependencies"] if packaged(d)]
    keys = {d["rename"] or d["name"] for d in pkg["dependencies"] if d["kind"] != "dev"}

    def keep(value: str) -> bool:
        if value.startswith("dep:"):
            return value[4:] in keys
        if "/" in value:
            return value.split("/")[0].rstrip("?") in keys
        return True

    pkg["features"] = {name: [v for v in vals if keep(v)] for name, vals in pkg["features"].items()}
    return pkg


# --- RPM's view of a dependency string --------------------------------------

_SIMPLE = re.compile(r"(crate\([^)]*\))(?: (<=|>=|<|>|=) (\S+))?")


def split_dependency(dep: str) -> Tuple[str, List[Tuple[str, Optional[str], Optional[str]]]]:
    """``(A with B)`` or a simple dependency -> (capability, [(cap, op, ver)])."""
    text = dep[1:-1] if dep.startswith("(") else dep
    parts = [p.strip() for p in text.split(" with ")]
    out = []
    for part in parts:
        m = _SIMPLE.fullmatch(part)
        if not m:
            raise ValueError(f"not a crate dependency: {dep!r}")
        out.append((m.group(1), m.group(2), m.group(3)))
    caps = {c for c, _, _ in out}
    if len(caps) != 1:
        raise ValueError(f"mixed capabilities in {dep!r}")
    return caps.pop(), out


def candidate_versions(deps: Iterable[str]) -> List[str]:
    """Versions around every boundary the dependencies mention."""
    found: Set[str] = {"0.0.0", "0.0.1", "0.1.0", "1.0.0", "99.0.0"}
    for dep in deps:
        for _, _, ver in split_dependency(dep)[1]:
            if ver is None:
                continue
            base = ver.rstrip("~").split("~")[0]
            nums = [int(x) for x in base.split(".")]
            found.update({ver, base, base + "~alpha", base + "~0", base + "~zzz"})
            for i in range(3):
                up = nums[:i] + [nums[i] + 1] + [0] * (2 - i)
                s = ".".join(map(str, up))
                found.update({s, s + "~alpha"})
                if nums[i] > 0:
                    down = nums[:i] + [nums[i] - 1] + [99] * (2 - i)
                    found.add(".".join(map(str, down)))
    return sorted(found)


@functools.lru_cache(maxsize=None)
def rpm_satisfies(dep: str, version: str) -> bool:
    """Does a package providing ``CAP = version`` satisfy ``dep``? Decided by
    RPM's own dependency-set overlap, one comparison per ``with`` operand."""
    import rpm

    cap, parts = split_dependency(dep)
    provide = rpm.ds((cap, rpm.RPMSENSE_EQUAL, version), rpm.RPMTAG_PROVIDENAME)
    for _, op, ver in parts:
        if op is None:
            continue
        flags = 0
        for ch, flag in (("<", rpm.RPMSENSE_LESS), (">", rpm.RPMSENSE_GREATER), ("=", rpm.RPMSENSE_EQUAL)):
            if ch in op:
                flags |= flag
        require = rpm.ds((cap, flags, ver), rpm.RPMTAG_REQUIRENAME)
        if not require.Compare(provide):
            return False
    return True


def same_versions(a: str, b: str) -> bool:
    """True when RPM lets exactly the same candidate versions satisfy a and b."""
    if split_dependency(a)[0] != split_dependency(b)[0]:
        return False
    return all(rpm_satisfies(a, v) == rpm_satisfies(b, v) for v in candidate_versions([a, b]))


def by_capability(lines: Iterable[str]) -> Dict[str, List[str]]:
    grouped: Dict[str, List[str]] = {}
    for line in lines:
        key = split_dependency(line)[0] if line.startswith(("crate(", "(crate(")) else line
        grouped.setdefault(key, []).append(line)
    return grouped


# --- cargo2rpm beyond two comparators ----------------------------------------

@contextlib.contextmanager
def cargo2rpm_any_comparators() -> Iterator[None]:
    """cargo2rpm gives up beyond two comparators; the judge for those is the
    conjunction of cargo2rpm's own translation of each comparator."""
    from cargo2rpm import semver as c2r_semver

    original = c2r_semver.VersionReq.to_rpm

    def to_rpm(self, crate, feature):
        comparators = self.normalize().comparators
        if len(comparators) <= 2:
            return original(self, crate, feature)
        return "(" + " with ".join(c.to_rpm(crate, feature) for c in comparators) + ")"

    c2r_semver.VersionReq.to_rpm = to_rpm
    try:
        yield
    finally:
        c2r_semver.VersionReq.to_rpm = original


def linked_licenses(metadata: dict) -> Set[str]:
    """The ``license`` of every package the root package links, read off
    ``cargo metadata``'s resolve: the root and what its normal dependencies
    reach, proc-macros left out (they run in the compiler; nothing of them
    is linked). Run it with ``--filter-platform`` for the build's target."""
    packages = {p["id"]: p for p in metadata["packages"]}
    nodes = {n["id"]: n for n in metadata["resolve"]["nodes"]}
    seen: Set[str] = set()
    todo = [metadata["resolve"]["root"]]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for dep in nodes[current]["deps"]:
            normal = any(kind["kind"] is None for kind in dep["dep_kinds"])
            macro = any("proc-macro" in t["kind"] for t in packages[dep["pkg"]]["targets"])
            if normal and not macro:
                todo.append(dep["pkg"])
    return {packages[i]["license"] or "" for i in seen}


def license_choices(expression: str) -> frozenset:
    """A flat license expression (``A OR B``, cargo's old ``A/B``) as the set
    of its alternatives: the same license however it is spelled."""
    return frozenset(part.strip() for part in re.split(r"/| OR ", expression.strip().strip("()")))
