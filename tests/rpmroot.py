"""Real rpmbuild in Debian roots: trixie (RPM 4.20.1, cargo 1.85) and forky
(RPM 6.1, cargo 1.97), and bullseye (RPM 4.16.1.2, Python 3.9) as the EL9
stand-in, provisioned with mmdebstrap and cached in ``$BUILDSYS_CACHE/roots``
with a stamp per package set, so that a second run costs nothing
(rpm-facts §2); and the built RPMs' headers, read with the host's bindings.

Each :class:`BuildRoot` is a private overlay on the cached root, so a test can
``make install`` buildsys, install RPMs into the rpmdb and the crate registry,
and throw it all away afterwards. Debian's cargo, rustc and ``librust-*-dev``
crates are not RPM packages; a bridge package tells the rpmdb what they
provide (``cargo``, ``rust``, and ``crate(...)`` for each registry crate), so
that BuildRequires and Requires are checked for real, with no ``--nodeps``.

Only tests marked ``rpmbuild`` may make a root (:func:`ensure_root` checks).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import rpm

from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from debian_corpus import cache_root
from helpers import REGISTRY, REPO, Crate, crate_archive, require_mark

__all__ = ["REPO", "REGISTRY", "crate_archive", "BuildRoot", "Header", "root_fixture", "spec_built", "payload_file", "ensure_root"]

MIRROR = "http://deb.debian.org/debian"
SOURCES = "/root/rpmbuild/SOURCES"

# The crates the fixtures and the bundled example build against, as Debian
# packages them into /usr/share/cargo/registry.
CRATES = [
    "librust-libc-dev",
    "librust-log-dev",
    "librust-serde-dev",
    "librust-serde+derive-dev",
    "librust-serde-json-dev",
    "librust-serde-json+preserve-order-dev",
    "librust-termcolor-dev",
    "librust-cc-dev",
    "librust-tempfile-dev",
    # the oracle of the version-math differential (tests/semver_oracle)
    "librust-semver-dev",
]
BASE = ["rpm", "file", "python3", "python3-packaging", "cargo", "rustc", "make", "elfutils"]
SUITES = {"trixie": "4.20.1", "forky": "6.1"}
# The EL9 stand-in: RPM 4.16.1.2, Python 3.9, Lua 5.2. Its rustc (1.48) is
# too old for today's crates, so this machine's toolchain is bind-mounted,
# as EL9's rust-toolset stands beside the platform; its crates are trixie's,
# so that both sides build against the same registry.
COMPAT_SUITES = {"bullseye": "4.16.1.2"}
BULLSEYE_BASE = ["rpm", "file", "python3", "python3-packaging", "make", "elfutils", "cpio", "gcc", "libc6-dev", "patch"]
# RHEL 10 / EPEL 10's RPM, 4.19.1.1, which no Debian suite ships: built from
# its upstream release source (../shared/upstream) into a layer over the
# trixie root, whose cargo, rustc and crates the 4.20.1 tests use too
# (rpm-facts §2). Debian's rpm is purged in that layer: 4.19 and 4.20 share
# librpm.so.10. The layer is cached like the roots.
EL10_SUITES = {"el10": "4.19.1.1"}
RPM419_TARBALL = "rpm-4.19.1.1.tar.xz"
RPM419_SHA256 = "d3d1765185e7475d97fffdc818c06e9205519381921f670f6ddcc0a82fffaa70"
# what building it needs (gawk: with mawk the tag table comes out empty),
# and what its build runs (debugedit, cpio, patch)
RPM419_BUILD_DEPS = ["cmake", "gcc", "make", "pkgconf", "gawk", "libpopt-dev", "libarchive-dev", "libmagic-dev",
                     "liblua5.4-dev", "libgcrypt20-dev", "libsqlite3-dev", "zlib1g-dev", "libzstd-dev", "liblzma-dev",
                     "libbz2-dev", "libelf-dev", "libdw-dev", "debugedit", "cpio", "patch"]
RPM419_BUILD = """set -e
cd /tmp
tar -xJf {tarball}
cmake -S rpm-4.19.1.1 -B rpm-build -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_SYSCONFDIR=/etc \
  -DCMAKE_INSTALL_LOCALSTATEDIR=/var -DWITH_INTERNAL_OPENPGP=ON -DENABLE_PYTHON=OFF -DENABLE_TESTSUITE=OFF \
  -DENABLE_NLS=OFF -DENABLE_OPENMP=OFF -DENABLE_PLUGINS=OFF -DENABLE_NDB=OFF -DWITH_CAP=OFF -DWITH_ACL=OFF \
  -DWITH_SELINUX=OFF -DWITH_DBUS=OFF -DWITH_AUDIT=OFF -DWITH_FAPOLICYD=OFF -DWITH_READLINE=OFF >/dev/null
