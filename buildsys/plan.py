"""The dependency plan: every subpackage a crate yields, with its Provides
and Requires, and the BuildRequires of a build; computed from one
:class:`~buildsys.model.Manifest`, and for a whole
:class:`~buildsys.project.Project` (every member; features unified across
members as cargo unifies them).

The rules are Fedora's (those cargo2rpm applies), with three deliberate
improvements: dependencies that only matter on other operating systems are
left out, any number of comparators becomes one range, and ``X/f`` or
``X?/f`` on a non-optional dependency always requires ``X/f``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from buildsys import fixes
from buildsys.errors import BuildsysError
from buildsys.features import Activation, Selection, check_feature, resolve
from buildsys.model import Dependency, Manifest
from buildsys.naming import package_base, subpackage_name
from buildsys.rpmdeps import exact_dependency, range_dependency, semver2rpm

if TYPE_CHECKING:  # a crate's generator call needs no project
    from buildsys.project import Member, Project

# The oldest Rust that understands an edition, for crates without rust-version.
EDITION_MSRV = {"2018": "1.31", "2021": "1.56", "2024": "1.85"}


@dataclass(frozen=True)
class Subpackage:
    """One -devel or +FEATURE-devel package, with its dependencies."""

    name: str
    feature: Optional[str]
    provides: Tuple[str, ...]
    requires: Tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """Every subpackage one crate yields."""

    manifest: Manifest
    rpm_version: str
    subpackages: Tuple[Subpackage, ...]


def feature_names(manifest: Manifest) -> Tuple[str, ...]:
    """The crate's features plus ``default``, which always exists."""
    return tuple(sorted(set(manifest.features) | {"default"}))


def provides(manifest: Manifest, feature: Optional[str]) -> str:
    if feature is not None:
        check_feature(manifest, feature)
    return exact_dependency(manifest.name, feature, manifest.version)


def _entry_deps(dep: Dependency, default: bool, features: Iterable[str]) -> Set[str]:
    assert dep.range is not None
    deps = {range_dependency(dep.name, "default" if default else None, dep.range)}
    deps.update(range_dependency(dep.name, f, dep.range) for f in features)
    return deps


def _runtime_entries(manifest: Manifest, key: Optional[str] = None, optional: Optional[bool] = None) -> List[Dependency]:
    candidates = manifest.dependencies if key is None else manifest.deps_named(key)
    return [d for d in candidates if d.kind != "dev" and d.packaged and (optional is None or d.optional == optional)]


def devel_requires(manifest: Manifest) -> Tuple[str, ...]:
    deps = {"cargo"}
    if manifest.rust_version:
        deps.add(f"rust >= {manifest.rust_version}")
    for dep in _runtime_entries(manifest, optional=False):
        deps |= _entry_deps(dep, dep.default_features, dep.features)
    return tuple(sorted(deps))


def feature_requires(manifest: Manifest, feature: str) -> Tuple[str, ...]:
    check_feature(manifest, feature)
    deps = {"cargo", exact_dependency(manifest.name, None, manifest.version)}
    for value in manifest.features.get(feature, ()):
        if value.kind == "feature":
            deps.add(exact_dependency(manifest.name, value.name, manifest.version))
            continue
        for dep in _runtime_entries(manifest, key=value.name):
            if dep.optional:
                # enabling the optional dependency brings its own settings
                deps |= _entry_deps(dep, dep.default_features, dep.features)
                if value.feature:
                    deps.add(range_dependency(dep.name, value.feature, dep.range))  # type: ignore[arg-type]
            elif value.feature:
                deps.add(range_dependency(dep.name, value.feature, dep.range))  # type: ignore[arg-type]
    return tuple(sorted(deps))


def requires(manifest: Manifest, feature: Optional[str]) -> Tuple[str, ...]:
    return devel_requires(manifest) if feature is None else feature_requires(manifest, feature)


def msrv(manifest: Manifest) -> Optional[str]:
    return manifest.rust_version or EDITION_MSRV.get(manifest.edition)


def buildrequires(
    manifest: Manifest, selection: Selection, with_check: bool = False, vendored: bool = False,
) -> Tuple[str, ...]:
    """What ``cargo build`` (and ``cargo test`` with ``with_check``) needs
    for ``selection``, offline: the full closure over enabled features.
    ``vendored``: the crates come with the sources, only rust is needed."""
    resolve(manifest, selection)  # refuses an unknown feature
    brs = set(_crate_buildrequires(manifest, _resolved_for(selection, with_check), with_check, frozenset()))
    version = msrv(manifest)
    rust = {f"rust >= {version}"} if version else set()
    return tuple(sorted(rust if vendored else brs | rust))


