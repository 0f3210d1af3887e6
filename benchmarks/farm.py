"""``make farm``: a distribution's build of some root crates and their whole
closure (benchmarks.closure), from an empty repository, the way koji and
mock build:

- each crate's spec is ``buildsys new``'s, with the farm's packager fixes
  (FIXES, one ``%global cargo_options`` line each);
- its SRPM is built in a root that has only buildsys-srpm-macros;
- a fresh build root (the base set: bridges for Debian's cargo, rustc,
  python3 and make, and buildsys-srpm-macros) runs the ``rpmbuild -br``
  loop, installing what each round asks for with dnf from the repository;
- ``rpmbuild -ba``, no --nodeps, and createrepo_c over the repository.

Crates build in parallel, one per core, each as soon as what its build
root needs is in the repository. At the end: ``dnf repoclosure`` of the
repository, the application installed with dnf into a fresh installroot
and run, and a -sys crate's -devel package installed to see that it pulls
in its C library's development package.

    python -m benchmarks.farm [--roots "hexyl libz-sys"] [--json FILE] [--record]

The roots are Debian trixie's crates (tests/debian_corpus.py), in roots
without Debian's registry: every crate comes from the farm's repository.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from benchmarks import REPO
from benchmarks.closure import Closure, CrateVersion, Fix, Registry, by_version, closure
from buildsys.naming import compat_name

SUITE = "trixie"
REPO_DIR = "/srv/farm"
DEFAULT_ROOTS = ("hexyl", "libz-sys")


@dataclass(frozen=True)
class CLibrary:
    """A C library's development package as a Fedora repository has it:
    Debian's -dev package's files, repackaged under Fedora's name, with
    ``pkgconfig(MODULE) = VERSION`` for each module it ships (pkg-config's
    own answer in the root). The -sys crates name it in their fixes."""

    rpm: str
    deb: str
    modules: Tuple[str, ...]


C_LIBRARIES: Tuple[CLibrary, ...] = (
    CLibrary("zlib-devel", "zlib1g-dev", ("zlib",)),
    CLibrary("openssl-devel", "libssl-dev", ("openssl", "libssl", "libcrypto")),
    CLibrary("libgit2-devel", "libgit2-dev", ("libgit2",)),
    CLibrary("oniguruma-devel", "libonig-dev", ("oniguruma",)),
    CLibrary("bzip2-devel", "libbz2-dev", ("bzip2",)),
    CLibrary("xz-devel", "liblzma-dev", ("liblzma",)),
    CLibrary("libzstd-devel", "libzstd-dev", ("libzstd",)),
    CLibrary("sqlite-devel", "libsqlite3-dev", ("sqlite3",)),
    CLibrary("libcurl-devel", "libcurl4-openssl-dev", ("libcurl",)),
    CLibrary("dbus-devel", "libdbus-1-dev", ("dbus-1",)),
    CLibrary("freetype-devel", "libfreetype-dev", ("freetype2",)),
    CLibrary("fontconfig-devel", "libfontconfig-dev", ("fontconfig",)),
    CLibrary("libssh2-devel", "libssh2-1-dev", ("libssh2",)),
    CLibrary("libnghttp2-devel", "libnghttp2-dev", ("libnghttp2",)),
    # libclang for clang-sys (bindgen): no pkg-config module; its -dev
    # package is the one with the files (libclang-dev only depends on it)
    CLibrary("clang-devel", "libclang-19-dev", ()),
)

# What the farm's roots have besides rpmroot's BASE (and no Debian crates):
# dnf and createrepo_c as mock has them, repoclosure, pkg-config, and the C
# libraries' development files (Debian's; the repository's packages of
# them, above, tell the rpmdb).
TOOL_DEBS = ("dnf", "createrepo-c", "dnf-plugins-core", "pkgconf")


def _links(module: str) -> Fix:
    return Fix(("--requires", f"pkgconfig({module})", "--buildrequires", f"pkgconfig({module})"),
               f"links the C library of pkg-config module {module}, which Cargo.toml cannot name")


# The packager's fixes the farm knows, one line each in the spec
# (docs/buildoptions.md, the packager's fixes): what no Cargo.toml says.
FIXES: Dict[str, Fix] = {
    "libz-sys": _links("zlib"),
    "openssl-sys": _links("openssl"),
    "libgit2-sys": _links("libgit2"),
    "onig_sys": _links("oniguruma"),
    "bzip2-sys": _links("bzip2"),
    "lzma-sys": _links("liblzma"),
    "zstd-sys": _links("libzstd"),
    "libsqlite3-sys": _links("sqlite3"),
    "curl-sys": _links("libcurl"),
    "libdbus-sys": _links("dbus-1"),
    "freetype-sys": _links("freetype2"),
    "yeslogic-fontconfig-sys": _links("fontconfig"),
    "libssh2-sys": _links("libssh2"),
    "libnghttp2-sys": _links("libnghttp2"),
    "clang-sys": Fix(("--requires", "clang-devel", "--buildrequires", "clang-devel"),
                     "loads libclang, which has no pkg-config module: Fedora's package is clang-devel"),
    "tiny-keccak": Fix(("-a",), "its build script stops unless a hash function is chosen, and "
                       "no feature is on by default"),
}


@dataclass
class Outcome:
    """One crate's build, as the report gives it."""

    key: str
    spec: str  # the spec's Name
    wave: int
    result: str = "pending"  # built | fixed (built with a packager's fix) | failed
    failure: str = ""  # buildsys-bug | needs-fix | machine-limit
    evidence: str = ""  # the log line that shows the failure class
    fix: str = ""  # the spec line of the packager's fix
    wall: float = 0.0
    buildsys_cpu: float = 0.0  # CPU seconds of every buildsys call in the build (BUILDSYS_TIMES)
    br_rounds: int = 0
    packages: List[str] = field(default_factory=list)  # the binary RPMs it made
    build_root: List[str] = field(default_factory=list)  # the crate packages its build root held for -ba


