"""The crates a distribution must build for some root crates, from a
registry of crate sources (Debian's), read with buildsys's own metadata and
no cargo, and the order to build them in.

The closure is what the repository needs to be closed:
- what the roots' builds ask for (their BuildRequires);
- every Requires of every package of every crate that will be built (each
  ``+FEATURE-devel`` package too, so optional dependencies count).

A requirement is resolved as dnf resolves it: of the crate versions whose
package provides the capability in a satisfying version, the highest one
(rpm's own version comparison).

Build order is per package, as a build root is filled: a crate's build
needs the packages that provide its BuildRequires and everything those
packages require in turn, and nothing else. Waves group crates whose build
needs only crates of earlier waves.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import rpm

from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from buildsys.errors import BuildsysError
from buildsys.features import Selection
from buildsys.model import Manifest


@dataclass(frozen=True)
class Fix:
    """A packager's one-line fix of one crate: BuildOption(conf) words, the
    same as ``%global cargo_options WORDS`` (docs/buildoptions.md)."""

    words: Tuple[str, ...]
    why: str

    @property
    def requires(self) -> Tuple[str, ...]:
        return self._values("--requires")

    @property
    def feature_requires(self) -> Tuple[str, ...]:
        return self._values("--feature-requires")

    @property
    def buildrequires(self) -> Tuple[str, ...]:
        return self._values("--buildrequires")

    @property
    def hidden(self) -> Tuple[str, ...]:
        return tuple(f for v in self._values("--hide-feature") for f in v.split(",") if f)

    @property
    def selection(self) -> Selection:
        """The features the fix builds with (-a, -n, -f), as conf's."""
        return Selection.from_list(",".join(self._values("-f") + self._values("--features")),
                                   all_features="-a" in self.words or "--all-features" in self.words,
                                   no_default_features="-n" in self.words or "--no-default-features" in self.words)

    def _values(self, option: str) -> Tuple[str, ...]:
        return tuple(self.words[i + 1] for i, w in enumerate(self.words[:-1]) if w == option)


@dataclass(frozen=True)
class Clause:
    op: str  # "", "=", ">=", "<", ...
    version: str


@dataclass(frozen=True)
class Requirement:
    """One crate() dependency: a capability and the clauses its version must
    meet (``(A >= X with A < Y~)`` is one capability, two clauses)."""

    text: str
    capability: str
    clauses: Tuple[Clause, ...]


_CLAUSE = re.compile(r"^(crate\([^()\s]+\))(?:\s+(=|>=|<=|<|>)\s+(\S+))?$")


def parse_requirement(text: str) -> Optional[Requirement]:
    """The crate() requirement in ``text``; None for any other capability
    (cargo, rust >= 1.70, pkgconfig(zlib)). A form buildsys never writes is
    an error, not a guess."""
    if "crate(" not in text:
        return None
    inner = text[1:-1] if text.startswith("(") and text.endswith(")") else text
    clauses: List[Clause] = []
    capability = None
    for part in inner.split(" with "):
        m = _CLAUSE.match(part.strip())
        if not m or (capability is not None and m.group(1) != capability):
            raise BuildsysError(f"cannot read the requirement {text!r}")
        capability = m.group(1)
        clauses.append(Clause(m.group(2) or "", m.group(3) or ""))
    assert capability is not None
    return Requirement(text, capability, tuple(clauses))


def vercmp(a: str, b: str) -> int:
    return rpm.labelCompare(("0", a, ""), ("0", b, ""))


_OPS = {"=": (0,), ">=": (0, 1), "<=": (0, -1), "<": (-1,), ">": (1,)}


def satisfies(version: str, req: Requirement) -> bool:
    return all(not c.op or vercmp(version, c.version) in _OPS[c.op] for c in req.clauses)


@dataclass(frozen=True)
class Package:
    """One binary package of a crate: ``-devel`` (feature None) or a
    feature's."""

    crate: str  # the crate's key, NAME-VERSION
    feature: Optional[str]


@dataclass(frozen=True)
class CrateVersion:
    """One crate version of the registry, as buildsys plans it (with the
    packager's fix, if any)."""

    key: str  # NAME-VERSION, the registry's directory name
    name: str
    version: str  # as Cargo.toml has it
    rpm_version: str
    path: Path  # the crate's directory
    provides: Mapping[str, Optional[str]]  # capability name -> feature of the package providing it
    requires: Mapping[Optional[str], Tuple[str, ...]]  # package (feature) -> its Requires
    manifest: Manifest
    fix: Optional[Fix]

    @property
    def links(self) -> Optional[str]:
        return self.manifest.links

    def buildrequires(self, with_check: bool) -> Tuple[str, ...]:
        selection = self.fix.selection if self.fix else Selection()
        return plan_mod.buildrequires(self.manifest, selection, with_check) + (self.fix.buildrequires if self.fix else ())


def read_crate(path: Path, fix: Optional[Fix] = None) -> CrateVersion:
    m: Manifest = manifest_mod.load(str(path / "Cargo.toml"))
    p = plan_mod.plan(m, fix.requires if fix else (), fix.feature_requires if fix else (), fix.hidden if fix else ())
    provides: Dict[str, Optional[str]] = {}
    requires: Dict[Optional[str], Tuple[str, ...]] = {}
    for sub in p.subpackages:
        for cap in sub.provides:
            provides[cap.split(" = ")[0]] = sub.feature
        requires[sub.feature] = sub.requires
    return CrateVersion(path.name, m.name, str(m.version), p.rpm_version, path, provides, requires, m, fix)


