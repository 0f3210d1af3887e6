"""Rust crates to RPM packages, from one reading of Cargo.toml: a drop-in for
cargo2rpm's CLI, plus metadata (everything in one JSON document), and the
steps of BuildSystem: cargo."""

from __future__ import annotations

import os
import sys

from buildsys.errors import BuildsysError

# Not typing's own TYPE_CHECKING: importing typing costs every call
# milliseconds that rpmbuild pays hundreds of times (tests/test_imports.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Callable, Dict, List, Optional, Sequence, Tuple

    from buildsys.features import Selection
    from buildsys.model import Manifest
    from buildsys.newspec import Changelog
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
    from buildsys.features import Selection

    if args.all_features and (args.features or args.no_default_features):
        raise BuildsysError("--all-features cannot be combined with --features or --no-default-features")
    return Selection.from_list(args.features, args.all_features, args.no_default_features)


def _crate_feature(p: argparse.ArgumentParser) -> None:
    p.add_argument("-f", "-F", "--feature", help="the feature (default: the -devel package)")
    p.add_argument("-s", "--subpackage", action="store_true", help="FEATURE is a subpackage name")


def _buildrequires(p: argparse.ArgumentParser) -> None:
    p.add_argument("-t", "--with-check", action="store_true", help="include dev-dependencies")
    p.add_argument("--also", default="", help="the packager's extra BuildRequires, comma-separated (NAME or "
                   "NAME>=VERSION each)")
    p.add_argument("--vendored", action="store_true", help="the crates come vendored: only the toolchain")
    p.add_argument("--workspace", action="store_true", help="PATH is a workspace root: for every member")
    _selection_args(p)


def _features(p: argparse.ArgumentParser) -> None:
    p.add_argument("-s", "--skip", default="", help="comma-separated features to leave out")


def _conversion(p: argparse.ArgumentParser) -> None:
    p.add_argument("version")