make -s -C rpm-build -j2 >/dev/null
dpkg --purge --force-depends $(dpkg-query -W -f '${{Package}}\n' rpm rpm-common rpm2cpio 'librpm*' python3-rpm 2>/dev/null)
make -s -C rpm-build install >/dev/null
ldconfig
rm -rf rpm-4.19.1.1 rpm-build {tarball}
test "$(rpm --version)" = "RPM version 4.19.1.1"
test "$(rpm --querytags | wc -l)" -gt 100
"""
# cargo offline against Debian's registry in a root (/root/.cargo/config.toml),
# for the tools the tests build there themselves
DEBIAN_REGISTRY_CARGO_CONFIG = f"""\
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "{REGISTRY}"
[net]
offline = true
""".encode()


def ensure_root(suite: str, packages: Sequence[str]) -> Path:
    """The cached root of ``suite`` with ``packages``, made with mmdebstrap
    the first time (one lock per package set, so that parallel runs wait)."""
    require_mark("rpmbuild", "uses a Debian root")
    base = cache_root() / "roots"
    base.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha256(" ".join(sorted(packages)).encode()).hexdigest()[:12]
    root = base / f"{suite}-{tag}"
    stamp = base / f"{suite}-{tag}.stamp"
    with open(base / f"{suite}-{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists():
            return root
        if root.exists():
            shutil.rmtree(root)
        subprocess.run(
            ["mmdebstrap", "--variant=minbase", "--mode=root", "--quiet",
             "--aptopt=Acquire::Check-Valid-Until \"false\"",
             "--include=" + ",".join(packages), suite, str(root), MIRROR],
            check=True,
        )
        stamp.touch()
    return root


def base_root(suite: str, extra: Sequence[str] = (), crates: bool = True) -> Path:
    """The cached root of ``suite``; ``extra`` Debian packages make another
    cached root (e.g. dnf and createrepo-c for the repository tests).
    ``crates=False``: no Debian crates in the registry (the farm's roots,
    whose crates all come from its own repository)."""
    registry = CRATES if crates else []
    if suite in COMPAT_SUITES:
        return ensure_root(suite, BULLSEYE_BASE + list(extra))
    if suite in EL10_SUITES:
        return ensure_root("trixie", BASE + registry + RPM419_BUILD_DEPS + list(extra))
    return ensure_root(suite, BASE + registry + list(extra))


def shared_upstream() -> Path:
    """../shared/upstream beside the clone (this machine's /work/shared
    where the clone is elsewhere): upstream files tests use as they are."""
    for candidate in (REPO.parent / "shared" / "upstream", Path("/work/shared/upstream")):
        if candidate.is_dir():
            return candidate
    raise AssertionError("../shared/upstream is not beside the clone: the machine provides it")


def el10_layer(lower: Path) -> Path:
    """RPM 4.19.1.1 built and installed over ``lower`` (the trixie root with
    its build dependencies), as an overlay layer cached beside the roots."""
    tarball = shared_upstream() / RPM419_TARBALL
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    assert digest == RPM419_SHA256, f"{tarball}: sha256 {digest}, not the release's"
    tag = hashlib.sha256((lower.name + RPM419_BUILD).encode()).hexdigest()[:12]
    base = cache_root() / "roots"
    layer, stamp = base / f"el10-{tag}", base / f"el10-{tag}.stamp"
    with open(base / f"el10-{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists():
            return layer
        shutil.rmtree(layer, ignore_errors=True)
        scratch = base / f"el10-{tag}.scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        for d in (layer / "tmp", scratch / "work", scratch / "merged"):
            d.mkdir(parents=True)
        shutil.copy(tarball, layer / "tmp" / RPM419_TARBALL)
        proc = overlay_run([lower], layer, scratch / "work", scratch / "merged", None,
                           RPM419_BUILD.format(tarball=RPM419_TARBALL), {})
        shutil.rmtree(scratch, ignore_errors=True)
        if proc.returncode != 0:
            raise AssertionError(f"building RPM 4.19.1.1 failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        stamp.touch()
    return layer


def overlay_run(lowers: Sequence[Path], upper: Path, work: Path, merged: Path, sysroot: Optional[Path], command: str,
                env: Dict[str, str]) -> subprocess.CompletedProcess:
    """``command`` in a chroot of the overlay of ``lowers`` (top first) and
    ``upper``, in a private mount namespace that leaves nothing mounted."""
    lowerdir = ":".join(str(p) for p in lowers)
    script = (
        f"mount -t overlay overlay -o lowerdir={lowerdir},upperdir={upper},workdir={work} {merged}"
        f" && mount -t proc proc {merged}/proc && mount --rbind /dev {merged}/dev"
        + (f" && mount --bind -o ro {sysroot} {merged}{sysroot}" if sysroot else "")
        + f" && exec chroot {merged} /bin/sh -c \"$0\""
    )
    environ = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
    environ.update(env)
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, command],
                          capture_output=True, text=True, errors="backslashreplace", env=environ)


def host_rust_sysroot() -> Path:
    return Path(subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True).stdout.strip())


def tomli_wheel() -> Path:
    """tomli for Python 3.9 roots (EL9 packages python3-tomli; bullseye does
    not), fetched once into the cache."""
    wheels = cache_root() / "wheels"
    found = sorted(wheels.glob("tomli-*.whl"))
    if not found:
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels), "tomli>=1.1,<2.1"],
                       check=True)
        found = sorted(wheels.glob("tomli-*.whl"))
    return found[-1]


def registry_provides(cargo_tomls: Iterable[Path], exclude: Sequence[str] = ()) -> List[str]:
    """What the crates of these Cargo.toml files provide, in RPM terms (the
    crate and each feature), but those named in ``exclude``."""
    caps = []
    for cargo_toml in sorted(cargo_tomls):
        m = manifest_mod.load(str(cargo_toml))
        if m.name in exclude:
            continue
        caps.append(plan_mod.provides(m, None))
        caps.extend(plan_mod.provides(m, f) for f in plan_mod.feature_names(m))
    return caps


def provides_only_spec(name: str, summary: str, provides: Sequence[str], description: str) -> str:
    """An empty noarch package that only provides (the bridges)."""
    return "\n".join(
        [f"Name: {name}", "Version: 1", "Release: 1", f"Summary: {summary}", "License: MIT", "BuildArch: noarch"]
        + [f"Provides: {p}" for p in provides]
        + ["%description", description, "%files", ""]
    )


class BuildRoot:
    """An overlay on a cached root. ``run`` executes in a fresh mount
    namespace each call; the upper layer keeps the changes between calls."""

    def __init__(self, suite: str, workdir: Path, extra: Sequence[str] = (), install: bool = True,
                 crates: bool = True, template: Optional[Path] = None) -> None:
        """``install=False``: no ``make install`` of buildsys (for tests that
        install it another way, e.g. from its own RPM). ``crates``: as for
        base_root. ``template``: the upper layer of another root of the same
        lower one, copied as this one's start (bridges and all), so that a
        farm starts each build from one prepared base set."""
        self.suite = suite
        self.lower = base_root(suite, extra, crates)
        # the layers below the upper one, top first
        self.lowers = [el10_layer(self.lower), self.lower] if suite in EL10_SUITES else [self.lower]
        self.dir = workdir / f"root-{suite}"
        self.upper, self.work, self.merged = self.dir / "upper", self.dir / "work", self.dir / "merged"
        for d in (self.upper, self.work, self.merged):
            d.mkdir(parents=True, exist_ok=True)
        self.sysroot: Optional[Path] = None
        if suite in COMPAT_SUITES:
            self._el9_standins()
        self.installed = install
        self.home = self.upper / "root"
        if template is not None:
            shutil.rmtree(self.upper)
            shutil.copytree(template, self.upper, symlinks=True)
            return
        if install:
            subprocess.run(["make", "-s", "-C", str(REPO), "install", f"DESTDIR={self.upper}"], check=True)
        self._bridge()

    def __enter__(self) -> "BuildRoot":
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def remove(self) -> None:
        """Throw the overlay away (the cached root stays)."""
        shutil.rmtree(self.dir, ignore_errors=True)

    def _el9_standins(self) -> None:
        shutil.copytree(base_root("trixie") / REGISTRY.lstrip("/"), self.path(REGISTRY), symlinks=True)
        with zipfile.ZipFile(tomli_wheel()) as whl:
            whl.extractall(self.path("/usr/lib/python3/dist-packages"))
        self.sysroot = host_rust_sysroot()
        self.path(str(self.sysroot)).mkdir(parents=True, exist_ok=True)
        for tool in ("cargo", "rustc", "rustdoc"):
            self.path(f"/usr/bin/{tool}").parent.mkdir(parents=True, exist_ok=True)
            self.path(f"/usr/bin/{tool}").symlink_to(self.sysroot / "bin" / tool)

    def path(self, inside: str) -> Path:
        """Where a path inside the root can be written from the host (the
        upper layer) before a run, or read after it."""
        return self.upper / inside.lstrip("/")

    def inside(self, host_path: Path) -> str:
        """The path a file in the root's upper layer has inside the root."""
        return "/" + str(host_path.relative_to(self.upper))

    def write(self, inside: str, data: bytes) -> Path:
        target = self.path(inside)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def run(self, command: str, check: bool = True, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
        proc = overlay_run(self.lowers, self.upper, self.work, self.merged, self.sysroot, command, env or {})
        if check and proc.returncode != 0:
            raise AssertionError(f"in {self.suite} root, `{command}` exited {proc.returncode}:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
        return proc

    def install(self, rpms: Iterable[Path], nodeps: bool = False) -> None:
        """``rpm -i`` of built packages (host paths in the upper layer)."""
        self.run("rpm -i " + ("--nodeps " if nodeps else "") + " ".join(self.inside(p) for p in rpms))

    def registry_provides(self) -> List[str]:
        """What Debian's crates in the registry provide, in RPM terms."""
        return registry_provides(p for layer in (self.lower, self.upper) for p in (layer / REGISTRY.lstrip("/")).glob("*/Cargo.toml"))

    def provides_package(self, name: str, summary: str, provides: Sequence[str], description: str,
                         spec: str = "", rpmdir: str = "") -> Path:
        """Build an empty noarch package that only provides; its path on the
        host (the spec in ``spec``, default /root/specs/NAME.spec; the
        package under ``rpmdir``, default /root/out/NAME)."""
        spec = spec or f"/root/specs/{name}.spec"
        rpmdir = rpmdir or f"/root/out/{name}"
        self.write(spec, provides_only_spec(name, summary, provides, description).encode())
        self.run(f"rpmbuild -bb --quiet --define '_rpmdir {rpmdir}' {spec}")
        return self.path(f"{rpmdir}/noarch/{name}-1-1.noarch.rpm")

    def _bridge(self) -> None:
        cargo = self.run("cargo --version").stdout.split()[1]
        # buildsys itself, when `make install` put it there (not an RPM)
        provides = [f"cargo = {cargo}", f"rust = {cargo}"] + (["buildsys = 0"] if self.installed else [])
        provides += self.registry_provides()
        bridge = self.provides_package("debian-bridge", "Debian packages, as the rpmdb sees them", provides,
                                       "Debian's cargo, rustc and librust-*-dev crates.",
                                       spec="/root/bridge.spec", rpmdir="/root/rpmbuild/RPMS")
        self.install([bridge])

    def stage(self, crate: Crate, spec: str = "") -> str:
        """The crate's .crate into SOURCES and its spec into the root (at
        ``spec``, default /root/SPEC-NAME); the spec's path inside."""
        crate_archive(crate.src, self.path(SOURCES), crate.name, crate.version)
        spec = spec or f"/root/{crate.spec.name}"
        self.write(spec, crate.spec.read_bytes())
        return spec

    def rpmbuild(self, spec: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(f"rpmbuild {' '.join(args)} {spec}", check=check)

    def built(self, prefix: str = "") -> Dict[str, "Header"]:
        """Every binary RPM built so far (whose name starts with ``prefix``),
        by package name."""
        headers = (Header(p) for p in sorted(self.path("/root/rpmbuild/RPMS").rglob(f"{prefix}*.rpm")))
        return {h.name: h for h in headers if h.name.startswith(prefix)}


def root_fixture(suite: str, **kwargs: object):
    """A module-scoped fixture: one root of ``suite`` for the module's tests
    (``kwargs`` as for :class:`BuildRoot`), removed after them."""
    import pytest

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory):
        with BuildRoot(suite, tmp_path_factory.mktemp(f"root-{suite}"), **kwargs) as root:  # type: ignore[arg-type]
            yield root

    return fixture


@contextlib.contextmanager
def spec_built(suite: str, workdir: Path, spec_name: str, spec: str, sources: Sequence[Path] = (),
               texts: Optional[Dict[str, str]] = None) -> Iterator[Tuple[BuildRoot, subprocess.CompletedProcess]]:
    """``rpmbuild -ba`` of ``spec`` in a new root of ``suite``, with
    ``sources`` copied and ``texts`` (name -> text) written into SOURCES;
    the root and the build's output, then the root is removed."""
    with BuildRoot(suite, workdir) as root:
        where = root.path(SOURCES)
        where.mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copy(source, where)
        for name, text in (texts or {}).items():
            (where / name).write_text(text)
        root.write(f"/root/{spec_name}", spec.encode())
        yield root, root.rpmbuild(f"/root/{spec_name}", "-ba")


def read_header(path: Path) -> "rpm.hdr":
    """A package's header, read with the host's rpm bindings (which read
    4.16, 4.20 and 6.x packages alike), signatures and digests unchecked."""
    with open(path, "rb") as fh:
        return _transaction_set().hdrFromFdno(fh.fileno())


def _transaction_set() -> "rpm.TransactionSet":
    ts = rpm.TransactionSet()
    ts.setVSFlags(rpm._RPMVSF_NOSIGNATURES | rpm._RPMVSF_NODIGESTS)
    return ts


class Header:
    """The parts of a built RPM's header the tests compare."""

    def __init__(self, path: Path) -> None:
        hdr = read_header(path)
        self.path = path
        self.name: str = hdr[rpm.RPMTAG_NAME]
        self.arch: str = hdr[rpm.RPMTAG_ARCH]
        self.description: str = hdr[rpm.RPMTAG_DESCRIPTION]
        self.license: str = hdr[rpm.RPMTAG_LICENSE]
        self.files: List[str] = list(hdr[rpm.RPMTAG_FILENAMES])
        self.provides = _deps(hdr, rpm.RPMTAG_PROVIDENAME)
        self.requires = _deps(hdr, rpm.RPMTAG_REQUIRENAME)
        self.fileflags = dict(zip(self.files, hdr[rpm.RPMTAG_FILEFLAGS]))


def _deps(hdr: "rpm.hdr", tag: int) -> List[str]:
    """Dependencies as text, without rpm's own (rpmlib(...), the package's
    self-provide)."""
    out = []
    for dep in rpm.ds(hdr, tag):
        text = dep.DNEVR()[2:]
        if text.startswith("rpmlib("):
            continue
        out.append(text)
    return sorted(out)


def payload_file(package: Path, name: str) -> bytes:
    """One file's contents from a built RPM, read with the rpm bindings."""
    fd = rpm.fd.open(str(package))
    hdr = _transaction_set().hdrFromFdno(fd)
    archive = rpm.files(hdr).archive(rpm.fd.open(fd, flags=hdr[rpm.RPMTAG_PAYLOADCOMPRESSOR]))
    for entry in archive:
        if entry.name == name:
            return archive.read()
    raise AssertionError(f"{name} not in {package}")