def _resolved_for(selection: Selection, with_check: bool) -> Selection:
    """The features cargo resolves dependencies for. ``cargo build -Z
    avoid-dev-deps`` resolves those of the selection; ``cargo test`` writes
    a lock file first, and a lock file covers every feature of the crates
    being built: every optional dependency must be in the registry then,
    enabled or not (seen with rand_core: its %build passes against a
    registry of its BuildRequires, its %check did not find getrandom).
    The selection is still checked, by the caller, for unknown features."""
    return Selection(all_features=True) if with_check else selection


def _crate_buildrequires(manifest: Manifest, selection: Selection, with_check: bool,
                         local: FrozenSet[str]) -> Set[str]:
    """The crate() BuildRequires; ``local``: crates the source brings
    itself (other workspace members)."""
    act = resolve(manifest, selection)
    brs: Set[str] = set()
    active = [
        d
        for d in manifest.dependencies
        if d.on_linux and (d.kind != "dev" or with_check) and (not d.optional or d.key in act.optional)
        and d.name not in local
    ]
    features: Dict[str, Set[str]] = {}
    defaults: Dict[str, bool] = {}
    for dep in active:
        features.setdefault(dep.key, set()).update(dep.features)
        defaults[dep.key] = defaults.get(dep.key, False) or dep.default_features
    for key, feats in list(act.dep_features.items()) + list(act.weak.items()):
        features.setdefault(key, set()).update(feats)
        if "default" in feats:
            defaults[key] = True
    for dep in active:
        if dep.range is not None:
            brs |= _entry_deps(dep, defaults[dep.key], features[dep.key])
    brs |= _weak_workaround(manifest, act, active, defaults, features, local)
    return brs


def _weak_workaround(
    manifest: Manifest,
    act: Activation,
    active: List[Dependency],
    defaults: Dict[str, bool],
    features: Dict[str, Set[str]],
    local: FrozenSet[str],
) -> Set[str]:
    """Optional dependencies reached only through ``X?/f`` are still needed to
    build: cargo's offline resolver wants such a crate present even while X
    stays off (Fedora's cargo2rpm requires them for the same reason)."""
    brs: Set[str] = set()
    for key, weak in act.weak.items():
        for dep in _runtime_entries(manifest, key=key, optional=True):
            if dep in active or dep.name in local:
                continue
            default = defaults.get(key, False) or dep.default_features
            brs |= _entry_deps(dep, default, features.get(key, set()) | weak | set(dep.features))
    return brs


def _version_key(version: str) -> Tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def project_msrv(project: Project) -> Optional[str]:
    """One toolchain builds every member: the newest rust any member needs."""
    versions = [v for v in (msrv(m.manifest) for m in project.members) if v]
    return max(versions, key=_version_key) if versions else None


def selections(project: Project, selection: Selection, with_check: bool) -> Dict[str, Selection]:
    """What cargo enables in each member when it builds the whole project
    with ``selection``: the selection itself, plus every feature that
    members ask of each other (cargo unifies them), to a fixed point."""
    if selection.features and project.is_workspace:
        raise BuildsysError("with --workspace, select features with -a or -n; -f (FEATURE or MEMBER/FEATURE) "
                            "is not supported")
    by_name = {m.name: m for m in project.members}
    chosen = {m.name: selection for m in project.members}
    changed = True
    while changed:
        changed = False
        for m in project.members:
            act = resolve(m.manifest, chosen[m.name])
            for dep in m.manifest.dependencies:
                # a crate's dependency on its own name is another version, from the registry
                if dep.name not in by_name or dep.name == m.name or not dep.on_linux or (
                        dep.kind == "dev" and not with_check):
                    continue
                if dep.optional and dep.key not in act.optional:
                    continue
                wanted = set(dep.features) | set(act.dep_features.get(dep.key, ())) | set(act.weak.get(dep.key, ()))
                default = dep.default_features or "default" in wanted
                old = chosen[dep.name]
                new = Selection(
                    old.all_features,
                    old.no_default_features and not default,
                    tuple(sorted(set(old.features) | (wanted - {"default"}))),
                )
                if new != old:
                    chosen[dep.name], changed = new, True
    return chosen


def project_buildrequires(project: Project, selection: Selection, with_check: bool = False,
                          vendored: bool = False) -> Tuple[str, ...]:
    """The union over members; the members themselves come from the source."""
    local = frozenset(m.name for m in project.members)
    chosen = selections(project, selection, with_check)  # refuses what the selection cannot do
    if with_check:
        chosen = selections(project, _resolved_for(selection, with_check), with_check)
    brs: Set[str] = set()
    for m in project.members:
        # refuses an unknown feature, vendored or not
        brs |= _crate_buildrequires(m.manifest, chosen[m.name], with_check, local - {m.name})
    version = project_msrv(project)
    rust = {f"rust >= {version}"} if version else set()
    return tuple(sorted(rust if vendored else brs | rust))