# Failure classes, each with the log lines that show it; first match wins.
# Anything else that fails is counted as a buildsys bug: the farm must
# not hide one in another class.
CLASSES: Tuple[Tuple[str, str], ...] = (
    ("machine-limit", r"rust >= \S+ is needed|requires rustc \S+ or newer|feature `[^`]+` is required"
                      r"|No match for argument: rust >=|nothing provides rust >="),
    ("needs-fix", r"pkg-config.*(not found|exited with status)|Could not run `.*pkg-config|"
                  r"unable to find library|cannot find -l|fatal error: [^ ]+\.h: No such file"
                  r"|No match for argument: pkgconfig\(|couldn't find any valid shared libraries"
                  r"|failed to run custom build command for `\S+-sys v"),
)


def classify(log: str, unresolved: Sequence[str] = ()) -> Tuple[str, str]:
    """The class of a failed step from its own log (not the rounds before
    it, whose missing BuildRequires are the loop's normal course). A
    crate() BuildRequires dnf cannot find is the registry's limit when
    the closure already found nothing for it, else buildsys's bug: its
    metadata and its BuildRequires disagree."""
    for req in unresolved:
        if req in log:
            return "machine-limit", f"nothing in the registry satisfies {req}"
    for cls, pattern in CLASSES:
        m = re.search(pattern, log)
        if m:
            start = log.rfind("\n", 0, m.start()) + 1
            end = log.find("\n", m.end())
            return cls, log[start:end if end >= 0 else len(log)].strip()[:300]
    tail = [ln for ln in log.splitlines() if "error" in ln.lower()]
    return "buildsys-bug", (tail[-1] if tail else log.strip().splitlines()[-1] if log.strip() else "")[:300]


def spec_names(cl: Closure) -> Dict[str, str]:
    """rust-NAME for a crate's newest version in the closure, Fedora's
    compat name for an older one (both in one repository)."""
    newest: Dict[str, CrateVersion] = {}
    for c in cl.crates.values():
        newest[c.name] = max(newest.get(c.name, c), c, key=by_version)
    out = {}
    for key, c in cl.crates.items():
        v = c.manifest.version
        out[key] = f"rust-{c.name}" if newest[c.name].key == key else compat_name(c.name, v.major, v.minor, v.patch)
    return out


