"""Pure helpers shared by the tests (no root, no corpus, no rpm bindings):
paths, the fixture crates, SemVer -> RPM versions written from the rule
(not buildsys's own converter: an oracle must not be the code under test),
the spec a packager writes, running ``python -m buildsys``, reproducible
tarballs, and the check that a test doing root or corpus work carries the
marker saying so.

Where the rest lives: rpmroot.py (Debian roots, BuildRoot, built RPMs'
headers), repo_helpers.py (RPM repositories, dnf, buildsys's own RPM),
debian_corpus.py (the Debian crate corpus), oracles.py and expectations.py
(independent judges and the expectations built from them).
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

# --- paths --------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SPECS = FIXTURES / "specs"
# where Fedora's and Debian's cargo read crates from, inside a root
REGISTRY = "/usr/share/cargo/registry"


# --- versions -----------------------------------------------------------------

def rpm_version(semver: str) -> str:
    """Fedora's RPM form of a SemVer version (rpm-facts §1), by hand from the
    rule: ``+build`` metadata is dropped, the first ``-`` (the start of the
    pre-release) becomes ``~``, and a ``-`` inside the pre-release ``_``.
    1.0.0-rc-1 -> 1.0.0~rc_1; 1.0.0-alpha.1+x -> 1.0.0~alpha.1."""
    release, dash, pre = semver.split("+", 1)[0].partition("-")
    return release + ("~" + pre.replace("-", "_") if dash else "")


def caret(cap: str, lo: str, hi: str) -> str:
    """The dependency Fedora writes for a caret range: ``lo <= V < hi``,
    with the ``~`` that keeps ``hi``'s pre-releases out."""
    return f"({cap} >= {lo} with {cap} < {hi}~)"


# --- the fixture crates -----------------------------------------------------

class Crate(NamedTuple):
    """A crate and its spec: ``name, version, src, spec = crate``."""

    name: str
    version: str  # SemVer, as in Cargo.toml
    src: Path
    spec: Path

    @property
    def rpm_version(self) -> str:
        return rpm_version(self.version)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


LEAF = Crate("leaf", "1.2.0", FIXTURES / "leaf", SPECS / "rust-leaf.spec")
MID = Crate("mid", "0.4.0", FIXTURES / "mid", SPECS / "rust-mid.spec")
APP = Crate("app", "2.0.0", FIXTURES / "app", SPECS / "app.spec")
EXAMPLE = Crate("hello-features", "0.3.1-beta.2", REPO / "examples" / "hello-features",
                REPO / "examples" / "rust-hello-features.spec")


def leaf_at(version: str, workdir: Path, extra_feature: str = "") -> Crate:
    """The leaf fixture published at another version: the same Cargo.toml
    (plus an empty feature ``extra_feature``, if given) and the same spec
    but for the version, so that a repository can hold providers of
    crate(leaf...) that mid's requirement (leaf ^1.2) must or must not
    accept, or a packager can bump Version and nothing else."""
    src = workdir / f"leaf-{version}"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(LEAF.src, src, ignore=shutil.ignore_patterns("target"))
    toml = src / "Cargo.toml"
    text = toml.read_text()
    assert text.count(f'version = "{LEAF.version}"') == 1
    text = text.replace(f'version = "{LEAF.version}"', f'version = "{version}"')
    if extra_feature:
        assert text.count("[features]\n") == 1
        text = text.replace("[features]\n", f"[features]\n{extra_feature} = []\n")
    toml.write_text(text)
    crate = Crate("leaf", version, src, workdir / f"rust-leaf-{version}.spec")
    spec = LEAF.spec.read_text()
    line = f"Version:        {LEAF.rpm_version}\n"
    assert line in spec
    crate.spec.write_text(spec.replace(line, f"Version:        {crate.rpm_version}\n"))
    return crate


# --- specs --------------------------------------------------------------------

# The documented version gate (docs/compat.md): BuildSystem on RPM 4.20+,
# the compat layer's static sections before.
GATE_OPEN, GATE_ELSE, GATE_CLOSE = "%if %{cargo_buildsystem}", "%else", "%endif"