def project_binaries(project: Project, selection: Selection) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """(member path, binaries) for each member that builds any; an error
    if two members build binaries of one name (one would overwrite the
    other in %{_bindir})."""
    chosen = selections(project, selection, with_check=False)
    out = []
    seen: Dict[str, str] = {}
    for m in project.members:
        bins = binaries(m.manifest, chosen[m.name])
        for b in bins:
            if b in seen:
                raise BuildsysError(f"members {seen[b]} and {m.name} both build a binary named {b!r}", m.manifest.path)
            seen[b] = m.name
        if bins:
            out.append((m.path, bins))
    return tuple(out)


@dataclass(frozen=True)
class Application:
    """The package of a project's programs, as Fedora ships an application
    built from a crate: named after the crate (``%{crate}``), apart from the
    ``rust-CRATE`` source package and its library packages."""

    name: str
    member: "Member"  # the crate it is named after: its description, license and doc files
    binaries: Tuple[str, ...]  # every member's, in %{_bindir}


def application(project: Project, spec_name: str, crate: str, selection: Selection) -> Optional[Application]:
    """The application package, where the spec is named ``rust-CRATE`` (a
    crate's source package) and the selection builds binaries. A spec named
    otherwise is the application itself: its own %files list the binaries."""
    if spec_name != f"rust-{crate}":
        return None
    bins = tuple(b for _, names in project_binaries(project, selection) for b in names)
    if not bins:
        return None
    member = next((m for m in project.members if m.manifest.name == crate), project.members[0])
    return Application(crate, member, tuple(sorted(bins)))


@dataclass(frozen=True)
class MemberPlan:
    """The packages of one packaged member. ``own``: they are the spec's own
    crate's, headed by the spec's Summary and License; in a workspace each
    member's packages say their own."""

    member: Member
    plan: Plan
    own: bool


def packages(project: Project, spec_name: str = "") -> Tuple[MemberPlan, ...]:
    """``spec_name``: the spec's Name, which names a compat crate's packages
    (naming.package_base); a workspace's members keep rust-MEMBER."""
    options = project.options
    base = "" if project.is_workspace else package_base(spec_name, project.members[0].manifest.name)
    return tuple(MemberPlan(m, plan(m.manifest, options.requires, options.feature_requires, options.hidden, base),
                            not project.is_workspace) for m in project.packaged)


def hidden_features(manifest: Manifest, hidden: Sequence[str]) -> FrozenSet[str]:
    """The features left out of packaging: those the packager hides and
    every feature that enables one of them, whose package would require
    what no package provides. An error where ``default`` would be one."""
    for name in hidden:
        check_feature(manifest, name)
    if not hidden:
        return frozenset()
    out = set()
    for feature in feature_names(manifest):
        enabled = resolve(manifest, Selection(no_default_features=True, features=(feature,))).features
        if enabled & set(hidden):
            out.add(feature)
    if "default" in out:
        raise BuildsysError(f"the default feature enables {', '.join(sorted(set(hidden) & resolve(manifest, Selection()).features))}, "
                            "so it cannot be hidden: patch the manifest (a fix-metadata patch)", manifest.path)
    return frozenset(out)


def plan(manifest: Manifest, extra_requires: Sequence[str] = (), feature_requires: Sequence[str] = (),
         hidden: Sequence[str] = (), base: str = "") -> Plan:
    """Every subpackage: ``-devel`` and one per feature, for library crates;
    with the packager's fixes (buildsys.fixes): ``extra_requires`` of
    -devel, ``feature_requires`` (FEATURE:CAPABILITY), ``hidden`` features.
    ``base``: the package names' start (naming.package_base)."""
    subs: List[Subpackage] = []
    left_out = hidden_features(manifest, hidden)
    for feature, _ in map(fixes.feature_capability, feature_requires):
        check_feature(manifest, feature)
        if feature in left_out:
            raise BuildsysError(f"--feature-requires names {feature!r}, which is hidden", manifest.path)
    if manifest.is_lib:
        for feature in (None,) + feature_names(manifest):
            if feature in left_out:
                continue
            extra = (tuple(map(fixes.capability, extra_requires)) if feature is None
                     else fixes.for_feature(feature_requires, feature))
            subs.append(
                Subpackage(
                    name=subpackage_name(manifest.name, feature, base),
                    feature=feature,
                    provides=(provides(manifest, feature),),
                    requires=tuple(sorted(set(requires(manifest, feature)) | set(extra))),
                )
            )
    return Plan(manifest=manifest, rpm_version=semver2rpm(manifest.version), subpackages=tuple(subs))


def binaries(manifest: Manifest, selection: Selection) -> Tuple[str, ...]:
    """Binary targets whose required features the selection enables."""
    enabled = resolve(manifest, selection).features
    return tuple(b.name for b in manifest.binaries if all(f in enabled for f in b.required_features))
