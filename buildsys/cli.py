"""``buildsys [-p PATH] ACTION``: a drop-in for cargo2rpm's CLI, plus
``metadata`` (everything in one JSON document)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence

from buildsys.errors import BuildsysError
from buildsys.features import Selection

if TYPE_CHECKING:
    from buildsys.model import Manifest
    from buildsys.project import Project

# Printed on stdout when an RPM dependency generator fails: not a valid
# dependency, so the build cannot quietly go on without the real ones, even
# where a generator's exit status is not checked (cargo2rpm does the same).
GENERATOR_POISON = "*** buildsys failed, see the error above ***"


def _selection_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-a", "--all-features", action="store_true", help="enable all features")
    parser.add_argument("-n", "--no-default-features", action="store_true", help="disable the default feature")
    parser.add_argument("-f", "-F", "--features", default="", help="comma-separated features to enable")


def _selection(args: argparse.Namespace) -> Selection:
    if args.all_features and (args.features or args.no_default_features):
        raise BuildsysError("--all-features cannot be combined with --features or --no-default-features")
    return Selection.from_list(args.features, args.all_features, args.no_default_features)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="buildsys", description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--path", help="Cargo.toml of the crate (or its directory)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")

    br = sub.add_parser("buildrequires", help="BuildRequires for a feature selection")
    br.add_argument("-t", "--with-check", action="store_true", help="include dev-dependencies")
    br.add_argument("--vendored", action="store_true", help="the crates come vendored: only the toolchain")
    br.add_argument("--workspace", action="store_true", help="PATH is a workspace root: for every member")
    _selection_args(br)

    for action in ("requires", "provides"):
        p = sub.add_parser(action, help=f"{action.capitalize()} of -devel or of one feature subpackage")
        p.add_argument("-f", "-F", "--feature", help="the feature (default: the -devel package)")
        p.add_argument("-s", "--subpackage", action="store_true", help="FEATURE is a subpackage name")

    feats = sub.add_parser("features", help="the crate's features and 'default', sorted, one per line")
    feats.add_argument("-s", "--skip", default="", help="comma-separated features to leave out")
    for action, text in (
        ("name", "the crate name"),
        ("version", "the crate version"),
        ("is-lib", "1 if the crate has a library target, else 0"),
    ):
        sub.add_parser(action, help=text)
    isbin = sub.add_parser("is-bin", help="1 if the selection builds binaries, else 0")
    _selection_args(isbin)
    binpaths = sub.add_parser("bin-paths", help="the directories (of workspace members) whose binaries the "
                              "selection builds, one per line")
    _selection_args(binpaths)
    for action, text in (("semver2rpm", "SemVer -> RPM version"), ("rpm2semver", "RPM version -> SemVer")):
        conv = sub.add_parser(action, help=text)
        conv.add_argument("version")
    sub.add_parser("packages", help="every subpackage with its Provides and Requires, for people")
    prep = sub.add_parser("prepare", help="%%cargo_prep: offline cargo setup of an unpacked crate (PATH: its directory)")
    prep.add_argument("--registry", required=True, help="the directory registry (%%{cargo_registry})")
    prep.add_argument("--vendor", metavar="TARBALL", help="build from this cargo vendor tarball's vendor/ instead")
    prep.add_argument("--crate", help="the crate the spec builds (%%{crate}): an error if this is another")
    prep.add_argument("--rpm-version", help="the version the spec builds (%%{version}): an error if the crate's differs")
    prep.add_argument("--workspace", action="store_true", help="PATH is a workspace root: prepare every member "
                      "(then the other actions work on the whole workspace)")
    inst = sub.add_parser("install", help="%%cargo_install: the library's sources into DESTDIR/REGISTRY")
    inst.add_argument("--registry", required=True)
    inst.add_argument("--destdir", required=True, help="%%{buildroot}")
    parts = sub.add_parser("specparts", help="write the -devel and feature subpackages as specparts")
    parts.add_argument("--registry", required=True)
    parts.add_argument("--dir", help="where to write them (default: $RPM_SPECPARTS_DIR)")
    parts.add_argument("--stdout", action="store_true", help="print them instead")
    secs = sub.add_parser("sections", help="the subpackages as static spec sections (compat mode for RPM 4.16)")
    secs.add_argument("--registry", required=True)
    secs.add_argument("--archive", required=True, help="the .crate in SOURCES (read when the spec is parsed)")
    secs.add_argument("--digest", action="store_true", help="first print the digest %%build checks against")
    secs.add_argument("--workspace", action="store_true", help="the archive holds a workspace")
    secs.add_argument("--check", metavar="DIGEST", help="in %%build (PATH: the prepared crate): fail unless the "
                      "sections parsed into the spec are the ones the crate gives now")
    new = sub.add_parser("new", help="the single spec for Fedora and EPEL, from a .crate or an unpacked crate")
    new.add_argument("crate", metavar="PATH", help="a .crate file or a crate directory")
    new.add_argument("-o", "--output", help="write the spec here (default: stdout)")
    new.add_argument("--vendored", action="store_true", help="an application built from a cargo vendor tarball (Source1)")
    new.add_argument("--from-rust2rpm", metavar="SPEC", help="keep what the packager added to this rust2rpm spec")
    mode = sub.add_parser("mode", help="buildsystem, specparts or static: what this RPM supports, best first")
    mode.add_argument("--rpm-version", help="the RPM to decide for (default: the installed one)")
    mode.add_argument("--force", default="", help="a mode the packager wants; an error if this RPM cannot do it")
    sub.add_parser("vendor-manifest", help="cargo tree --format '{p}' on stdin -> cargo-vendor.txt on stdout")
    sub.add_parser("vendor-provides", help="bundled(crate(...)) Provides of the cargo-vendor.txt files named on stdin")
    meta = sub.add_parser("metadata", help="everything, as one JSON document")
    _selection_args(meta)
    return parser


def _path(args: argparse.Namespace) -> str:
    if not args.path:
        raise BuildsysError(f"'{args.action}' needs -p/--path")
    return str(args.path)


def _load(args: argparse.Namespace) -> "Manifest":
    """The one crate at PATH (cargo2rpm's per-crate actions)."""
    from buildsys import manifest

    return manifest.load(_path(args))


def _project(args: argparse.Namespace, workspace: bool = False) -> "Project":
    """The project at PATH, as %cargo_prep recorded it or as it is."""
    from buildsys import project

    return project.load(_path(args), workspace)


def _generator_paths(args: argparse.Namespace) -> List[str]:
    """With -p, that crate; else RPM's generator protocol: paths on stdin."""
    if args.path:
        return [args.path]
    lines = (line.rstrip("\n") for line in sys.stdin)
    return sorted({line for line in lines if line.endswith("/Cargo.toml")})


def _feature(args: argparse.Namespace) -> Optional[str]:
    from buildsys import plan

    if args.subpackage and args.feature is not None:
        return plan.feature_from_subpackage(args.feature)
    return args.feature


def _out(lines: Sequence[str]) -> None:
    for line in lines:
        print(line)


def act_provides(args: argparse.Namespace) -> None:
    from buildsys import manifest, plan

    for path in _generator_paths(args):
        print(plan.provides(manifest.load(path), _feature(args)))


def act_requires(args: argparse.Namespace) -> None:
    from buildsys import manifest, plan

    for path in _generator_paths(args):
        _out(plan.requires(manifest.load(path), _feature(args)))


def act_buildrequires(args: argparse.Namespace) -> None:
    from buildsys import plan

    project = _project(args, args.workspace)
    vendored = args.vendored or project.options.vendor is not None
    _out(plan.project_buildrequires(project, _selection(args), args.with_check, vendored))


def act_features(args: argparse.Namespace) -> None:
    from buildsys import plan

    m = _load(args)
    skip = {s for s in args.skip.split(",") if s}
    if "default" in skip:
        raise BuildsysError("the 'default' feature cannot be skipped", m.path)
    names = plan.feature_names(m)
    unknown = sorted(skip - set(names))
    if unknown:
        raise BuildsysError(f"cannot skip unknown features: {', '.join(unknown)}", m.path)
    _out([n for n in names if n not in skip])


def _bin_paths(args: argparse.Namespace) -> List[str]:
    from buildsys import plan

    return [path for path, _ in plan.project_binaries(_project(args), _selection(args))]


def act_is_bin(args: argparse.Namespace) -> None:
    sys.stdout.write("1" if _bin_paths(args) else "0")


def act_bin_paths(args: argparse.Namespace) -> None:
    _out(_bin_paths(args))


def metadata_document(m: "Manifest", selection: Selection) -> Dict[str, object]:
    from buildsys import plan as plan_mod
    from buildsys.summary import summary

    p = plan_mod.plan(m)
    binaries = plan_mod.binaries(m, selection)
    return {
        "name": m.name,
        "version": str(m.version),
        "rpm_version": p.rpm_version,
        "license": m.license,
        "license_file": m.license_file,
        "summary": summary(m.description, m.name),
        "description": m.description,
        "edition": m.edition,
        "rust_version": m.rust_version,
        "is_lib": m.is_lib,
        "is_bin": bool(binaries),
        "binaries": list(binaries),
        "features": {name: [str(v) for v in values] for name, values in m.features.items()},
        "subpackages": [
            {"name": s.name, "feature": s.feature, "provides": list(s.provides), "requires": list(s.requires)}
            for s in p.subpackages
        ],
        "buildrequires": {
            "build": list(plan_mod.buildrequires(m, selection, with_check=False)),
            "check": list(plan_mod.buildrequires(m, selection, with_check=True)),
        },
    }


def act_metadata(args: argparse.Namespace) -> None:
    """With -p, one crate's document. Without, Cargo.toml paths on stdin
    and one document per line (JSON Lines), so that a whole registry costs
    one process; every crate that fails is reported, then the exit is 1."""
    import json

    from buildsys import manifest

    if args.path:
        doc = metadata_document(_load(args), _selection(args))
        print(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
        return
    selection = _selection(args)
    failed: List[BuildsysError] = []
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        try:
            doc = metadata_document(manifest.load(path), selection)
        except BuildsysError as exc:
            failed.append(exc.with_path(path))
            continue
        print(json.dumps(doc, sort_keys=True, ensure_ascii=False))
    for exc in failed[:-1]:
        print(f"buildsys: error: {exc}", file=sys.stderr)
    if failed:
        raise failed[-1]


def act_packages(args: argparse.Namespace) -> None:
    from buildsys import plan

    for member_plan in plan.packages(_project(args)):
        for sub in member_plan.plan.subpackages:
            print(sub.name)
            _out([f"  Provides: {line}" for line in sub.provides] + [f"  Requires: {line}" for line in sub.requires])


def act_prepare(args: argparse.Namespace) -> None:
    from buildsys import prepare, project
    from buildsys.record import Options

    if (args.crate is None) != (args.rpm_version is None):
        raise BuildsysError("--crate and --rpm-version go together")
    vendor = Path(args.vendor) if args.vendor else None
    _, removed = prepare.prepare(project.root_of(_path(args)), args.registry, Options(workspace=args.workspace), vendor,
                              args.crate, args.rpm_version)
    for table in removed:
        print(f"buildsys: not building against [target.{table}] dependencies (never on Linux)")


def act_install(args: argparse.Namespace) -> None:
    from buildsys import registry

    registry.install(_project(args), Path(args.destdir), args.registry)


def act_specparts(args: argparse.Namespace) -> None:
    from buildsys import specparts

    parts = specparts.for_project(_project(args), args.registry)
    if args.stdout:
        for name in sorted(parts):
            print(f"# {name}\n{parts[name]}")
        return
    for path in specparts.write(specparts.specparts_dir(args.dir), parts):
        print(f"buildsys: wrote {path}")


def act_sections(args: argparse.Namespace) -> None:
    from buildsys import project, sections

    if args.check is not None:
        sections.check(project.root_of(_path(args)), Path(args.archive), args.registry, args.check)
        return
    text = sections.from_archive(Path(args.archive), args.registry, args.workspace)
    if args.digest:
        print(sections.digest(text))
    sys.stdout.write(text)


def act_new(args: argparse.Namespace) -> None:
    from buildsys import newspec

    carried = None
    if args.from_rust2rpm:
        from buildsys import migrate

        try:
            old = Path(args.from_rust2rpm).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BuildsysError(f"cannot read the spec: {exc}", args.from_rust2rpm) from None
        carried = migrate.read(old, args.from_rust2rpm)
        for warning in carried.warnings:
            print(f"buildsys: warning: {args.from_rust2rpm}: {warning}", file=sys.stderr)
    text = newspec.spec_for(Path(args.crate), args.vendored, carried)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def act_vendor_manifest(args: argparse.Namespace) -> None:
    from buildsys import vendor

    _out([f"{name} {version}" for name, version in vendor.manifest(sys.stdin)])


def act_vendor_provides(args: argparse.Namespace) -> None:
    """RPM's generator protocol: the matching files' paths on stdin."""
    from buildsys import vendor

    for path in sorted({line.rstrip("\n") for line in sys.stdin if line.strip()}):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise BuildsysError(f"cannot read: {exc.strerror}", path) from None
        _out(vendor.provides(text, path))


def act_mode(args: argparse.Namespace) -> None:
    from buildsys import mode

    print(mode.select(args.rpm_version or mode.installed_rpm_version(), args.force))


def _semver2rpm(args: argparse.Namespace) -> None:
    from buildsys.rpmdeps import semver2rpm
    from buildsys.semver import Version

    print(semver2rpm(Version.parse(args.version)))


def _rpm2semver(args: argparse.Namespace) -> None:
    from buildsys.rpmdeps import rpm2semver

    print(rpm2semver(args.version))


ACTIONS: Dict[str, Callable[[argparse.Namespace], None]] = {
    "provides": act_provides,
    "requires": act_requires,
    "buildrequires": act_buildrequires,
    "features": act_features,
    "name": lambda a: print(_load(a).name),
    "version": lambda a: print(_load(a).version),
    "is-lib": lambda a: sys.stdout.write("1" if _load(a).is_lib else "0"),
    "is-bin": act_is_bin,
    "bin-paths": act_bin_paths,
    "semver2rpm": _semver2rpm,
    "rpm2semver": _rpm2semver,
    "metadata": act_metadata,
    "packages": act_packages,
    "prepare": act_prepare,
    "install": act_install,
    "specparts": act_specparts,
    "sections": act_sections,
    "mode": act_mode,
    "new": act_new,
    "vendor-manifest": act_vendor_manifest,
    "vendor-provides": act_vendor_provides,
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.action is None:
        parser.print_usage(sys.stderr)
        print("buildsys: error: no action given", file=sys.stderr)
        return 2
    generator = (args.action in ("provides", "requires") and not args.path) or args.action == "vendor-provides"
    try:
        ACTIONS[args.action](args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped reading (buildsys packages | head): not an
        # error of ours; say nothing more, and exit as a shell reports SIGPIPE
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except BuildsysError as exc:
        if generator:
            print(GENERATOR_POISON)
        print(f"buildsys: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in buildsys: still one line, still fatal
        if os.environ.get("BUILDSYS_DEBUG"):
            raise
        if generator:
            print(GENERATOR_POISON)
        print(f"buildsys: internal error: {type(exc).__name__}: {exc} (set BUILDSYS_DEBUG=1 for a traceback)", file=sys.stderr)
        return 70
    return 0
