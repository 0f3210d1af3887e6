"""Real rpmbuild in Debian roots: trixie (RPM 4.20.1, cargo 1.85) and forky
(RPM 6.1, cargo 1.97), provisioned with mmdebstrap and cached (roots.py).

Each :class:`BuildRoot` is a private overlay on the cached root, so a test can
``make install`` buildsys, install RPMs into the rpmdb and the crate registry,
and throw it all away afterwards. Debian's cargo, rustc and ``librust-*-dev``
crates are not RPM packages; a bridge package tells the rpmdb what they
provide (``cargo``, ``rust``, and ``crate(...)`` for each registry crate), so
that BuildRequires and Requires are checked for real, with no ``--nodeps``.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import rpm

from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from debian_corpus import cache_root
from roots import ensure_root

REPO = Path(__file__).resolve().parent.parent

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
REGISTRY = "/usr/share/cargo/registry"
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


def base_root(suite: str, extra: Sequence[str] = ()) -> Path:
    """The cached root of ``suite``; ``extra`` Debian packages make another
    cached root (e.g. dnf and createrepo-c for the repository tests)."""
    if suite in COMPAT_SUITES:
        return ensure_root(suite, BULLSEYE_BASE + list(extra))
    return ensure_root(suite, BASE + CRATES + list(extra))


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


def crate_archive(srcdir: Path, dest_dir: Path, name: str, version: str, skip: Sequence[str] = ("target",)) -> Path:
    """A .crate (tar.gz with NAME-VERSION/ on top) from a directory, with
    fixed times and owners so that it is the same bytes every run. Paths with
    a component in ``skip`` are left out."""
    dest = dest_dir / f"{name}-{version}.crate"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        members = (p for p in srcdir.rglob("*") if (p.is_symlink() or p.is_file()) and not set(skip) & set(p.relative_to(srcdir).parts))
        for path in sorted(members):
            info = tar.gettarinfo(str(path), f"{name}-{version}/{path.relative_to(srcdir)}")
            info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode = 0, 0, 0, "", "", 0o644
            if info.issym():
                tar.addfile(info)  # a link as a link: never what it points to
                continue
            with open(path, "rb") as fh:
                tar.addfile(info, fh)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with open(dest, "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
            gz.write(buf.getvalue())
    return dest


class BuildRoot:
    """An overlay on a cached root. ``run`` executes in a fresh mount
    namespace each call; the upper layer keeps the changes between calls."""

    def __init__(self, suite: str, workdir: Path, extra: Sequence[str] = (), install: bool = True) -> None:
        """``install=False``: no ``make install`` of buildsys (for tests that
        install it another way, e.g. from its own RPM)."""
        self.suite = suite
        self.lower = base_root(suite, extra)
        self.dir = workdir / f"root-{suite}"
        self.upper, self.work, self.merged = self.dir / "upper", self.dir / "work", self.dir / "merged"
        for d in (self.upper, self.work, self.merged):
            d.mkdir(parents=True, exist_ok=True)
        self.sysroot: Optional[Path] = None
        if suite in COMPAT_SUITES:
            self._el9_standins()
        self.installed = install
        if install:
            subprocess.run(["make", "-s", "-C", str(REPO), "install", f"DESTDIR={self.upper}"], check=True)
        self.home = self.upper / "root"
        self._bridge()

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

    def write(self, inside: str, data: bytes) -> Path:
        target = self.path(inside)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def run(self, command: str, check: bool = True, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
        script = (
            f"mount -t overlay overlay -o lowerdir={self.lower},upperdir={self.upper},workdir={self.work} {self.merged}"
            f" && mount -t proc proc {self.merged}/proc && mount --rbind /dev {self.merged}/dev"
            + (f" && mount --bind -o ro {self.sysroot} {self.merged}{self.sysroot}" if self.sysroot else "")
            + 
            f" && exec chroot {self.merged} /bin/sh -c \"$0\""
        )
        environ = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
        environ.update(env or {})
        proc = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, command],
            capture_output=True, text=True, errors="backslashreplace", env=environ,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"in {self.suite} root, `{command}` exited {proc.returncode}:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
        return proc

    def registry_provides(self) -> List[str]:
        """What Debian's crates in the registry provide, in RPM terms."""
        caps = []
        tomls = [p for layer in (self.lower, self.upper) for p in (layer / REGISTRY.lstrip("/")).glob("*/Cargo.toml")]
        for cargo_toml in sorted(tomls):
            m = manifest_mod.load(str(cargo_toml))
            caps.append(plan_mod.provides(m, None))
            caps.extend(plan_mod.provides(m, f) for f in plan_mod.feature_names(m))
        return caps

    def _bridge(self) -> None:
        cargo = self.run("cargo --version").stdout.split()[1]
        # buildsys itself, when `make install` put it there (not an RPM)
        provides = [f"cargo = {cargo}", f"rust = {cargo}"] + (["buildsys = 0"] if self.installed else [])
        provides += self.registry_provides()
        spec = "\n".join(
            ["Name: debian-bridge", "Version: 1", "Release: 1", "Summary: Debian packages, as the rpmdb sees them",
             "License: MIT", "BuildArch: noarch"]
            + [f"Provides: {p}" for p in provides]
            + ["%description", "Debian's cargo, rustc and librust-*-dev crates.", "%files", ""]
        )
        self.write("/root/bridge.spec", spec.encode())
        self.run("rpmbuild -bb --quiet /root/bridge.spec && rpm -i /root/rpmbuild/RPMS/noarch/debian-bridge-1-1.noarch.rpm")

    def rpmbuild(self, spec: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(f"rpmbuild {' '.join(args)} {spec}", check=check)

    def built(self) -> Dict[str, "Header"]:
        """Every binary RPM built so far, by package name."""
        return {h.name: h for h in (Header(p) for p in sorted(self.path("/root/rpmbuild/RPMS").rglob("*.rpm")))}


@contextlib.contextmanager
def spec_built(suite: str, workdir: Path, spec_name: str, spec: str, sources: Sequence[Path] = (),
               texts: Optional[Dict[str, str]] = None) -> Iterator[Tuple[BuildRoot, subprocess.CompletedProcess]]:
    """``rpmbuild -ba`` of ``spec`` in a new root of ``suite``, with
    ``sources`` copied and ``texts`` (name -> text) written into SOURCES;
    the root and the build's output, then the root is removed."""
    root = BuildRoot(suite, workdir)
    try:
        where = root.path("/root/rpmbuild/SOURCES")
        where.mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copy(source, where)
        for name, text in (texts or {}).items():
            (where / name).write_text(text)
        root.write(f"/root/{spec_name}", spec.encode())
        yield root, root.rpmbuild(f"/root/{spec_name}", "-ba")
    finally:
        shutil.rmtree(root.dir, ignore_errors=True)


class Header:
    """The parts of a built RPM's header the tests compare (read with the
    host's rpm bindings, which read 4.20 and 6.x packages alike)."""

    def __init__(self, path: Path) -> None:
        ts = rpm.TransactionSet()
        ts.setVSFlags(rpm._RPMVSF_NOSIGNATURES | rpm._RPMVSF_NODIGESTS)
        with open(path, "rb") as fh:
            hdr = ts.hdrFromFdno(fh.fileno())
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
    ts = rpm.TransactionSet()
    ts.setVSFlags(rpm._RPMVSF_NOSIGNATURES | rpm._RPMVSF_NODIGESTS)
    fd = rpm.fd.open(str(package))
    hdr = ts.hdrFromFdno(fd)
    archive = rpm.files(hdr).archive(rpm.fd.open(fd, flags=hdr[rpm.RPMTAG_PAYLOADCOMPRESSOR]))
    for entry in archive:
        if entry.name == name:
            return archive.read()
    raise AssertionError(f"{name} not in {package}")
