"""Real Rust specs from Fedora, COPR and vendors (../shared/fedora-specs and
``--fedora-specs DIR``), built unchanged but for the listed changes
(tests/fedora_specs.py) with buildsys as the only provider of Fedora's Rust
macro API: RPM 4.20.1 (trixie), and 4.16.1.2 (bullseye, the EL9 stand-in)
for the specs that declare EPEL support. Fedora's own macro files are never
installed.

A build goes as koji drives one: ``rpmbuild -br`` in a loop, each round's
missing crate() BuildRequires met from Debian's registry (the crate
directories and a bridge package that tells the rpmdb they are there, as
rpmroot's bridge does for the root's own crates), then ``rpmbuild -ba``,
no ``--nodeps``. What it asks for that nothing here provides fails it.

Each built ``-devel`` and ``+FEATURE-devel`` package is then judged against
cargo2rpm 0.4.0 run in the root as Fedora's cargo.attr runs it
(``cargo2rpm provides|requires --subpackage --feature=PACKAGE``, the
Cargo.toml path on stdin) on the crate the build used: Provides equal;
Requires equal, or the same versions in a tighter form, without the
dependencies cargo2rpm keeps for other operating systems (buildsys's
documented improvements). Application packages: their binaries,
LICENSE.dependencies where the spec ships one, bundled(crate()) Provides
where it ships cargo-vendor.txt.

The per-spec report (result, changes, packages compared, or why a spec
cannot be built here) is printed at the end of the module.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

import fedora_specs
import oracles
from benchmarks import cargo2rpm_root
from debian_corpus import DEBIAN_ONLY
from expectations import assert_requires_agree, own_deps
from helpers import REGISTRY, REPO, crate_archive
from rpmroot import SOURCES, BuildRoot, Header, payload_file, registry_provides

SUITES = {"trixie": "4.20.1", "bullseye": "4.16.1.2"}


@dataclass(frozen=True)
class Cause:
    """A piece of Fedora's macro API (or of the package that carries it)
    that a spec's build was traced to, with the line it fails on, and where
    the piece shows in the work tree once it is there."""

    what: str
    pattern: str  # a regular expression (multi-line) that finds the piece
    where: Tuple[str, ...]  # globs under the work tree

    def missing(self) -> bool:
        return not any(re.search(self.pattern, f.read_text(errors="replace"), re.M)
                       for glob in self.where for f in REPO.glob(glob) if f.is_file())


MACROS = ("macros.d/*",)
PACKAGE = Cause("no package of buildsys.spec provides cargo-rpm-macros / rust-packaging (issue 15 item 4): "
                "`cargo-rpm-macros >= 24 is needed`", r"^Provides:\s*cargo-rpm-macros\b", ("buildsys.spec",))
SKIP_BUILD = Cause("%__cargo_skip_build is not defined: `parse error in expression: %{__cargo_skip_build}`",
                   r"^%__cargo_skip_build\b", MACROS)
ARCHES = Cause("%rust_arches is not defined: `Architecture is not included: x86_64`", r"^%rust_arches\b", MACROS)
ATTR = Cause("cargo.attr (%__cargo_provides/%__cargo_requires) is not installed by make install: the static "
             "-devel and +FEATURE-devel packages carry no crate() Provides or Requires",
             r"^\s*install\b.*macros\.d/cargo\.attr", ("Makefile",))
WITH_CHECK = Cause("%cargo_generate_buildrequires adds no dev-dependencies when %{with check} is on (only with -t): "
                   "%cargo_test fails `no matching package named ...` for a dev-dependency Debian has",
                   r"^%cargo_generate_buildrequires.*with_check", MACROS)
IS_BIN = Cause("`%global __cargo_is_bin() false` is ignored: %cargo_install installs the crate's binaries, "
               "`Installed (but unpackaged) file(s) found: /usr/bin/exit`", r"__cargo_is_bin\b", MACROS)

# Spec id -> the causes its build meets, in order (traced 2026-12-07 on
# RPM 4.20.1, each later one by a build with the earlier ones supplied by
# hand). While any is missing from the work tree, the spec is a strict
# xfail naming them: a build that passes anyway fails, so a wrong trace
# shows; once all are there, the test runs as any other.
XFAIL: Dict[str, Tuple[Cause, ...]] = {
    "01-rust-http0.2": (PACKAGE, ATTR),
    "03-rust-strsim0.10": (PACKAGE, ATTR),
    "04-rust-darling0.14": (PACKAGE, ATTR),
    "05-rust-rustc-hash1": (PACKAGE, ATTR),
    "06-rust-foreign-types0.3": (PACKAGE, SKIP_BUILD, ARCHES, ATTR),
    "07-rust-cfg-if0.1": (PACKAGE, ATTR),
    "08-rust-device_tree": (PACKAGE, ATTR),
    "11-rust-same-file": (PACKAGE, SKIP_BUILD, ARCHES, WITH_CHECK, ATTR),
    "12-rust-bincode": (PACKAGE, SKIP_BUILD, ARCHES, WITH_CHECK, ATTR),
    "13-rust-errno": (PACKAGE, ATTR),
    "14-rust-fd-lock": (PACKAGE, ATTR),
    "15-rust-dirs-sys": (PACKAGE, ARCHES, ATTR),
    "16-rust-fnv": (PACKAGE, ATTR),
    "17-rust-shell-words": (PACKAGE, ARCHES, ATTR),
    "18-rust-wait-timeout": (PACKAGE, SKIP_BUILD, ARCHES, IS_BIN, ATTR),
    "19-rust-hex": (PACKAGE, SKIP_BUILD, ARCHES, ATTR),
    "38-rust-is_terminal_polyfill": (PACKAGE, ATTR),
    # --fedora-specs /work/fedora-specs-extra: bin+lib specs whose crates
    # Debian has (see that directory's SOURCES.md)
    "fedora-specs-extra/rust-names": (PACKAGE, WITH_CHECK, ATTR),
    "fedora-specs-extra/rust-xml-rs": (PACKAGE, ATTR),
    "fedora-specs-extra/rust-rustdoc-stripper": (PACKAGE, SKIP_BUILD, ARCHES, ATTR),
}


def open_causes(spec_id: str) -> Tuple[Cause, ...]:
    return tuple(c for c in XFAIL.get(spec_id, ()) if c.missing())


# --- the report -------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    suite: str
    spec: str
    result: str  # built / FAILED / cannot build here
    changes: Tuple[str, ...]
    packages: int = 0  # -devel / +FEATURE-devel packages compared with cargo2rpm
    agreeing: int = 0
    detail: str = ""  # the failing line, or why it cannot be built


REPORT: List[Row] = []


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield REPORT
    if not REPORT:
        return
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    write = terminal.write_line if terminal else print
    # the table is for the terminal, not for a test's captured output
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        write_report(write)


def write_report(write) -> None:
    write("")
    write("=== Fedora specs built with buildsys (tests/test_fedora_specs.py) ===")
    for row in REPORT:
        counts = f"{row.agreeing}/{row.packages} pkgs = cargo2rpm" if row.packages else "-"
        write(f"{row.spec:32} {SUITES[row.suite]:8} {row.result:20} {counts:22} {row.detail}")
        for change in row.changes:
            write(f"{'':42}change: {change}")
    for suite, rpm_version in SUITES.items():
        rows = [r for r in REPORT if r.suite == suite]
        if rows:
            write(f"RPM {rpm_version}: {len(rows)} specs collected, {sum(r.result == 'built' for r in rows)} built, "
                  f"{sum(r.result.startswith('FAILED') for r in rows)} failed, "
                  f"{sum(r.result.startswith('cannot') for r in rows)} cannot build here; packages compared "
                  f"{sum(r.packages for r in rows)}, agreeing with cargo2rpm {sum(r.agreeing for r in rows)}")


# --- parametrizing over the spec files ----------------------------------------

def pytest_generate_tests(metafunc):
    if "corpus_spec" not in metafunc.fixturenames:
        return
    specs = fedora_specs.collect(metafunc.config.getoption("fedora_specs"))
    el9 = metafunc.function.__name__.endswith("_on_el9")
    if el9:
        specs = [s for s in specs if fedora_specs.read(s.text).epel]
    params = []
    for spec in specs:
        # traced on RPM 4.20.1; no spec of the corpus builds on 4.16 yet
        traced = () if el9 else open_causes(spec.id)
        reason = " | then ".join(c.what for c in traced)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if traced else []
        params.append(pytest.param(spec, id=spec.id, marks=marks))
    metafunc.parametrize("corpus_spec", params)


# --- the plan: what the test changes, and what it cannot build ---------------

def test_the_corpus_is_there_and_read_whole():
    specs = fedora_specs.collect()
    assert len(specs) >= 40
    # SOURCES.md's table names every file, so its Debian column is used
    assert all(s.kind for s in specs if s.path.parent == fedora_specs.corpus_dir())


def test_more_specs_come_from_a_directory_given_on_the_command_line(tmp_path):
    (tmp_path / "rust-foo.spec").write_text("%global crate foo\nName: rust-foo\nVersion: 1.0.0\n")
    specs = fedora_specs.collect([str(tmp_path)])
    extra = [s for s in specs if s.path.parent == tmp_path]
    assert [s.id for s in extra] == [f"{tmp_path.name}/rust-foo"]
    # no SOURCES.md there: Debian's directory is looked up by the crate's name
    assert extra[0].debian_hint is None and extra[0].kind == ""


@dataclass(frozen=True)
class Decision:
    spec: str
    changes: Tuple[str, ...]  # a word of each change, in order
    without_check: bool
    blocker: str  # a word of the one-line reason; "" where it builds


DECISIONS = [
    # Debian's http 0.2.11 has the features of the spec's 0.2.12; its
    # dev-dependency indexmap <= 1.8 is not in Debian
    Decision("01-rust-http0.2", ("Version 0.2.12 -> 0.2.11", "Source", "Patch lines dropped", "--without check",
                                 "%autorelease"), True, ""),
    Decision("03-rust-strsim0.10", ("Source", "%autorelease"), False, ""),
    # the old rust2rpm 13 layout uses neither rpmautospec nor a patch
    Decision("06-rust-foreign-types0.3", ("Source",), False, ""),
    Decision("02-rust-syn1", ("Source",), False, "Debian's Cargo.toml lacks the spec's feature(s) test"),
    Decision("09-rust-aead", (), False, "with other features"),
    Decision("35-rust-eza", (), False, "Debian only: nix"),
    Decision("10-firecracker", (), False, "upstream tarball"),
    Decision("20-rust-ansi-to-tui", (), False, "BuildRequires tomcli"),
    Decision("21-rust-gbm-sys", (), False, "Source1"),
    Decision("32-gnome-tour-meson", (), False, "meson"),
    Decision("36-rust-spotifyd-vendored", (), False, "vendor tarball"),
]


@pytest.mark.corpus
@pytest.mark.parametrize("case", DECISIONS, ids=[d.spec for d in DECISIONS])
def test_each_spec_gets_only_the_listed_changes_or_one_line_why_not(case, corpus_registry):
    spec, = [s for s in fedora_specs.collect() if s.id == case.spec]
    plan = fedora_specs.plan(spec, corpus_registry)
    assert len(plan.changes) == len(case.changes), plan.changes
    for change, word in zip(plan.changes, case.changes):
        assert change.what.startswith(word), (change, word)
    assert plan.without_check == case.without_check
    if case.blocker:
        assert plan.blocker and case.blocker in plan.blocker and "\n" not in plan.blocker, plan.blocker
    else:
        assert plan.blocker is None, plan.blocker
        # the text built differs from the file only by the listed changes
        assert ("Version:" in plan.text) and not re.search(r"^Patch\d*:", plan.text, re.M)


def test_the_failing_line_is_rpms_own_error_not_the_exit_status():
    log = "+ cargo build\nerror: no matching package named `doc-comment` found\nerror: Bad exit status from x (%check)\n"
    assert failing_line(log) == "error: no matching package named `doc-comment` found"
    assert failing_line("error: Failed build dependencies:\n\tfoo >= 1 is needed by bar\n") == "foo >= 1 is needed by bar"


def test_only_fedoras_macro_package_names_are_bridged():
    provides = "buildsys = 0.1.0-1\ncargo-rpm-macros = 26.1-1\nrust-packaging = 26.1-1\nbuildsys-srpm-macros = 0.1.0-1\n"
    assert fedora_specs.macro_package_provides(provides) == ["cargo-rpm-macros = 26.1-1", "rust-packaging = 26.1-1"]


# --- one build ----------------------------------------------------------------

@dataclass(frozen=True)
class Build:
    root: BuildRoot
    spec_path: str  # inside the root
    failure: str  # the failing line; "" when -ba succeeded
    log: str  # the end of the failed step's output
    rounds: int


def failing_line(text: str) -> str:
    """The line that says why a step failed: rpm's own error, else the last
    line that mentions an error."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    needed = [line for line in lines if " is needed by " in line]
    if needed:
        return "; ".join(needed[:3])
    errors = [line for line in lines if line.startswith("error:") and "Bad exit status" not in line]
    if errors:
        return errors[0]
    found = [line for line in lines if re.search(r"error|Unknown option|not found|No such", line, re.I)
             and not line.startswith("+ ")]
    return (found or lines or ["(no output)"])[0 if found else -1]