def spec_text(crate: CrateVersion, name: str, check: bool, fix: Optional[Fix]) -> str:
    """``buildsys new``'s spec, with the farm's options in the gate's one
    place: tests off for a crate whose dev-dependencies are outside the
    closure (a distribution's bootstrap), and the packager's fix."""
    words = ["new", str(crate.path)] + (["--compat"] if name != f"rust-{crate.name}" else [])
    proc = subprocess.run([sys.executable, "-m", "buildsys"] + words, capture_output=True, text=True,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1767225600", RPM_PACKAGER="buildsys farm <farm@example.org>"))
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip())
    options = ([] if check else ["--no-check"]) + list(fix.words if fix else ())
    lines = proc.stdout.splitlines(keepends=True)
    if fix:
        # the packager's fix replaces the FIXME that asked for it
        lines = [ln for ln in lines if not (ln.startswith("# FIXME: ") and "links a C library" in ln)
                 and not ln.startswith(("# with cargo_options: ", "# (NAME: the library's pkg-config"))]
    if not options:
        return "".join(lines)
    for i, line in enumerate(lines):
        if line.startswith("%global cargo_options "):
            lines[i] = line.rstrip("\n") + " " + " ".join(options) + "\n"
            return "".join(lines)
    return f"%global cargo_options {' '.join(options)}\n" + "".join(lines)