@dataclass
class Registry:
    """The crate versions of a registry directory (one ``NAME-VERSION/`` per
    crate), read on demand, by crate name."""

    root: Path
    fixes: Mapping[str, Fix] = field(default_factory=dict)
    _by_name: Dict[str, List[Path]] = field(default_factory=dict)
    _read: Dict[str, CrateVersion] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for d in sorted(self.root.iterdir()):
            # NAME-VERSION, where a prerelease may hold "-": the name ends
            # at the first "-" that a MAJOR.MINOR.PATCH follows
            m = re.match(r"^(.+?)-\d+\.\d+\.\d+", d.name)
            if m and (d / "Cargo.toml").is_file():
                self._by_name.setdefault(m.group(1), []).append(d)

    def versions(self, name: str) -> List[CrateVersion]:
        out = []
        for d in self._by_name.get(name, []):
            if d.name not in self._read:
                self._read[d.name] = read_crate(d, self.fixes.get(name))
            out.append(self._read[d.name])
        return out

    def newest(self, name: str) -> CrateVersion:
        found = self.versions(name)
        if not found:
            raise BuildsysError(f"{name}: not in the registry {self.root}")
        return max(found, key=by_version)

    def provider(self, req: Requirement) -> Optional[Tuple[CrateVersion, Optional[str]]]:
        """The crate version dnf would pick for ``req``, and the feature of
        its package that provides it."""
        name = req.capability[len("crate("):-1].split("/")[0]
        fits = [c for c in self.versions(name) if req.capability in c.provides and satisfies(c.rpm_version, req)]
        if not fits:
            return None
        best = max(fits, key=by_version)
        return best, best.provides[req.capability]


# crate versions in rpm's order, as dnf compares them
by_version = functools.cmp_to_key(lambda a, b: vercmp(a.rpm_version, b.rpm_version))


@dataclass(frozen=True)
class Closure:
    """What the farm builds, and why."""

    roots: Tuple[str, ...]  # crate keys
    crates: Mapping[str, CrateVersion]  # key -> crate, every one to build
    buildrequires: Mapping[str, Tuple[str, ...]]  # key -> its BuildRequires
    build_needs: Mapping[str, FrozenSet[str]]  # key -> crates whose packages its build root gets
    unresolved: Mapping[str, Tuple[str, ...]]  # key -> requirements nothing in the registry satisfies
    with_check: FrozenSet[str]  # keys built with their tests

    def waves(self) -> List[List[str]]:
        return waves(self.build_needs)


def closure(registry: Registry, roots: Sequence[str], check_roots: bool = True) -> Closure:
    """The closure of the ``roots`` (crate names, newest version each)."""
    newest = [registry.newest(r) for r in roots]
    root_keys = tuple(c.key for c in newest)
    crates: Dict[str, CrateVersion] = {}
    brs: Dict[str, Tuple[str, ...]] = {}
    unresolved: Dict[str, Set[str]] = {}
    # package -> the packages its Requires resolve to
    edges: Dict[Package, Set[Package]] = {}
    # crate -> the packages its BuildRequires resolve to
    build_edges: Dict[str, Set[Package]] = {}
    todo = list(root_keys)
    by_key = {c.key: c for c in newest}
    checked = frozenset(root_keys) if check_roots else frozenset()

    def resolve(owner: str, texts: Iterable[str]) -> Set[Package]:
        out: Set[Package] = set()
        for text in texts:
            req = parse_requirement(text)
            if req is None:
                continue
            found = registry.provider(req)
            if found is None:
                unresolved.setdefault(owner, set()).add(text)
                continue
            crate, feature = found
            by_key[crate.key] = crate
            if crate.key not in crates and crate.key not in todo:
                todo.append(crate.key)
            out.add(Package(crate.key, feature))
        return out

    while todo:
        key = todo.pop(0)
        crate = by_key[key]
        crates[key] = crate
        brs[key] = crate.buildrequires(key in checked)
        build_edges[key] = resolve(key, brs[key])
        for feature, reqs in crate.requires.items():
            edges[Package(key, feature)] = resolve(key, reqs)

    needs = {key: frozenset(p.crate for p in _reach(build_edges[key], edges)) - {key} for key in crates}
    return Closure(root_keys, crates, brs, needs, {k: tuple(sorted(v)) for k, v in unresolved.items()}, checked)


def _reach(start: Iterable[Package], edges: Mapping[Package, Set[Package]]) -> Set[Package]:
    seen: Set[Package] = set()
    stack = list(start)
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        stack.extend(edges.get(p, ()))
    return seen


def waves(needs: Mapping[str, FrozenSet[str]]) -> List[List[str]]:
    """Crates in build order: each wave needs only earlier waves. A cycle
    (a crate whose build needs itself, through other crates) is an error
    naming the crates in it: such a closure needs bootstrapping."""
    level: Dict[str, int] = {}
    left = dict(needs)
    while left:
        ready = sorted(k for k, deps in left.items() if all(d in level for d in deps))
        if not ready:
            raise BuildsysError("these crates need each other to build: " + ", ".join(sorted(left)))
        for k in ready:
            level[k] = 1 + max((level[d] for d in needs[k]), default=-1)
            del left[k]
    out: List[List[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for k, n in sorted(level.items()):
        out[n].append(k)
    return out