def add_crates(root: BuildRoot, dirs: Sequence[Path], round_no: int) -> None:
    """Debian's crate directories into the root's registry, and a bridge
    package that provides what they provide."""
    new = [d for d in dirs if not root.path(f"{REGISTRY}/{d.name}").exists()
           and not (root.lower / REGISTRY.lstrip("/") / d.name).exists()]
    for d in new:
        shutil.copytree(d, root.path(f"{REGISTRY}/{d.name}"), symlinks=True)
    if new:
        caps = registry_provides(d / "Cargo.toml" for d in new)
        bridge = root.provides_package(f"corpus-crates-{round_no}", "Debian's crates", caps,
                                       "Crates from Debian's registry that a build asked for.")
        root.install([bridge])


def macro_provides(root: BuildRoot) -> List[str]:
    """What buildsys.spec's packages provide of Fedora's macro package
    names, as rpm reads the spec in ``root``."""
    root.write("/root/buildsys-self.spec", (REPO / "buildsys.spec").read_bytes())
    return fedora_specs.macro_package_provides(root.run("rpmspec -q --provides /root/buildsys-self.spec").stdout)


def build(plan: fedora_specs.Plan, suite: str, workdir: Path, registry: Path) -> Build:
    """The -br loop and -ba of the planned spec in a new root of ``suite``."""
    root = BuildRoot(suite, workdir)
    provides = macro_provides(root)
    if provides:
        # make install stands for installing buildsys's packages: the rpmdb
        # learns the names they provide, as for buildsys itself
        root.install([root.provides_package("buildsys-macro-names", "buildsys's macro packages", provides,
                                            "What buildsys.spec's packages provide of Fedora's macro names.")])
    assert plan.debian is not None
    crate = plan.debian.name[: -len(plan.crate_version) - 1]
    crate_archive(plan.debian, root.path(SOURCES), crate, plan.crate_version, skip=DEBIAN_ONLY)
    spec = f"/root/{plan.spec.path.name}"
    root.write(spec, plan.text.encode("utf-8", "surrogateescape"))
    args = plan.rpmbuild_args(el9=suite == "bullseye")
    for round_no in range(1, 8):
        proc = root.rpmbuild(spec, "-br", *args, check=False)
        for nosrc in root.path("/root/rpmbuild/SRPMS").glob("*.buildreqs.nosrc.rpm"):
            nosrc.unlink()
        if proc.returncode == 0:
            break
        log = proc.stdout[-4000:] + proc.stderr[-4000:]
        if proc.returncode != 11:
            return Build(root, spec, "rpmbuild -br: " + failing_line(proc.stdout + proc.stderr), log, round_no)
        missing = re.findall(r"^\s+(.+) is needed by ", proc.stderr, re.M)
        others = [m for m in missing if "crate(" not in m]
        dirs, unresolved = fedora_specs.crates_for([m for m in missing if "crate(" in m], registry)
        if others or unresolved:
            what = others + [f"{u} (no crate of Debian's registry satisfies it)" for u in unresolved]
            return Build(root, spec, "rpmbuild -br: needs " + "; ".join(what), log, round_no)
        if not dirs:
            return Build(root, spec, "rpmbuild -br exits 11 without naming a missing crate: "
                         + failing_line(proc.stdout + proc.stderr), log, round_no)
        add_crates(root, dirs, round_no)
    else:
        return Build(root, spec, "rpmbuild -br still asks for more after 7 rounds", "", 7)
    proc = root.rpmbuild(spec, "-ba", *args, check=False)
    if proc.returncode != 0:
        return Build(root, spec, "rpmbuild -ba: " + failing_line(proc.stdout + proc.stderr),
                     proc.stdout[-6000:] + proc.stderr[-4000:], round_no)
    return Build(root, spec, "", "", round_no)