class Farm:
    def __init__(self, cl: Closure, workdir: Path, jobs: int,
                 progress=print, libraries: Sequence[CLibrary] = C_LIBRARIES) -> None:
        """``libraries``: the C libraries the roots and the repository have
        (the small farm of the tests needs zlib only)."""
        from repo_helpers import DNF

        self.closure = cl
        self.workdir = workdir
        self.jobs = jobs
        self.flavour = DNF[SUITE]
        self.names = spec_names(cl)
        self.wave_of = {k: i for i, wave in enumerate(cl.waves()) for k in wave}
        self.outcomes = {k: Outcome(k, self.names[k], self.wave_of[k]) for k in cl.crates}
        self.lock = threading.Lock()
        self.progress = progress
        self.started = time.monotonic()
        self.running: Dict[str, float] = {}
        self.libraries = tuple(libraries)
        self.debs = TOOL_DEBS + tuple(lib.deb for lib in self.libraries)

    # -- the base set and the repository --------------------------------

    def prepare(self) -> None:
        """buildsys's own RPMs, the bridges and the C libraries'
        development packages into the repository; the base set into a
        template root."""
        from repo_helpers import build_self, install_tools_bridge
        from rpmroot import BuildRoot

        self.repo_root = BuildRoot(SUITE, self.workdir / "repo", extra=self.debs, install=False, crates=False)
        install_tools_bridge(self.repo_root)
        self.self_rpms = build_self(self.repo_root)
        repo = self.repo_root.path(REPO_DIR)
        repo.mkdir(parents=True)
        bridges = [self.repo_root.path("/root/rpmbuild/RPMS/noarch/debian-bridge-1-1.noarch.rpm"),
                   self.repo_root.path("/root/out/debian-tools-bridge/noarch/debian-tools-bridge-1-1.noarch.rpm")]
        libraries = [p for lib in self.libraries for p in self._c_library(lib)]
        for rpm_file in bridges + libraries + [self.self_rpms.main, self.self_rpms.srpm_macros, self._base()]:
            shutil.copy2(rpm_file, repo / rpm_file.name)
        self.repo_root.run(f"createrepo_c --quiet {REPO_DIR}")
        self.template = BuildRoot(SUITE, self.workdir / "template", extra=self.debs, install=False, crates=False)
        install_tools_bridge(self.template)
        self._sync(self.template)
        self.template.run(self.flavour.cmd("/", {"farm": REPO_DIR}, "install", "buildsys-srpm-macros"))

    def _c_library(self, lib: CLibrary) -> List[Path]:
        """Debian's -dev package repackaged under Fedora's name (CLibrary):
        its files as dpkg lists them, symlinks kept; and the runtime
        package it requires, as Fedora splits them (zlib-devel, zlib),
        which provides what rpm's elfdeps says the shared objects behind
        the -dev package's .so links provide (bat links libgit2.so.1.9)."""
        r = self.repo_root
        runtime = lib.rpm[: -len("-devel")]
        objects = sorted({t for t in r.run(f"dpkg -L {lib.deb} | grep '\\.so$' | xargs -r readlink -f").stdout.split()
                          if t.endswith(tuple(f".so.{d}" for d in "0123456789")) or ".so." in t})
        runtime_provides = sorted({p.strip() for p in r.run(
            "printf '%s\\n' " + " ".join(objects) + " | /usr/lib/rpm/elfdeps --provides").stdout.split("\n")
            if p.strip()}) if objects else []
        built = [r.provides_package(runtime, f"the shared libraries of {lib.deb}", runtime_provides,
                                    f"Provides what the shared objects behind {lib.deb}'s links provide.")]
        listed = r.run(f"dpkg -L {lib.deb} | while read -r f; do [ -d \"$f\" ] && [ ! -L \"$f\" ] || echo \"$f\"; done")
        # static archives left out: the package stands for the files the
        # root has (Debian's), and libclang's alone are hundreds of MB
        files = [f for f in listed.stdout.split("\n") if f and not f.startswith("/usr/share/doc") and not f.endswith(".a")]
        provides = [f"pkgconfig({m}) = {r.run(f'pkg-config --modversion {m}').stdout.strip()}" for m in lib.modules]
        spec = "\n".join([
            f"Name: {lib.rpm}", "Version: 1", "Release: 1", f"Summary: {lib.deb} as {lib.rpm}",
            f"License: LicenseRef-Debian-{lib.deb}", *[f"Provides: {p}" for p in provides], f"Requires: {runtime}",
            "%description",
            f"Debian's {lib.deb}, repackaged: what a Fedora repository's {lib.rpm} holds.", "%install",
            *[f"mkdir -p %{{buildroot}}{os.path.dirname(f)} && cp -a {f} %{{buildroot}}{f}" for f in files],
            "%files", *files, ""])
        r.write(f"/root/specs/{lib.rpm}.spec", spec.encode())
        r.run(f"rpmbuild -bb --quiet --define '_rpmdir /root/out/{lib.rpm}' /root/specs/{lib.rpm}.spec")
        return built + [next(r.path(f"/root/out/{lib.rpm}").rglob(f"{lib.rpm}-*.rpm"))]

    def _base(self) -> Path:
        """The distribution's base, for what rpm's generators make packages
        require: the provides rpm's own elfdeps computes for the root's real
        libc, libm, ld.so and libgcc_s, rtld(GNU_HASH), which glibc's spec
        provides by hand, and /bin/sh and /usr/bin/pkg-config."""
        r = self.repo_root
        paths = []
        for soname in ("libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libgcc_s.so.1"):
            found = re.search(rf"^\s*{re.escape(soname)} \(libc6,x86-64\) => (\S+)", r.run("ldconfig -p").stdout, re.M)
            if found:
                paths.append(found.group(1))
        provides = r.run("printf '%s\\n' " + " ".join(paths) + " | /usr/lib/rpm/elfdeps --provides").stdout.split("\n")
        # and the commands packages' scripts and pkg-config files ask for by
        # path (bash's and pkgconf's in Fedora), where the root has them
        paths = [p for p in ("/bin/sh", "/usr/bin/pkg-config") if r.run(f"test -x {p}", check=False).returncode == 0]
        provides = sorted({p.strip() for p in provides if p.strip()} | {"rtld(GNU_HASH)"} | set(paths))
        return r.provides_package("base-standin", "the C runtime and shell of the build roots", provides,
                                  "Provides what the roots' libc, libm, ld.so, libgcc_s, sh and pkg-config provide.")

    def _sync(self, root) -> None:
        """The repository as it is now, into a root (hard links: the files
        are never changed in place, createrepo_c writes new ones)."""
        with self.lock:
            target = root.path(REPO_DIR)
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["cp", "-al", str(self.repo_root.path(REPO_DIR)), str(target)], check=True)

    def _publish(self, rpms: Sequence[Path]) -> None:
        with self.lock:
            repo = self.repo_root.path(REPO_DIR)
            for rpm_file in rpms:
                shutil.copy2(rpm_file, repo / rpm_file.name)
            self.repo_root.run(f"createrepo_c --quiet --update {REPO_DIR}")

    # -- one crate --------------------------------------------------------

    def build(self, key: str) -> Outcome:
        from rpmroot import SOURCES, BuildRoot, crate_archive

        out = self.outcomes[key]
        crate = self.closure.crates[key]
        fix = crate.fix  # the registry's, which the closure was planned with
        start = time.monotonic()
        where = self.workdir / "builds" / key
        times = "/root/buildsys-times.txt"
        env = {"BUILDSYS_TIMES": times}
        log: List[str] = []
        try:
            spec = spec_text(crate, out.spec, key in self.closure.with_check, fix)
            out.fix = next((ln for ln in spec.splitlines() if ln.startswith("%global cargo_options") and fix), "")
            (self.workdir / "specs").mkdir(exist_ok=True)
            (self.workdir / "specs" / f"{out.spec}.spec").write_text(spec)
            srpm_root = BuildRoot(SUITE, where / "srpm", extra=self.debs, install=False, crates=False,
                                  template=self.template.upper)
            crate_archive(crate.path, srpm_root.path(SOURCES), crate.name, crate.version,
                          skip=(".cargo-checksum.json", "debian", "target"))
            srpm_root.write(f"/root/{out.spec}.spec", spec.encode())
            proc = srpm_root.run(f"rpmbuild -bs /root/{out.spec}.spec", check=False)
            log.append(proc.stdout + proc.stderr)
            if proc.returncode != 0:
                raise _Failed()
            (srpm,) = srpm_root.path("/root/rpmbuild/SRPMS").glob("*.src.rpm")
            (self.workdir / "srpms").mkdir(exist_ok=True)
            shutil.copy2(srpm, self.workdir / "srpms" / srpm.name)
            srpm_root.remove()

            root = BuildRoot(SUITE, where / "build", extra=self.debs, install=False, crates=False,
                             template=self.template.upper)
            root.write(f"/root/{srpm.name}", (self.workdir / "srpms" / srpm.name).read_bytes())
            root.run(f"rpm -i /root/{srpm.name}")
            spec_path = f"/root/rpmbuild/SPECS/{out.spec}.spec"
            for _ in range(8):
                proc = root.run(f"rpmbuild -br {spec_path}", check=False, env=env)
                log.append(proc.stdout + proc.stderr)
                if proc.returncode == 0:
                    break
                if proc.returncode != 11:
                    raise _Failed()
                out.br_rounds += 1
                (nosrc,) = root.path("/root/rpmbuild/SRPMS").glob("*.buildreqs.nosrc.rpm")
                asked = [ln.strip() for ln in root.run(f"rpm -qp --requires {root.inside(nosrc)}").stdout.splitlines()
                         if ln.strip() and not ln.startswith("rpmlib(")]
                nosrc.unlink()
                self._sync(root)
                proc = root.run(self.flavour.cmd("/", {"farm": REPO_DIR}, "--refresh", "install", *asked), check=False)
                log.append(proc.stdout + proc.stderr)
                if proc.returncode != 0:
                    raise _Failed()
            else:
                log.append("the -br loop did not settle in 8 rounds")
                raise _Failed()
            out.build_root = sorted(n for n in root.run("rpm -qa --qf '%{NAME}\\n'").stdout.split() if n.startswith("rust-"))
            proc = root.run(f"rpmbuild -ba --define '_rpmdir /root/farm-out' {spec_path}", check=False, env=env)
            log.append(proc.stdout + proc.stderr)
            if proc.returncode != 0:
                raise _Failed()
            rpms = sorted(root.path("/root/farm-out").rglob("*.rpm"))
            out.packages = sorted(p.name for p in rpms)
            self._publish(rpms)
            out.result = "fixed" if fix else "built"
        except _Failed:
            out.result = "failed"
            out.failure, out.evidence = classify(log[-1] if log else "", self.closure.unresolved.get(key, ()))
        except Exception as exc:  # the farm's own trouble is reported, not hidden
            out.result = "failed"
            out.failure, out.evidence = "buildsys-bug", f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            out.wall = time.monotonic() - start
            times_file = where / "build" / f"root-{SUITE}" / "upper" / times.lstrip("/")
            if times_file.exists():
                out.buildsys_cpu = sum(float(ln.split()[1]) for ln in times_file.read_text().splitlines() if ln)
            (self.workdir / "logs").mkdir(exist_ok=True)
            (self.workdir / "logs" / f"{key}.log").write_text("\n".join(log))
            if out.result != "failed":
                shutil.rmtree(where, ignore_errors=True)
        return out

    # -- the whole farm ---------------------------------------------------

    def run(self) -> Dict[str, Outcome]:
        needs = self.closure.build_needs
        done: set = set()
        failed: set = set()
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            futures: Dict[concurrent.futures.Future, str] = {}
            waiting = set(self.closure.crates)
            while waiting or futures:
                for key in sorted(waiting, key=lambda k: (self.wave_of[k], k)):
                    if len(futures) >= self.jobs:
                        break
                    if needs[key] & failed:
                        waiting.discard(key)
                        failed.add(key)
                        o = self.outcomes[key]
                        o.result, o.failure = "failed", "blocked"
                        o.evidence = "needs " + ", ".join(sorted(needs[key] & failed))
                        continue
                    if needs[key] <= done:
                        waiting.discard(key)
                        self.running[key] = time.monotonic()
                        futures[pool.submit(self.build, key)] = key
                if not futures:
                    break
                finished, _ = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
                for f in finished:
                    key = futures.pop(f)
                    self.running.pop(key, None)
                    (done if f.result().result != "failed" else failed).add(key)
                self._progress(len(done), len(failed))
        return self.outcomes

    def _progress(self, done: int, failed: int) -> None:
        total = len(self.closure.crates)
        elapsed = time.monotonic() - self.started
        finished = done + failed
        left = (total - finished) * elapsed / finished if finished else 0
        self.progress(f"farm: {done} done, {failed} failed, {len(self.running)} running, {total - finished} left"
                      f" of {total}; {elapsed / 60:.1f} min so far, about {left / 60:.0f} min to go")

    # -- the result ---------------------------------------------------------

    def repoclosure(self) -> List[str]:
        """What ``dnf repoclosure`` finds unresolved in the repository."""
        proc = self.repo_root.run(self.flavour.cmd("/tmp/closure-root", {"farm": REPO_DIR}, "repoclosure",
                                                   "--check", "farm"), check=False)
        unresolved = [ln.strip() for ln in proc.stdout.splitlines() if ln.startswith("  ") and "unresolved" not in ln]
        if proc.returncode != 0 and not unresolved:
            unresolved = [f"repoclosure failed: {(proc.stdout + proc.stderr).strip()[-300:]}"]
        return unresolved

    def install(self, package: str) -> Tuple[bool, str]:
        """dnf installs ``package`` into a fresh installroot; True and the
        packages it brought, or False and why not."""
        installroot = f"/tmp/install-{re.sub(r'[^A-Za-z0-9]', '_', package)}"
        proc = self.repo_root.run(self.flavour.cmd(installroot, {"farm": REPO_DIR}, "install", package), check=False)
        if proc.returncode != 0:
            return False, (proc.stdout + proc.stderr).strip()[-500:]
        listed = self.repo_root.run(f"rpm --root={installroot} -qa --qf '%{{NAME}}\\n'").stdout.split()
        return True, " ".join(sorted(listed))