def _prepare(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", required=True, help="the directory registry (%%{cargo_registry})")
    p.add_argument("--vendor", metavar="TARBALL", help="build from this cargo vendor tarball's vendor/ instead")
    p.add_argument("--crate", help="the crate the spec builds (%%{crate}): an error if this is another")
    p.add_argument("--rpm-version", help="the version the spec builds (%%{version}): an error if the crate's differs")
    p.add_argument("--workspace", action="store_true", help="PATH is a workspace root: prepare every member "
                   "(then the other actions work on the whole workspace)")
    p.add_argument("--buildrequires", default="", help="the packager's extra BuildRequires, comma-separated "
                   "(NAME or NAME>=VERSION each), recorded")
    _fixes(p)


def _fedora_prep(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", required=True, help="the directory registry (%%{cargo_registry})")
    for name in ("rustc", "rustdoc", "cflags", "cxxflags", "ldflags", "install-root", "opt-level", "debuginfo",
                 "codegen-units"):
        p.add_argument(f"--{name}", required=True)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--vendor-dir", metavar="DIR", help="-v: an unpacked vendor directory replaces crates.io")
    source.add_argument("--vendor-tarball", metavar="TARBALL", help="-V N: SourceN, a vendor tarball, unpacked here")
    source.add_argument("--no-source", action="store_true", help="-N: crates.io is not replaced")


def _fixes(p: argparse.ArgumentParser) -> None:
    """The packager's fixes that change the packages (buildsys.fixes)."""
    p.add_argument("--requires", default="", help="extra Requires of -devel, comma-separated (NAME or NAME>=VERSION)")
    p.add_argument("--feature-requires", default="", help="extra Requires of one feature's package, comma-separated "
                   "FEATURE:CAPABILITY")
    p.add_argument("--hide-feature", default="", help="features left out of packaging, comma-separated (and those "
                   "that enable them)")


def _install(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", required=True)
    p.add_argument("--destdir", required=True, help="%%{buildroot}")


def _spec_names(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", default="", help="the spec's Name: rust-CRATE puts the binaries the selection builds "
                   "into a package named CRATE, with the License of what they link")
    p.add_argument("--crate", default="", help="the spec's %%{crate}")
    _selection_args(p)


def _specparts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", required=True)
    _spec_names(p)
    p.add_argument("--dir", help="where to write them (default: $RPM_SPECPARTS_DIR)")
    p.add_argument("--stdout", action="store_true", help="print them instead")


def _sections(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", required=True)
    _spec_names(p)
    p.add_argument("--archive", required=True, help="the .crate in SOURCES (read when the spec is parsed)")
    p.add_argument("--digest", action="store_true", help="first print the digest %%build checks against")
    p.add_argument("--workspace", action="store_true", help="the archive holds a workspace")
    p.add_argument("--check", metavar="DIGEST", help="in %%build (PATH: the prepared crate): fail unless the "
                   "sections parsed into the spec are the ones the crate gives now")
    p.add_argument("--patch", action="append", default=[], help="a patch of the spec, applied to the archive's "
                   "crate as %%autosetup -p1 applies it (repeat, in the spec's order)")
    _fixes(p)


def _new(p: argparse.ArgumentParser) -> None:
    p.add_argument("crate", metavar="PATH", help="a .crate file or a crate directory")
    p.add_argument("-o", "--output", help="write the spec here (default: stdout)")
    p.add_argument("--vendored", action="store_true", help="an application built from a cargo vendor tarball (Source1)")
    p.add_argument("--from-rust2rpm", metavar="SPEC", help="keep what the packager added to this rust2rpm spec")
    p.add_argument("--compat", action="store_true",
                   help="an older version kept beside the current one: Name rust-CRATE with the version's "
                   "compatible part (rust-nom7, rust-foo0.4), which names its packages too")
    p.add_argument("--changelog", choices=("plain", "auto"), default="plain",
                   help="plain: Release 1%%{?dist} and a first %%changelog entry (dated $SOURCE_DATE_EPOCH or "
                   "today, by $RPM_PACKAGER); auto: %%autorelease and %%autochangelog (rpmautospec, Fedora)")


def _mode(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rpm-version", help="the RPM to decide for (default: the installed one)")
    p.add_argument("--force", default="", help="a mode the packager wants; an error if this RPM cannot do it")


def _generator(p: argparse.ArgumentParser) -> None:
    from buildsys.answers import DIRECTIONS

    p.add_argument("direction", choices=DIRECTIONS)
    p.add_argument("subpackage", help="the package's name (rust-NAME-devel or rust-NAME+FEATURE-devel)")
    p.add_argument("tree", help="the directory %%cargo_prep prepared: its recorded answers hold for a Cargo.toml "
                   "identical to the one they were computed from")


def _licenses(p: argparse.ArgumentParser) -> None:
    p.add_argument("-p", "--package", nargs="?", help="one workspace member only (default: every member)")
    _selection_args(p)


def _nothing(p: argparse.ArgumentParser) -> None:
    pass


# Every action: its help line and its arguments. A call builds the parser of
# its own action only: a whole parser costs several milliseconds of the
# start-up that rpmbuild pays hundreds of times in a build.
SUBPARSERS: Dict[str, Tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "buildrequires": ("BuildRequires for a feature selection", _buildrequires),
    "requires": ("Requires of -devel or of one feature subpackage", _crate_feature),
    "provides": ("Provides of -devel or of one feature subpackage", _crate_feature),
    "features": ("the crate's features and 'default', sorted, one per line", _features),
    "name": ("the crate name", _nothing),
    "version": ("the crate version", _nothing),
    "is-lib": ("1 if the crate has a library target, else 0", _nothing),
    "is-bin": ("1 if the selection builds binaries, else 0", _selection_args),
    "bin-paths": ("the directories (of workspace members) whose binaries the selection builds, one per line",
                  _selection_args),
    "semver2rpm": ("SemVer -> RPM version", _conversion),
    "rpm2semver": ("RPM version -> SemVer", _conversion),
    "packages": ("every subpackage with its Provides and Requires, for people", _nothing),
    "prepare": ("%%cargo_prep: offline cargo setup of an unpacked crate (PATH: its directory)", _prepare),
    "install": ("%%cargo_install: the library's sources into DESTDIR/REGISTRY", _install),
    "fedora-prep": ("Fedora's %%cargo_prep (cargo-rpm-macros): its .cargo/config.toml, run in the crate's directory",
                    _fedora_prep),
    "specparts": ("write the -devel and feature subpackages as specparts", _specparts),
    "sections": ("the subpackages as static spec sections (compat mode for RPM 4.16)", _sections),
    "new": ("the single spec for Fedora and EPEL, from a .crate or an unpacked crate", _new),
    "mode": ("buildsystem, specparts or static: what this RPM supports, best first", _mode),
    "vendor-manifest": ("cargo tree --format '{p}' on stdin -> cargo-vendor.txt on stdout", _nothing),
    "vendor-provides": ("bundled(crate(...)) Provides of the cargo-vendor.txt files named on stdin", _nothing),
    "write-vendor-manifest": ("cargo2rpm's: every crate the build compiles into PATH (default cargo-vendor.txt), run "
                              "in the prepared tree", _nothing),
    "parse-vendor-manifest": ("cargo2rpm's: the bundled(crate(...)) Provides of PATH, or of the cargo-vendor.txt "
                              "files named on stdin", _nothing),
    "metadata": ("everything, as one JSON document", _selection_args),
    "license-breakdown": ("LICENSE: NAME vVERSION of every crate the selection links (LICENSE.dependencies), run "
                          "in the prepared tree", _licenses),
    "license-summary": ("the license expressions of every crate the selection links, for the build log", _licenses),
    "generate": ("rpmbuild's dependency generator (cargo.attr): provides|requires of a subpackage, Cargo.toml "
                 "paths on stdin", _generator),
}


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter, told the width: left to find it, it imports
    shutil (and with it zlib, bz2, lzma) in every call that defines an
    argument, help or no help."""
    import argparse

    try:
        width = int(os.environ.get("COLUMNS") or os.get_terminal_size(sys.__stdout__.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        width = 80
    return argparse.HelpFormatter(prog, width=max(width - 2, 20))


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The parser of every action, or of ``only`` that one."""
    import argparse

    parser = argparse.ArgumentParser(prog="buildsys", description=" ".join(__doc__.split()),
                                     formatter_class=_help_formatter)
    parser.add_argument("-p", "--path", help="Cargo.toml of the crate (or its directory)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    for action, (text, arguments) in SUBPARSERS.items():
        if only is None or action == only:
            arguments(sub.add_parser(action, help=text, formatter_class=_help_formatter))
    return parser


def action_of(argv: Sequence[str]) -> Optional[str]:
    """The action ``argv`` names, if it names one before anything else
    argparse would have to judge (then only that action's parser is built)."""
    words = iter(argv)
    for word in words:
        if word in ("-p", "--path"):
            next(words, None)
        elif word.startswith("-p") or word.startswith("--path="):
            continue
        else:
            return word if word in SUBPARSERS else None
    return None


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
    from buildsys.naming import feature_from_subpackage

    if args.subpackage and args.feature is not None:
        return feature_from_subpackage(args.feature)
    return args.feature


def _out(lines: Sequence[str]) -> None:
    for line in lines:
        print(line)


def _answer(paths: Sequence[str], direction: str, feature: Optional[str], tree: Optional[str]) -> None:
    """Provides or Requires: from the answers %cargo_prep recorded in
    ``tree`` (by default, the crate's own directory) where they hold for the
    very file (rpmbuild's generator asks once per subpackage), else from the
    crate."""
    from buildsys import answers

    for path in paths:
        cargo_toml = os.path.join(path, "Cargo.toml") if os.path.isdir(path) else path
        recorded = answers.lookup(tree or os.path.dirname(os.path.abspath(cargo_toml)), cargo_toml, direction, feature)
        if recorded is None:
            from buildsys import manifest

            recorded = answers.computed(manifest.load(path), direction, feature)
        _out(recorded)


def act_provides(args: argparse.Namespace) -> None:
    _answer(_generator_paths(args), "provides", _feature(args), None)


def act_requires(args: argparse.Namespace) -> None:
    _answer(_generator_paths(args), "requires", _feature(args), None)


def act_generate(args: argparse.Namespace) -> None:
    from buildsys.answers import DIRECTIONS
    from buildsys.naming import feature_from_subpackage

    if args.direction not in DIRECTIONS:
        raise BuildsysError(f"generate: {args.direction!r} is neither provides nor requires")
    _answer(_generator_paths(args), args.direction, feature_from_subpackage(args.subpackage), args.tree)


def act_buildrequires(args: argparse.Namespace) -> None:
    from buildsys import fixes, plan

    project = _project(args, args.workspace)
    vendored = args.vendored or project.options.vendor is not None
    found = plan.project_buildrequires(project, _selection(args), args.with_check, vendored)
    # the packager's own: given to this call (its section may run before
    # %cargo_prep) or recorded by it
    extra = {fixes.capability(w) for w in fixes.words(args.also) + project.options.buildrequires}
    _out(sorted(set(found) | extra))


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


def metadata_document(m: Manifest, selection: Selection) -> Dict[str, object]:
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


def _options(args: argparse.Namespace) -> "Options":
    """The conf options given to prepare or sections (buildsys.record)."""
    from buildsys import fixes
    from buildsys.record import Options

    return Options(workspace=args.workspace, requires=fixes.words(args.requires),
                   feature_requires=fixes.words(args.feature_requires),
                   buildrequires=fixes.words(getattr(args, "buildrequires", "")),
                   hidden=fixes.words(args.hide_feature))


def act_packages(args: argparse.Namespace) -> None:
    from buildsys import plan

    project = _project(args)
    for member_plan in plan.packages(project):
        for sub in member_plan.plan.subpackages:
            print(sub.name)
            _out([f"  Provides: {line}" for line in sub.provides] + [f"  Requires: {line}" for line in sub.requires])
    if not project.is_workspace:
        from buildsys.features import Selection

        crate = project.members[0].manifest.name
        app = plan.application(project, f"rust-{crate}", crate, Selection())
        if app is not None:
            print(f"{app.name} (in a spec named rust-{crate}; its License is computed in %build)")
            _out([f"  File: %{{_bindir}}/{b}" for b in app.binaries])


def act_prepare(args: argparse.Namespace) -> None:
    from pathlib import Path

    from buildsys import prepare, project
    from buildsys.record import Options

    if (args.crate is None) != (args.rpm_version is None):
        raise BuildsysError("--crate and --rpm-version go together")
    vendor = Path(args.vendor) if args.vendor else None
    _, notices = prepare.prepare(project.root_of(_path(args)), args.registry, _options(args), vendor,
                                 args.crate, args.rpm_version)
    for notice in notices:
        print(f"buildsys: {notice}")


def act_fedora_prep(args: argparse.Namespace) -> None:
    from pathlib import Path

    from buildsys import fedoraprep

    tools = fedoraprep.Toolchain(args.rustc, args.rustdoc, args.cflags, args.cxxflags, args.ldflags, args.install_root,
                                 args.opt_level, args.debuginfo, args.codegen_units)
    tarball = Path(args.vendor_tarball) if args.vendor_tarball else None
    for notice in fedoraprep.prep(Path(args.path or "."), args.registry, tools, args.vendor_dir, tarball,
                                  args.no_source):
        print(f"buildsys: {notice}")


def act_install(args: argparse.Namespace) -> None:
    from pathlib import Path

    from buildsys import registry

    registry.install(_project(args), Path(args.destdir), args.registry)


def act_specparts(args: argparse.Namespace) -> None:
    from buildsys import specparts

    parts = specparts.for_project(_project(args), args.registry, args.name, args.crate, _selection(args))
    if args.stdout:
        for name in sorted(parts):
            print(f"# {name}\n{parts[name]}")
        return
    for path in specparts.write(specparts.specparts_dir(args.dir), parts):
        print(f"buildsys: wrote {path}")


def act_sections(args: argparse.Namespace) -> None:
    from pathlib import Path

    from buildsys import project, sections

    spec = sections.Spec(args.name, args.crate, _selection(args), tuple(Path(p) for p in args.patch))
    if args.check is not None:
        sections.check(project.root_of(_path(args)), Path(args.archive), args.registry, args.check, spec)
        return
    text = sections.from_archive(Path(args.archive), args.registry, _options(args), spec)
    if args.digest:
        print(sections.digest(text))
    sys.stdout.write(text)


def act_new(args: argparse.Namespace) -> None:
    from pathlib import Path

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
    text = newspec.spec_for(Path(args.crate), args.vendored, carried, _changelog(args.changelog), args.compat)
    # what the packager must check before the spec builds
    for line in text.splitlines():
        if line.startswith("# FIXME: "):
            print(f"buildsys: warning: {line[len('# FIXME: '):]}", file=sys.stderr)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _changelog(kind: str) -> Changelog:
    """The first entry's date and author as rpmdevtools finds them:
    $SOURCE_DATE_EPOCH (reproducible output) or today, and $RPM_PACKAGER."""
    import time

    from buildsys.newspec import Changelog

    if kind == "auto":
        return Changelog(auto=True)
    try:
        when = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    except ValueError:
        raise BuildsysError(f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']!r} is not a number of seconds") from None
    packager = " ".join(os.environ.get("RPM_PACKAGER", "").split()) or "Packager <packager@example.org>"
    return Changelog(auto=False, date=time.strftime("%a %b %d %Y", time.gmtime(when)), packager=packager)


def act_license_breakdown(args: argparse.Namespace) -> None:
    from buildsys import licenses
    from buildsys.cargotree import tree

    _out(licenses.breakdown(tree(_selection(args), args.package, "{l}: {p}"), os.getcwd()))


def act_license_summary(args: argparse.Namespace) -> None:
    from buildsys import licenses
    from buildsys.cargotree import tree

    _out(licenses.summary(tree(_selection(args), args.package, "# {l}")))


def act_vendor_manifest(args: argparse.Namespace) -> None:
    from buildsys import vendor

    _out([f"{name} v{version}" for name, version in vendor.manifest(sys.stdin)])


def act_write_vendor_manifest(args: argparse.Namespace) -> None:
    """cargo2rpm's: every crate the build compiles, any edge, all features,
    into PATH (default cargo-vendor.txt)."""
    from pathlib import Path

    from buildsys import vendor
    from buildsys.cargotree import tree
    from buildsys.features import Selection

    lines = vendor.fedora_manifest(tree(Selection(all_features=True), None, "{p}", edges="normal,build,dev"),
                                   os.getcwd())
    Path(args.path or "cargo-vendor.txt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _read_text(path: str) -> str:
    """A cargo-vendor.txt, or one line naming it and why it cannot be read."""
    from pathlib import Path

    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildsysError(f"cannot read: {exc.strerror}", path) from None
    except UnicodeDecodeError:
        raise BuildsysError("not UTF-8 text", path) from None


def act_parse_vendor_manifest(args: argparse.Namespace) -> None:
    """cargo2rpm's: the bundled Provides of PATH, or of each cargo-vendor.txt
    named on stdin (in sorted order; cargo2rpm's is a set's)."""
    from buildsys import vendor

    paths = [args.path] if args.path else sorted({line.strip() for line in sys.stdin
                                                  if line.strip().endswith("/cargo-vendor.txt")})
    for path in paths:
        sys.stdout.write("\n".join(vendor.bundled(_read_text(path), path)) + "\n\n")


def act_vendor_provides(args: argparse.Namespace) -> None:
    """RPM's generator protocol: the matching files' paths on stdin."""
    from buildsys import vendor

    for path in sorted({line.rstrip("\n") for line in sys.stdin if line.strip()}):
        _out(vendor.provides(_read_text(path), path))


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
    "fedora-prep": act_fedora_prep,
    "specparts": act_specparts,
    "sections": act_sections,
    "mode": act_mode,
    "new": act_new,
    "vendor-manifest": act_vendor_manifest,
    "vendor-provides": act_vendor_provides,
    "write-vendor-manifest": act_write_vendor_manifest,
    "parse-vendor-manifest": act_parse_vendor_manifest,
    "generate": act_generate,
    "license-breakdown": act_license_breakdown,
    "license-summary": act_license_summary,
}


# What works on a prepared tree, which an archive unpacked for one call is not.
_TREE_ACTIONS = ("prepare", "fedora-prep", "install", "specparts", "sections")


def _on_archive(args: argparse.Namespace) -> None:
    """``-p NAME-VERSION.crate``: the action on the crate in the archive,
    unpacked for this call; problems name the file inside the archive."""
    from pathlib import Path

    from buildsys import archive

    if args.action in _TREE_ACTIONS:
        raise BuildsysError(f"'{args.action}' works on the unpacked crate's directory, not on its archive", args.path)
    with archive.unpacked(Path(args.path)) as crate:
        args.path = str(crate)
        ACTIONS[args.action](args)


class _Words:  # an argparse.Namespace in all but its import
    """The arguments of a call no parser had to read."""

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _main(argv)
    finally:
        if os.environ.get("BUILDSYS_TIMES"):
            _record_time(os.environ["BUILDSYS_TIMES"], argv)


def _record_time(where: str, argv: Optional[Sequence[str]]) -> None:
    """A build farm's account of what buildsys cost (BUILDSYS_TIMES=FILE):
    one line per call, the action and the CPU seconds of this process and
    the commands it ran (cargo tree), interpreter start included."""
    import resource

    words = sys.argv[1:] if argv is None else list(argv)
    action = next((w for w in words if not w.startswith("-") and w in ACTIONS), "?")
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    try:
        with open(where, "a", encoding="utf-8") as out:
            out.write(f"{action} {cpu:.3f}\n")
    except OSError:
        pass  # an account, never a reason to fail the build


def _main(argv: Optional[Sequence[str]]) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if len(words) == 4 and words[0] == "generate" and not any(w.startswith("-") for w in words):
        # rpmbuild's generator, hundreds of calls a build: three positional
        # words need no parser (and no argparse, nor the re it imports)
        args = _Words(action="generate", path=None, direction=words[1], subpackage=words[2], tree=words[3])
    else:
        parser = build_parser(action_of(words))
        args = parser.parse_args(words)
        if args.action is None:
            parser.print_usage(sys.stderr)
            print("buildsys: error: no action given", file=sys.stderr)
            return 2
    generator = args.action in ("generate", "vendor-provides") or (args.action in ("provides", "requires") and not args.path)
    try:
        if getattr(args, "path", None) and args.path.endswith(".crate") and os.path.isfile(args.path):
            _on_archive(args)
        else:
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