# --- the judge ----------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    compared: int
    agreeing: int
    identical: int  # Requires identical in form to cargo2rpm's
    problems: Tuple[str, ...]


def install_cargo2rpm(root: BuildRoot) -> None:
    """cargo2rpm 0.4.0 and its command, without Fedora's cargo.attr (the
    build is over: only the judge runs it)."""
    with zipfile.ZipFile(cargo2rpm_root.wheel()) as whl:
        whl.extractall(root.path("/usr/lib/python3/dist-packages"))
    root.write("/usr/bin/cargo2rpm", cargo2rpm_root.SCRIPT.encode()).chmod(0o755)


def cargo2rpm_answers(root: BuildRoot, crate: Path, packages: Sequence[str]) -> Dict[str, Tuple[List[str], List[str]]]:
    """Package -> (Provides, Requires) as cargo.attr's cargo2rpm calls give
    them for the crate's Cargo.toml; one shell run for all of them. In the
    root where its Python can run cargo2rpm (3.10+); bullseye's 3.9 cannot,
    so there the same cargo2rpm 0.4.0 runs from this machine's venv."""
    in_root = root.suite != "bullseye"
    if in_root:
        install_cargo2rpm(root)
        where = f"/root/judge/{crate.name}"
        shutil.copytree(crate, root.path(where), ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
        command = "cargo2rpm"
    else:
        where = str(root.dir / "judge" / crate.name)
        shutil.copytree(crate, where, ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
        command = str(Path(sys.executable).parent / "cargo2rpm")
    script = []
    for name in packages:
        for direction in ("provides", "requires"):
            script.append(f"echo '@@ {name} {direction}'; echo {where}/Cargo.toml | "
                          f"{command} {direction} --subpackage --feature={name} 2>&1")
    if in_root:
        out = root.run("\n".join(script)).stdout
    else:
        out = subprocess.run(["sh", "-c", "\n".join(script)], capture_output=True, text=True, check=True).stdout
    answers: Dict[str, Tuple[List[str], List[str]]] = {n: ([], []) for n in packages}
    current: Optional[List[str]] = None
    for line in out.splitlines():
        head = re.match(r"^@@ (\S+) (provides|requires)$", line)
        if head:
            current = answers[head.group(1)][0 if head.group(2) == "provides" else 1]
        elif line.strip() and current is not None:
            current.append(line.strip())
    return {n: (sorted(p), sorted(r)) for n, (p, r) in answers.items()}


def other_os_only(crate_dir: Path) -> set:
    """Crates the crate depends on only for other operating systems: the
    Requires buildsys leaves out and cargo2rpm keeps."""
    meta = oracles.cargo_metadata(crate_dir)
    assert meta is not None
    deps = oracles.root_package(meta, crate_dir)["dependencies"]
    truth = oracles.rustc_linux_cfg_truth(d["target"] for d in deps if d["target"] and d["target"].startswith("cfg("))
    linux = {d["name"] for d in deps if oracles.target_is_linux(d["target"], truth)}
    return {d["name"] for d in deps} - linux


def capability_crate(dep: str) -> str:
    m = re.search(r"crate\(([^)/]+)", dep)
    return m.group(1) if m else ""


def judge(root: BuildRoot, plan: fedora_specs.Plan, built: Dict[str, Header]) -> Verdict:
    expected = {f"{plan.facts.name}-devel"} | {f"{plan.facts.name}+{f}-devel" for f in plan.facts.features}
    if not plan.facts.has_devel:
        expected = set()
    problems = [f"{n}: the spec lists it, the build made none" for n in sorted(expected - set(built))]
    devel = sorted(n for n in built if n in expected)
    assert plan.debian is not None
    theirs = cargo2rpm_answers(root, plan.debian, devel)
    foreign = other_os_only(plan.debian)
    agreeing = identical = 0
    for name in devel:
        provides, requires = own_deps(built[name])
        their_provides, their_requires = theirs[name]
        if not their_provides or not all(p.startswith("crate(") for p in their_provides):
            # cargo2rpm breaks the build on purpose with a line that is no dependency
            problems.append(f"{name}: cargo2rpm fails on it: {their_provides + their_requires}")
            continue
        if provides != their_provides:
            problems.append(f"{name}: Provides {provides}, cargo2rpm {their_provides}")
            continue
        linux_requires = [r for r in their_requires if capability_crate(r) not in foreign]
        try:
            assert_requires_agree(requires, linux_requires, name)
        except AssertionError:
            problems.append(f"{name}: Requires {requires}, cargo2rpm {linux_requires}")
            continue
        agreeing += 1
        identical += requires == their_requires
    problems += judge_applications(plan, built)
    return Verdict(len(devel), agreeing, identical, tuple(problems))


def judge_applications(plan: fedora_specs.Plan, built: Dict[str, Header]) -> List[str]:
    """Every application package the spec lists is built, with binaries
    where its text installs any; LICENSE.dependencies (cargo tree's
    ``LICENSE: NAME vVERSION`` lines) and bundled(crate()) Provides where the
    spec ships them."""
    problems = []
    text = plan.text
    listed = {fedora_specs.expand(m, plan.facts.macros) for m in re.findall(r"^%package\s+-n\s+(\S+)\s*$", text, re.M)}
    apps = sorted(n for n in listed if not n.endswith("-devel"))
    problems += [f"{n}: the spec lists it, the build made none" for n in apps if n not in built]
    headers = [built[n] for n in apps if n in built]
    if re.search(r"%\{_bindir\}|/usr/bin/", text):
        problems += [f"{h.name}: no binary in /usr/bin" for h in headers if not any(f.startswith("/usr/bin/") for f in h.files)]
    if "LICENSE.dependencies" in text:
        shipped = [(h, f) for h in headers for f in h.files if f.endswith("/LICENSE.dependencies")]
        if not shipped:
            problems.append("no package ships LICENSE.dependencies")
        for h, f in shipped:
            lines = payload_file(h.path, f).decode().splitlines()
            wrong = [line for line in lines if not re.fullmatch(r".+: \S+ v\S+", line)]
            if not lines or wrong:
                problems.append(f"{h.name}: LICENSE.dependencies is not cargo tree's license list: {(wrong or ['(empty)'])[0]}")
    if "cargo-vendor.txt" in text and not any(p.startswith("bundled(crate(") for h in headers for p in h.provides):
        problems.append("cargo-vendor.txt shipped, no bundled(crate()) Provides")
    return problems


# --- the tests ------------------------------------------------------------------

RPMLINT_CONFIG = REPO / "tests" / "fixtures" / "rpmlint.toml"


def rpmlint_errors(packages: Sequence[Path]) -> List[str]:
    """rpmlint 2.x's errors on the binary packages a spec built, with the
    tests' narrow filters (tests/fixtures/rpmlint.toml says why each is
    there); [] where this machine has no rpmlint (make check installs it)."""
    if not packages or shutil.which("rpmlint") is None:
        return []
    proc = subprocess.run(["rpmlint", "-c", str(RPMLINT_CONFIG), *map(str, packages)], capture_output=True, text=True)
    return [line for line in proc.stdout.splitlines() if ": E: " in line]


def spec_summaries(text: str) -> List[str]:
    """The Summary tags a spec writes itself, macros left as written."""
    return [m.group(1).strip() for m in re.finditer(r"^Summary:\s*(.+)$", text, re.M) if "%" not in m.group(1)]


def run_one(corpus_spec, suite: str, corpus_registry: Path, tmp_path: Path, figures) -> None:
    plan = fedora_specs.plan(corpus_spec, corpus_registry)
    changes = tuple(c.what for c in plan.changes)
    if suite == "bullseye":
        changes += ("%rhel 9 and %el9 defined as an EL9 root's redhat-rpm-config defines them",)
    figures[f"fedora specs on RPM {SUITES[suite]}: collected"] += 1
    if plan.blocker:
        REPORT.append(Row(suite, corpus_spec.id, "cannot build here", changes, detail=plan.blocker))
        figures[f"fedora specs on RPM {SUITES[suite]}: cannot be built here"] += 1
        pytest.skip(plan.blocker)
    result = build(plan, suite, tmp_path, corpus_registry)
    try:
        if result.failure:
            traced = " (xfail)" if suite == "trixie" and open_causes(corpus_spec.id) else ""
            REPORT.append(Row(suite, corpus_spec.id, "FAILED" + traced, changes, detail=result.failure))
            pytest.fail(f"{corpus_spec.id} does not build on RPM {SUITES[suite]}: {result.failure}\n{result.log}")
        built = {n: h for n, h in result.root.built().items()
                 if n != "debian-bridge" and not n.startswith(("corpus-crates-", "buildsys-macro-names"))}
        verdict = judge(result.root, plan, built)
        figures[f"fedora specs on RPM {SUITES[suite]}: built"] += 1
        figures[f"fedora specs on RPM {SUITES[suite]}: -devel packages compared with cargo2rpm"] += verdict.compared
        figures[f"fedora specs on RPM {SUITES[suite]}: of them agreeing"] += verdict.agreeing
        figures[f"fedora specs on RPM {SUITES[suite]}: of them with Requires identical in form"] += verdict.identical
        lint = rpmlint_errors([h.path for h in built.values()])
        # the packager's own text, which the test must not change: a Summary
        # over 79 columns as the spec publishes it (07-rust-cfg-if0.1's)
        own = [e for e in lint if any(e.endswith(f": E: summary-too-long {t}") for t in spec_summaries(plan.text))]
        figures[f"fedora specs on RPM {SUITES[suite]}: packages linted by rpmlint"] += len(built)
        figures[f"fedora specs on RPM {SUITES[suite]}: rpmlint errors"] += len(lint) - len(own)
        figures[f"fedora specs on RPM {SUITES[suite]}: rpmlint errors in the spec's own Summary"] += len(own)
        problems = list(verdict.problems) + [e for e in lint if e not in own]
        row = Row(suite, corpus_spec.id, "built" if not problems else "FAILED (judged)", changes,
                  verdict.compared, verdict.agreeing, "; ".join(problems)[:300])
        REPORT.append(row)
        assert not problems, "\n".join(problems)
        assert verdict.compared or not plan.facts.has_devel, "a library spec with no -devel package built"
    finally:
        result.root.remove()


@pytest.mark.rpmbuild
@pytest.mark.corpus
@pytest.mark.slow
def test_fedora_spec_builds_unchanged_with_buildsys_and_its_packages_match_cargo2rpm(
        corpus_spec, corpus_registry, tmp_path, figures):
    run_one(corpus_spec, "trixie", corpus_registry, tmp_path, figures)


@pytest.mark.rpmbuild
@pytest.mark.corpus
@pytest.mark.slow
def test_fedora_spec_that_declares_epel_support_builds_on_el9(corpus_spec, corpus_registry, tmp_path, figures):
    run_one(corpus_spec, "bullseye", corpus_registry, tmp_path, figures)