class _Failed(Exception):
    pass


def report_line(outcomes: Mapping[str, Outcome], unresolved: Sequence[str]) -> str:
    built = sum(o.result in ("built", "fixed") for o in outcomes.values())
    fixed = sum(o.result == "fixed" for o in outcomes.values())
    failed = sum(o.result == "failed" for o in outcomes.values())
    closure_word = "clean" if not unresolved else f"{len(unresolved)} unresolved"
    return (f"farm: {built - fixed} of {len(outcomes)} built unattended, {fixed} with packager fixes, "
            f"{failed} failed; repoclosure: {closure_word}")


def koji_chain(waves: Sequence[Sequence[str]], names: Mapping[str, str], srpms: Mapping[str, str]) -> str:
    """koji chain-build: ':' separates groups that build in order, the
    builds of one group in parallel."""
    groups = [" ".join(srpms.get(k, f"{names[k]}.src.rpm") for k in wave) for wave in waves]
    return "koji chain-build f-rust-farm " + " : ".join(groups)


def copr_batches(waves: Sequence[Sequence[str]], names: Mapping[str, str], srpms: Mapping[str, str]) -> List[str]:
    """copr-cli builds: the first of a wave starts a batch after the
    previous wave's (--after-build-id), the others join it (--with-build-id)."""
    lines = []
    for i, wave in enumerate(waves):
        for j, k in enumerate(wave):
            srpm = srpms.get(k, f"{names[k]}.src.rpm")
            if j == 0:
                after = "" if i == 0 else f" --after-build-id $WAVE{i - 1}"
                lines.append(f"WAVE{i}=$(copr-cli build --nowait{after} rust-farm {srpm} | sed -n 's/^Created builds: //p')")
            else:
                lines.append(f"copr-cli build --nowait --with-build-id $WAVE{i} rust-farm {srpm}")
    return lines


