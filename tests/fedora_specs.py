"""Real Fedora, COPR and vendor specs (../shared/fedora-specs, and any
directory given with ``--fedora-specs DIR``), read as they are, and the
listed changes a test may make to build one here with its crate from
Debian trixie's registry (issue 15, item 5).

The allowed changes, each recorded per spec as a :class:`Change`:

- the crate archive behind ``Source`` is a .crate made from Debian's
  registry directory (``%{crates_source}`` names the file ``NAME-VERSION.crate``
  after its ``#/``, so the spec's text stays as it is);
- a hash check of the source removed (``sha256sum -c``, ``%{checksum}``);
- ``Version`` set to Debian's version where they differ and the crate's
  features are the same (judged from the spec's own ``%package -n
  %{name}+FEATURE-devel`` sections: the spec's crate version's Cargo.toml is
  not here, its packages say which features it had);
- ``--without check`` where Debian's registry lacks dev-dependencies;
- ``Patch`` lines dropped, because the corpus holds no patch files. A patch
  that changes the crate's metadata (fix-metadata removing features) then
  shows as a feature set that differs from the spec's, and is counted so.

A spec that cannot be built here gets one line saying why (its crate is not
in Debian's registry, a Fedora package it BuildRequires is not in the root,
a source file that is not in the corpus...): :attr:`Plan.blocker`. Nothing
about buildsys's macro API is ever a blocker: a spec that fails because a
macro is missing or different fails its test.

Fedora's build roots also define rpmautospec's ``%autorelease`` and
``%autochangelog`` (redhat-rpm-config, not the Rust macros); the build
defines them on the command line (:data:`ROOT_DEFINES`) for the specs that
use them, and records that too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from helpers import REPO

# The spec corpus beside the clone (this machine's /work/shared otherwise).
CORPUS_CANDIDATES = (REPO.parent / "shared" / "fedora-specs", Path("/work/shared/fedora-specs"))

# What Fedora's rpmautospec gives every build root; defined for a build,
# never written into a spec.
# rpmautospec writes an entry per commit; outside git, one entry, so that
# the packages carry a changelog as Fedora's do (rpmlint's no-changelogname-tag;
# a --define's body goes on past a newline only after a backslash)
ROOT_DEFINES: Dict[str, str] = {"autorelease(e:s:pb:n)": "1%{?dist}",
                                "autochangelog": "* Thu Jan 01 2026 rpmautospec <rpmautospec@example.org> - 1\\\n"
                                                 "- Built from the spec as published"}
# What an EL9 root's redhat-rpm-config defines, for RPM 4.16 (bullseye,
# the EL9 stand-in): the specs' %{?rhel} conditionals take their EL9 path.
EL9_DEFINES: Dict[str, str] = {"rhel": "9", "el9": "1"}

# BuildRequires that a buildsys root satisfies: its macro packages (as
# buildsys.spec provides them), cargo and rust (the root's bridge), and
# RHEL's toolchain meta-package, which stands for cargo and rust.
RUST_BUILDREQUIRES = frozenset({"cargo-rpm-macros", "rust-packaging", "rust-srpm-macros", "cargo", "rust", "rustc",
                                "rust-toolset"})

# A source line naming a .crate file: %{crates_source} or a URL ending in one.
CRATE_SOURCE = re.compile(r"%\{?\??crates_source|\.crate$")


def corpus_dir() -> Path:
    for candidate in CORPUS_CANDIDATES:
        if candidate.is_dir():
            return candidate
    raise AssertionError("../shared/fedora-specs is not beside the clone: the machine provides it")


@dataclass(frozen=True)
class CorpusSpec:
    """One spec file as found, and what its directory's SOURCES.md says
    about it (kind; Debian's registry dir, or None where it says none)."""

    path: Path
    kind: str
    debian_hint: Optional[str]  # NAME-VERSION from SOURCES.md; None: not said

    @property
    def id(self) -> str:
        return self.path.stem if self.path.parent == corpus_dir() else f"{self.path.parent.name}/{self.path.stem}"

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8", errors="surrogateescape")


def _sources_md(directory: Path) -> Dict[str, Tuple[str, Optional[str]]]:
    """file -> (kind, Debian registry dir or None), from SOURCES.md's table
    (``| # | file | repository | path | kind | features | Debian dir | size |``)."""
    index = directory / "SOURCES.md"
    out: Dict[str, Tuple[str, Optional[str]]] = {}
    if not index.is_file():
        return out
    for line in index.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 8 and cells[1].endswith(".spec"):
            registry = cells[6].split()[0] if cells[6] else ""
            out[cells[1]] = (cells[4], None if registry in ("", "none") else registry)
    return out


def collect(extra_dirs: Sequence[str] = ()) -> List[CorpusSpec]:
    """Every spec of the corpus and of the extra directories, in name order."""
    specs = []
    for directory in [corpus_dir(), *(Path(d).resolve() for d in extra_dirs)]:
        index = _sources_md(directory)
        for path in sorted(directory.glob("*.spec")):
            kind, hint = index.get(path.name, ("", None))
            specs.append(CorpusSpec(path, kind, hint))
    return specs


# --- reading a spec (simple %global/%define expansion, no rpm) ---------------

_DEFINE = re.compile(r"^\s*%(?:global|define)\s+(\w+)\s+(.*?)\s*$")
_TAG = re.compile(r"^(\w+):\s*(.*?)\s*$")
_FEATURE_PACKAGE = re.compile(r"^%package\s+-n\s+(\S+)\+(\S+)-devel\s*$")


def expand(text: str, macros: Dict[str, str]) -> str:
    """``%{NAME}``, ``%{?NAME}`` and ``%NAME`` of the known plain macros,
    until nothing changes; the others are left as they are."""
    for _ in range(10):
        new = re.sub(r"%\{\??(\w+)\}|%(\w+)",
                     lambda m: macros.get(m.group(1) or m.group(2), m.group(0)), text)
        if new == text:
            return new
        text = new
    return text


@dataclass(frozen=True)
class SpecFacts:
    name: str
    version: str
    crate: Optional[str]
    sources: Tuple[Tuple[str, str], ...]  # (tag, value) of Source/SourceN
    patches: Tuple[str, ...]  # the Patch lines' values
    buildrequires: Tuple[str, ...]  # capability names
    features: FrozenSet[str]  # of %package -n %{name}+FEATURE-devel
    has_devel: bool  # a %package devel: a library spec
    check_on: bool  # the check bcond is on by default
    epel: bool  # %{?rhel} conditionals or rust-toolset
    uses_autospec: bool  # %autorelease / %autochangelog
    hash_checks: Tuple[str, ...]  # lines that check a source's hash
    prep_tools: Tuple[str, ...]  # commands %prep runs that are not in the root
    meson: bool
    vendored: bool  # a vendor tarball or directory (-v, -V, vendor Source)
    macros: Dict[str, str]  # the plain %global/%define values and Name, Version, URL


# Commands specs run in %prep that Fedora's root has and Debian's has not.
FEDORA_ONLY_TOOLS = ("tomcli", "help2man", "meson")


def read(text: str) -> SpecFacts:
    macros: Dict[str, str] = {}
    tags: Dict[str, str] = {}
    sources: List[Tuple[str, str]] = []
    patches: List[str] = []
    brs: List[str] = []
    features = set()
    has_devel = False
    for line in text.splitlines():
        d = _DEFINE.match(line)
        if d and "(" not in d.group(1):
            macros.setdefault(d.group(1), d.group(2))
            continue
        t = _TAG.match(line)
        if t:
            tag = t.group(1).lower()
            if tag in ("name", "version", "url") and tag not in tags:
                tags[tag] = t.group(2)
                macros[tag] = expand(t.group(2), macros)
                # rpm defines a tag's macro under the spelling the spec uses too
                macros[t.group(1)] = macros[tag]
            elif re.fullmatch(r"source\d*", tag):
                sources.append((t.group(1), t.group(2)))
            elif re.fullmatch(r"patch\d*", tag):
                patches.append(t.group(2))
            elif tag == "buildrequires":
                brs.extend(w for w in re.findall(r"[^\s,]+(?:\([^)]*\))?", t.group(2)) if not re.match(r"[<>=]|[\d%]", w))
        p = _FEATURE_PACKAGE.match(expand(line.strip(), macros))
        if p:
            features.add(p.group(2))
        if re.match(r"^%package\s+devel\s*$", line.strip()):
            has_devel = True
    check_on = bool(re.search(r"^%bcond_without\s+check|^%bcond\s+check\s+1", text, re.M))
    prep_tools = tuple(t for t in FEDORA_ONLY_TOOLS if re.search(rf"^\s*{t}\b", text, re.M))
    return SpecFacts(
        name=macros.get("name", ""),
        version=macros.get("version", ""),
        crate=macros.get("crate"),
        sources=tuple(sources),
        patches=tuple(patches),
        buildrequires=tuple(brs),
        features=frozenset(features),
        has_devel=has_devel,
        check_on=check_on,
        epel=bool(re.search(r"%\{\??rhel\}|%\{defined rhel\}|rust-toolset", text)),
        uses_autospec=bool(re.search(r"%\{?autorelease|%\{?autochangelog", text)),
        hash_checks=tuple(line for line in text.splitlines() if re.search(r"sha\d+sum\s+-c|%\{?checksum\b", line)),
        prep_tools=prep_tools,
        meson=bool(re.search(r"^%meson\b", text, re.M)),
        vendored=bool(re.search(r"%cargo_prep\s+-[vV]|vendor.*\.tar", text)),
        macros=macros,
    )


# --- what the test does to a spec --------------------------------------------

@dataclass(frozen=True)
class Change:
    what: str  # one line, for the report


@dataclass(frozen=True)
class Plan:
    spec: CorpusSpec
    facts: SpecFacts
    debian: Optional[Path]  # the crate's directory in Debian's registry
    crate_version: str  # the version built (Debian's)
    text: str  # the spec as built
    changes: Tuple[Change, ...]
    without_check: bool
    blocker: Optional[str]  # why it cannot be built here; None: it can

    def rpmbuild_args(self, el9: bool = False) -> Tuple[str, ...]:
        defines = dict(ROOT_DEFINES) if self.facts.uses_autospec else {}
        defines.update(EL9_DEFINES if el9 else {})
        return tuple(f"--define '{k} {v}'" for k, v in defines.items()) + (("--without check",) if self.without_check else ())


def debian_dir(registry: Path, crate: str, version: str, hint: Optional[str]) -> Optional[Path]:
    """Debian's directory for the crate: SOURCES.md's where it names one,
    else the exact version, else the newest of the same name."""
    if hint:
        return registry / hint if (registry / hint / "Cargo.toml").is_file() else None
    exact = registry / f"{crate}-{version}"
    if (exact / "Cargo.toml").is_file():
        return exact
    found = [d for d in registry.glob(f"{crate}-*") if re.fullmatch(rf"{re.escape(crate)}-\d+\..*", d.name)
             and (d / "Cargo.toml").is_file()]
    if not found:
        return None
    from benchmarks.closure import vercmp

    return max(found, key=functools.cmp_to_key(lambda a, b: vercmp(a.name[len(crate) + 1:], b.name[len(crate) + 1:])))


def crate_features(crate_dir: Path) -> FrozenSet[str]:
    """The crate's features as cargo reads them (implicit ones of optional
    dependencies included), and ``default``, which every crate has a
    package for."""
    import oracles

    meta = oracles.cargo_metadata(crate_dir)
    assert meta is not None, f"cargo metadata fails on {crate_dir}"
    return frozenset(oracles.root_package(meta, crate_dir)["features"]) | {"default"}


def _blocker(facts: SpecFacts) -> Optional[str]:
    """What keeps a spec from building here before any crate is looked up."""
    if facts.meson:
        return "a meson build (%meson): its upstream tarball is not in Debian's registry, and meson is not in the root"
    crate_sources = [(t, v) for t, v in facts.sources if CRATE_SOURCE.search(v)]
    others = [(t, v) for t, v in facts.sources if not CRATE_SOURCE.search(v)]
    if not crate_sources:
        first = expand(facts.sources[0][1], facts.macros) if facts.sources else "(none)"
        vendor = " and a vendor tarball" if facts.vendored else ""
        return f"its sources are an upstream tarball{vendor} ({first}), not a crate in Debian's registry"
    if others:
        tag, value = others[0]
        what = "a vendor tarball" if "vendor" in value else "a file"
        return f"{tag} is {what} not in the corpus nor in Debian's registry ({expand(value, facts.macros)})"
    foreign = [br for br in facts.buildrequires if br.split("(")[0] not in RUST_BUILDREQUIRES
               and not br.startswith("crate(")]
    if foreign:
        return f"BuildRequires {', '.join(foreign)}: Fedora packages the Debian root has not"
    if facts.prep_tools:
        return f"%prep runs {', '.join(facts.prep_tools)}, a Fedora tool not in the root"
    return None


def plan(spec: CorpusSpec, registry: Path) -> Plan:
    """Decide, for one spec, the changes that build it here, or why it
    cannot be built."""
    text = spec.text
    facts = read(text)
    crate = facts.crate or (facts.name[len("rust-"):] if facts.name.startswith("rust-") else facts.name)
    changes: List[Change] = []

    def blocked(why: str, found: Optional[Path] = None) -> Plan:
        return Plan(spec, facts, found, facts.version, text, tuple(changes), False, why)

    why = _blocker(facts)
    if why:
        return blocked(why)
    found = debian_dir(registry, crate, facts.version, spec.debian_hint)
    if found is None:
        return blocked(f"crate {crate} is not in Debian trixie's registry")
    if not found.name.startswith(crate + "-"):
        return blocked(f"SOURCES.md names {found.name} for crate {crate}", found)
    version = found.name[len(crate) + 1:]
    ours = crate_features(found)
    if version != facts.version:
        if facts.features != ours:
            return blocked(f"Debian has {crate} {version}, the spec {facts.version}, with other features "
                           f"(spec only: {_list(facts.features - ours)}; Debian only: {_list(ours - facts.features)})",
                           found)
        text = re.sub(r"^(Version:\s*).*$", lambda m: m.group(1) + version, text, count=1, flags=re.M)
        changes.append(Change(f"Version {facts.version} -> {version} (Debian's; the same features: {_list(ours)})"))
    changes.append(Change(f"Source: {crate}-{version}.crate made from Debian's registry dir {found.name}"))
    if facts.patches:
        text = re.sub(r"^Patch\d*:.*\n", "", text, flags=re.M)
        text = re.sub(r"^%patch.*\n", "", text, flags=re.M)
        effect = "the crate's features are the spec's"
        if facts.features and facts.features != ours:
            effect = (f"the patch changed the features: the unpatched crate has "
                      f"{_list(ours - facts.features)} more, lacks {_list(facts.features - ours)}")
        changes.append(Change(f"Patch lines dropped ({', '.join(facts.patches)}: not in the corpus); {effect}"))
    if facts.features - ours:
        # cargo2rpm itself, Fedora's generator, fails on a package for a
        # feature the crate has not
        why = "its Patch, not in the corpus, adds" if facts.patches else "Debian's Cargo.toml lacks"
        return blocked(f"{why} the spec's feature(s) {_list(facts.features - ours)} of {crate} {version}", found)
    for line in facts.hash_checks:
        text = text.replace(line + "\n", "")
        changes.append(Change(f"source hash check removed: {line.strip()}"))
    without_check = False
    if facts.check_on:
        missing = missing_dev_dependencies(found, registry)
        if missing:
            without_check = True
            changes.append(Change(f"--without check: no crate of Debian's registry meets the dev-dependencies on {_list(missing)}"))
    if facts.uses_autospec:
        changes.append(Change("%autorelease/%autochangelog defined as rpmautospec defines them in Fedora's roots"))
    return Plan(spec, facts, found, version, text, tuple(changes), without_check, None)


def _list(items: Iterable[str]) -> str:
    items = sorted(items)
    if not items:
        return "none"
    return ",".join(items[:8]) + (f",... ({len(items)})" if len(items) > 8 else "")


_REGISTRIES: Dict[Path, object] = {}


def registry_of(registry: Path):
    """The Debian registry read with benchmarks/closure.py (crate versions by
    name, dnf's choice of provider), once per path."""
    from benchmarks.closure import Registry

    if registry not in _REGISTRIES:
        _REGISTRIES[registry] = Registry(registry)
    return _REGISTRIES[registry]


def missing_dev_dependencies(crate_dir: Path, registry: Path) -> Tuple[str, ...]:
    """The crate's test-only BuildRequires that no crate of Debian's
    registry satisfies (crate names)."""
    from benchmarks.closure import parse_requirement, read_crate

    crate = read_crate(crate_dir)
    reg = registry_of(registry)
    extra = set(crate.buildrequires(True)) - set(crate.buildrequires(False))
    out = set()
    for text in extra:
        req = parse_requirement(text)
        if req is not None and reg.provider(req) is None:  # type: ignore[attr-defined]
            out.add(req.capability[len("crate("):-1].split("/")[0])
    return tuple(sorted(out))


def crates_for(requirements: Iterable[str], registry: Path) -> Tuple[List[Path], List[str]]:
    """The Debian crate directories that satisfy ``requirements`` (crate()
    capabilities as rpmbuild asks for them), with every crate their
    packages' Requires reach (cargo resolves the whole graph offline); and
    the requirements nothing satisfies."""
    from benchmarks.closure import Package, parse_requirement

    reg = registry_of(registry)
    unresolved: List[str] = []
    by_key: Dict[str, Path] = {}

    def resolve(texts: Iterable[str], record: bool) -> set:
        out = set()
        for text in texts:
            req = parse_requirement(text)
            if req is None:
                continue
            found = reg.provider(req)  # type: ignore[attr-defined]
            if found is None:
                if record:
                    unresolved.append(text)
                continue
            crate, feature = found
            by_key[crate.key] = crate.path
            out.add(Package(crate.key, feature))
        return out

    todo = list(resolve(requirements, True))
    seen: set = set()
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        crate = next(c for c in reg.versions(_name_of(package.crate)) if c.key == package.crate)  # type: ignore[attr-defined]
        # a feature's package requires the crate's -devel package too
        todo.extend(resolve(crate.requires.get(package.feature, ()), False) | {Package(package.crate, None)})
    return sorted({by_key[p.crate] for p in seen}), unresolved


def _name_of(key: str) -> str:
    m = re.match(r"^(.+?)-(\d+\.\d+\.\d+.*)$", key)
    return m.group(1) if m else key.rsplit("-", 1)[0]


# Fedora's names for the packages that carry its Rust macros
MACRO_PACKAGE_NAMES = ("cargo-rpm-macros", "rust-packaging", "rust-srpm-macros")


def macro_package_provides(rpmspec_provides: str) -> List[str]:
    """Of ``rpmspec -q --provides buildsys.spec``'s lines, those that name
    Fedora's macro packages: ``make install`` stands for installing
    buildsys's packages, so a root's bridge provides what they provide."""
    return [line.strip() for line in rpmspec_provides.splitlines()
            if line.strip() and line.split()[0] in MACRO_PACKAGE_NAMES]