def crate_spec(name: str, version: str, summary: str, license_: str = "MIT", *, gate: bool = True,
               build_option: str = "", noarch: bool = True, extra: str = "") -> str:
    """The spec a packager writes for crate NAME at VERSION (SemVer): the
    header, ``BuildSystem: cargo`` (behind the version gate, with
    ``%cargo_compat`` for older RPM, unless ``gate=False``), a
    ``BuildOption(build)`` of ``build_option``, ``extra`` lines. No %files:
    binaries go to the NAME package the build generates."""
    lines = [
        f"Name:           rust-{name}",
        f"Version:        {rpm_version(version)}",
        "Release:        1%{?dist}",
        f"Summary:        {summary}",
        f"License:        {license_}",
        f"URL:            https://crates.io/crates/{name}",
        "Source:         %{crates_source}",
    ]
    if noarch:
        lines.append("BuildArch:      noarch")
    options = [f"BuildOption(build): {build_option}"] if build_option else []
    if gate:
        compat = f"%cargo_compat -- build: {build_option}" if build_option else "%cargo_compat"
        lines += [GATE_OPEN, "BuildSystem:    cargo", *options, GATE_ELSE, compat, GATE_CLOSE]
    else:
        lines += ["BuildSystem:    cargo", *options]
    if extra:
        lines.append(extra.rstrip("\n"))
    lines += ["", "%description", "%{summary}.", ""]
    return "\n".join(lines)


def minimal_spec(name: str, version: str, license_: str, has_binaries: bool, extra: str) -> str:
    """The minimal spec for a Debian crate built on RPM 4.20+ only (no gate):
    Name, Version, Source and BuildSystem: cargo, plus ``extra`` lines."""
    return crate_spec(name, version, f"Debian's {name} crate", license_, gate=False, noarch=not has_binaries,
                      extra=extra)


# --- running buildsys ---------------------------------------------------------

def run_buildsys(*args: str, stdin: Optional[str] = None, env: Optional[Dict[str, str]] = None,
                 text: bool = True) -> subprocess.CompletedProcess:
    """``python -m buildsys ARGS`` from the work tree, as a packager runs it;
    its output is captured, its exit status is the caller's to judge."""
    return subprocess.run([sys.executable, "-m", "buildsys", *args], cwd=REPO, input=stdin, env=env,
                          capture_output=True, text=text)


def buildsys_ok(*args: str, env: Optional[Dict[str, str]] = None, text: bool = True) -> Union[str, bytes]:
    """The standard output of ``python -m buildsys ARGS``, which must succeed."""
    proc = run_buildsys(*args, env=env, text=text)
    err = proc.stderr if text else proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, f"buildsys {' '.join(args)} exited {proc.returncode}: {err}"
    return proc.stdout


def buildsys_new(source: Path, *options: str) -> str:
    """The spec ``buildsys new [OPTIONS] SOURCE`` writes."""
    return buildsys_ok("new", *options, str(source))  # type: ignore[return-value]


# --- reproducible tarballs ----------------------------------------------------

Member = Tuple[str, Union[Path, bytes]]  # name in the archive, a file or link on disk or the bytes