def markdown(outcomes: Mapping[str, Outcome], line: str, extra: Sequence[str]) -> str:
    rows = ["| crate | spec | wave | result | class | wall s | buildsys CPU s | -br rounds | evidence or fix |",
            "|---|---|---:|---|---|---:|---:|---:|---|"]
    for o in sorted(outcomes.values(), key=lambda o: (o.wave, o.key)):
        note = o.evidence if o.result == "failed" else o.fix
        rows.append(f"| {o.key} | {o.spec} | {o.wave} | {o.result} | {o.failure} | {o.wall:.1f} | "
                    f"{o.buildsys_cpu:.2f} | {o.br_rounds} | {note.replace('|', '/')} |")
    return "\n".join(list(extra) + ["", *rows, "", line, ""])


def main(argv: Optional[Sequence[str]] = None) -> int:
    sys.path.insert(0, str(REPO / "tests"))
    from debian_corpus import cache_root, ensure_corpus

    ap = argparse.ArgumentParser(prog="make farm", description=__doc__.split("\n\n")[0])
    ap.add_argument("--roots", default=" ".join(DEFAULT_ROOTS), help="root crates, space-separated")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", default="", help="the report as JSON here")
    ap.add_argument("--record", action="store_true", help="write the report into docs/farm.md")
    ap.add_argument("--workdir", default="", help="keep the roots, logs, specs and SRPMs here")
    ap.add_argument("--plan-only", action="store_true", help="print the closure and the waves, build nothing")
    args = ap.parse_args(argv)
    roots = args.roots.split()
    registry = Registry(ensure_corpus(), FIXES)
    cl = closure(registry, roots)
    waves = cl.waves()
    names = spec_names(cl)
    print(f"farm: {len(cl.crates)} crates for {', '.join(roots)}, in {len(waves)} waves "
          f"({', '.join(str(len(w)) for w in waves)}); {args.jobs} at a time on {os.cpu_count()} cores")
    for key, reqs in sorted(cl.unresolved.items()):
        print(f"farm: {key}: nothing in the registry satisfies {', '.join(reqs)}")
    if args.plan_only:
        for i, wave in enumerate(waves):
            print(f"wave {i}: {' '.join(names[k] for k in wave)}")
        return 0
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="farm-", dir=str(cache_root())))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    farm = Farm(cl, workdir, args.jobs, progress=lambda s: print(s, flush=True))
    farm.prepare()
    outcomes = farm.run()
    unresolved = farm.repoclosure()
    srpms = {k: p.name for k in cl.crates for p in (workdir / "srpms").glob(f"{names[k]}-{cl.crates[k].rpm_version}-*.src.rpm")}
    checks = run_checks(farm, roots)
    wall = time.monotonic() - started
    line = report_line(outcomes, unresolved)
    extra = [f"Roots: {', '.join(roots)}. {len(cl.crates)} crates in {len(waves)} waves; {args.jobs} builds at a time "
             f"on {os.cpu_count()} cores; wall time {wall / 60:.1f} min (`make farm ROOTS=\"{' '.join(roots)}\"`).", ""]
    extra += [f"- {c}" for c in checks] + [f"- unresolved: {u}" for u in unresolved]
    extra += ["", "```", koji_chain(waves, names, srpms), "```", "", "```", *copr_batches(waves, names, srpms), "```"]
    document = {
        "roots": roots, "crates": len(cl.crates), "waves": [[names[k] for k in w] for w in waves],
        "cores": os.cpu_count(), "jobs": args.jobs, "wall_seconds": round(wall, 1),
        "outcomes": {k: asdict(o) for k, o in sorted(outcomes.items())},
        "totals": {"unattended": sum(o.result == "built" for o in outcomes.values()),
                   "fixed": sum(o.result == "fixed" for o in outcomes.values()),
                   "failed": {cls: sum(o.failure == cls for o in outcomes.values() if o.result == "failed")
                              for cls in ("buildsys-bug", "needs-fix", "machine-limit", "blocked")}},
        "repoclosure_unresolved": unresolved, "checks": checks, "workdir": str(workdir),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    if args.record:
        doc = REPO / "docs" / "farm.md"
        head = doc.read_text().split("<!-- farm report -->")[0] if doc.exists() else "# The farm\n\n"
        doc.write_text(head + "<!-- farm report -->\n" + markdown(outcomes, line, extra))
    for c in checks:
        print(f"farm: {c}")
    print(line)
    return 0


def run_checks(farm: Farm, roots: Sequence[str]) -> List[str]:
    """What a user would do with the result: install each root's packages
    with dnf into a fresh installroot; run an application; see that a -sys
    crate's -devel package brought its C library's development package."""
    lines = []
    for name in roots:
        key = next(k for k in farm.closure.roots if farm.closure.crates[k].name == name)
        out = farm.outcomes[key]
        bins = [p for p in out.packages if p.startswith(f"{name}-") and not p.startswith(f"{name}-debug")]
        if bins:
            ok, what = farm.install(name)
            lines.append(f"dnf install {name}: {'ok' if ok else 'FAILED'} ({what[-200:]})")
            if ok:
                lines += application_checks(farm, name)
        if farm.closure.crates[key].links:
            ok, what = farm.install(f"rust-{name}-devel")
            pulled = [w for w in what.split() if w.endswith("-devel") and not w.startswith("rust-")]
            lines.append(f"dnf install rust-{name}-devel: {'ok' if ok else 'FAILED'}; C library packages it pulled in: "
                         f"{', '.join(pulled) or 'none'}")
    return lines


def application_checks(farm: Farm, name: str) -> List[str]:
    """hexyl as a user runs it; another application: --version only."""
    root = farm.repo_root
    installroot = f"/tmp/install-{name}"
    lines = []
    proc = root.run(f"{installroot}/usr/bin/{name} --version", check=False)
    lines.append(f"{name} --version: {proc.stdout.strip() or proc.stderr.strip()[-200:]} (exit {proc.returncode})")
    if name == "hexyl":
        data = bytes(range(0x3c, 0x5c)) + b"\x00\xff\n"
        root.write("/tmp/dump.bin", data)
        proc = root.run(f"{installroot}/usr/bin/hexyl --color=never --border=none /tmp/dump.bin", check=False)
        got = dumped_bytes(proc.stdout)
        lines.append(f"hexyl's dump of a {len(data)}-byte file: offsets and bytes "
                     f"{'match the file' if got == data else 'DIFFER from the file'} (exit {proc.returncode})")
    return lines


def dumped_bytes(output: str) -> bytes:
    """The bytes a hexyl dump shows, read from its offset and hex columns
    (each line: an 8-digit offset, then up to 16 two-digit bytes); an
    offset out of sequence makes the result differ from the file."""
    data = bytearray()
    for line in output.splitlines():
        words = line.split()
        if not words or not re.fullmatch(r"[0-9a-f]{8}", words[0]) or int(words[0], 16) != len(data):
            if words:
                return b"unreadable line: " + line.encode()
            continue
        for w in words[1:17]:
            if not re.fullmatch(r"[0-9a-f]{2}", w):
                break
            data.append(int(w, 16))
    return bytes(data)


if __name__ == "__main__":
    sys.exit(main())