def reproducible_tar(dest: Path, members: Iterable[Member], keep_exec: bool = False) -> Path:
    """Write a tarball to ``dest`` (gzip, or xz for a ``.xz`` name) holding
    ``members`` in the order given, with fixed times, owners and modes (0644;
    0755 for an executable file when ``keep_exec``), so that it is the same
    bytes every run. A link is stored as a link, never what it points to."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, source in members:
            if isinstance(source, bytes):
                info = tarfile.TarInfo(name)
                info.size = len(source)
                data: Optional[io.BufferedIOBase] = io.BytesIO(source)  # type: ignore[assignment]
            else:
                info = tar.gettarinfo(str(source), name)
                data = None if info.issym() else open(source, "rb")
            executable = keep_exec and info.isfile() and not isinstance(source, bytes) and os.stat(source).st_mode & 0o111
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            info.mode = 0o755 if executable else 0o644
            try:
                tar.addfile(info, data)
            finally:
                if data is not None:
                    data.close()
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.name.endswith(".xz"):
        dest.write_bytes(lzma.compress(buf.getvalue()))
    else:
        with open(dest, "wb") as out, gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
            gz.write(buf.getvalue())
    return dest


def crate_archive(srcdir: Path, dest_dir: Path, name: str, version: str, skip: Sequence[str] = ("target",)) -> Path:
    """A .crate (tar.gz with NAME-VERSION/ on top) of a directory, the same
    bytes every run. Paths whose top-level name is in ``skip`` are left out
    (only there: cc's sources have a src/target/ of their own)."""
    paths = sorted(p for p in srcdir.rglob("*")
                   if (p.is_symlink() or p.is_file()) and p.relative_to(srcdir).parts[0] not in skip)
    members = [(f"{name}-{version}/{p.relative_to(srcdir)}", p) for p in paths]
    return reproducible_tar(dest_dir / f"{name}-{version}.crate", members)


# --- markers ------------------------------------------------------------------

# The test pytest is running (set by conftest.py; empty outside pytest, for
# the benchmarks and `make demo`, which use the same roots and corpus).
RUNNING: List[object] = []


def require_mark(mark: str, what: str) -> None:
    """Fail the running test if it does ``what`` without the marker ``mark``
    (pyproject.toml registers them): ``-m "not rpmbuild"`` and ``-m "not
    corpus"`` must really leave root building and corpus reading out."""
    if RUNNING and RUNNING[0].get_closest_marker(mark) is None:  # type: ignore[attr-defined]
        raise AssertionError(f"{RUNNING[0].nodeid} {what} but is not marked {mark!r}: "  # type: ignore[attr-defined]
                             f"add pytest.mark.{mark} to it (or pytestmark to its module)")


# --- small crates and workspaces on disk, for the unit tests -----------------

WORKSPACE = FIXTURES / "workspace"
# a workspace root with two members, a and b (see member)
WS = '[workspace]\nmembers = ["a", "b"]\n'
# the [package] of the manifests write_manifest writes, and its version
HEAD = '[package]\nname = "foo"\nversion = "1.2.3"\nedition = "2021"\n'
V = "1.2.3"


def tree(root: Path, files: Dict[str, str]) -> Path:
    """``files`` (path -> text) written under ``root``."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def member(name: str, extra: str = "", version: str = 'version = "1.0.0"') -> Dict[str, str]:
    """The files of a library member ``name`` of a workspace."""
    return {f"{name}/Cargo.toml": f'[package]\nname = "{name}"\n{version}\n{extra}', f"{name}/src/lib.rs": ""}


def write_manifest(root: Path, body: str, files: Sequence[str] = ("src/lib.rs",)):
    """Crate foo 1.2.3 (HEAD) with ``body`` below its [package], read."""
    from buildsys import manifest

    (root / "Cargo.toml").write_text(HEAD + textwrap.dedent(body))
    tree(root, {f: "" for f in files})
    return manifest.load(str(root / "Cargo.toml"))


def crate_caret(name: str, lo: str, hi: str, feature: Optional[str] = None) -> str:
    """:func:`caret` for ``crate(NAME[/FEATURE])``."""
    return caret(f"crate({name}/{feature})" if feature else f"crate({name})", lo, hi)


def crate_bytes(members: Dict[str, bytes]) -> bytes:
    """A .crate (tar.gz) holding ``members``: name -> bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def prepared_leaf(tmp_path: Path, cargo_toml: Optional[str] = None) -> Path:
    """The leaf fixture as %cargo_prep leaves it, in a NAME-VERSION
    directory; ``cargo_toml`` replaces its manifest first (a patch)."""
    from buildsys import prepare

    crate = tmp_path / "build" / "leaf-1.2.0"
    shutil.copytree(LEAF.src, crate, ignore=shutil.ignore_patterns("target"))
    if cargo_toml is not None:
        (crate / "Cargo.toml").write_text(cargo_toml)
    prepare.prepare(crate, REGISTRY)
    return crate


def prepare_workspace(root: Path, **check: str) -> None:
    """%cargo_prep -w, with ``crate`` and ``rpm_version`` if given."""
    from buildsys import prepare
    from buildsys.record import Options

    prepare.prepare(root, REGISTRY, Options(workspace=True), **check)


def workspace_at(root: Path):
    """The workspace project at ``root``, prepared or not."""
    from buildsys import project

    return project.load(str(root), workspace_option=True)


# a manifest body for write_manifest with every kind of feature value and
# dependency cargo has: dep:, X/f, X?/f, a rename, targets, build and dev
RICH = """
[features]
default = ["std"]
std = ["bar?/std"]
derive = ["dep:bar", "bar/derive"]
color = ["dep:colors"]
all = ["derive", "color", "baz/extra"]

[dependencies]
bar = { version = "1.0", optional = true, default-features = false, features = ["alloc"] }
colors = { package = "termcolor", version = "1.4", optional = true }
baz = "0.5"
quux = { version = "2", optional = true }

[target.'cfg(windows)'.dependencies]
winapi = { version = "0.3", features = ["winbase"] }

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[build-dependencies]
cc = { version = "1.0.80", default-features = false }

[dev-dependencies]
tempfile = "3"
"""


def foo_dependency(requirement: str, feature: Optional[str] = None) -> str:
    """The RPM dependency on ``crate(foo[/FEATURE])`` of a cargo requirement."""
    from buildsys.rpmdeps import range_dependency
    from buildsys.semver import Requirement

    return range_dependency("foo", feature, Requirement.parse(requirement).to_range())
