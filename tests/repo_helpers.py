"""RPM repositories of what buildsys built, real dnf against them, and
buildsys packaged by its own spec (buildsys.spec): shared by
test_repo_dnf.py, test_farm_loop.py and test_self_rpm.py.

The roots are Debian's (rpmroot.BuildRoot): their cargo, rustc, Python and
make are dpkg packages. What the rpmdb must know of them comes from bridge
packages that provide only what the root really has (checked when the
bridge is built), so that no RPM transaction here needs --nodeps.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

from helpers import LEAF, MID, REGISTRY, REPO, Crate, leaf_at, reproducible_tar
from rpmroot import BuildRoot, registry_provides

SELF_SPEC = REPO / "buildsys.spec"


@dataclass(frozen=True)
class DnfFlavour:
    """A suite with createrepo_c and the dnf it ships."""

    suite: str
    extra: Tuple[str, ...]
    command: str
    nogpgcheck: str

    def cmd(self, installroot: str, repos: Dict[str, str], *args: str) -> str:
        """One dnf call that sees only ``repos`` (name -> directory in the
        root): no system repositories, no network."""
        words = [self.command, "-y", f"--installroot={installroot}", "--releasever=13",
                 "--setopt=reposdir=/nonexistent", self.nogpgcheck,
                 # a private cache: a fresh installroot must not see metadata
                 # of another test's repository under the same name
                 f"--setopt=cachedir={installroot.rstrip('/')}/var/cache/dnf-test"]
        for name, path in repos.items():
            words += [f"--repofrompath={name},{path}", f"--repo={name}"]
        return " ".join(words + [shlex.quote(a) for a in args])


# trixie: dnf 4.23 (libdnf 0.74); forky: dnf5 5.4
DNF: Dict[str, DnfFlavour] = {
    "trixie": DnfFlavour("trixie", ("dnf", "createrepo-c"), "dnf", "--nogpgcheck"),
    "forky": DnfFlavour("forky", ("dnf5", "createrepo-c"), "dnf5", "--no-gpgchecks"),
}


def build_crate(root: BuildRoot, crate: Crate, *args: str) -> List[Path]:
    """rpmbuild -ba; returns the binary RPMs of this build only (each build
    writes into its own _rpmdir, so versions of one crate stay apart)."""
    spec = root.stage(crate, f"/root/specs/{crate.key}.spec")
    out = f"/root/out/{crate.key}"
    root.rpmbuild(spec, "-ba", f"--define '_rpmdir {out}'", *args)
    return sorted(root.path(out).rglob("*.rpm"))


def install_tools_bridge(root: BuildRoot) -> List[str]:
    """Tell the root's rpmdb about Debian's python3, its packaging and tomli
    modules and make, with their real versions, as rpmroot's bridge does for
    cargo and the crates: buildsys.spec's BuildRequires and Requires are
    then checked for real. Only what is there is provided."""
    probe = root.run(
        "python3 -c 'import sys; print(\"%d.%d.%d\" % sys.version_info[:3])'"
        " && python3 -c 'import packaging; print(packaging.__version__)'"
        " && (python3 -c 'import tomli; print(tomli.__version__)' 2>/dev/null || echo none)"
        " && make --version | head -1"
        " && test -x /usr/bin/python3"
    ).stdout.split("\n")
    python, packaging, tomli, make = probe[0], probe[1], probe[2], probe[3].split()[-1]
    # /usr/bin/python3: what RPM 4.20+ reads off the wrapper's #! line
    provides = [f"python3 = {python}", "/usr/bin/python3", f"python3-packaging = {packaging}", f"make = {make}"]
    if tomli != "none":
        provides.append(f"python3-tomli = {tomli}")
    root.install([root.provides_package("debian-tools-bridge", "Debian's python3 and make, as the rpmdb sees them",
                                        provides, "Debian's python3, python3-packaging, python3-tomli and make.")])
    return provides


def registry_standin(root: BuildRoot, exclude: Sequence[str] = ()) -> Path:
    """A package for a repository, providing what a Fedora repository would
    hold besides our crates: cargo and rust, and the crates Debian ships in
    the root's registry (libc, log, serde, ... the fixtures depend on). It
    reads the cached lower layer only, so it never provides a crate this
    test built and installed."""
    cargo = root.run("cargo --version").stdout.split()[1]
    # the repository has buildsys' own builds of the crates in ``exclude``
    caps = [f"cargo = {cargo}", f"rust = {cargo}"] + registry_provides(
        (root.lower / REGISTRY.lstrip("/")).glob("*/Cargo.toml"), exclude)
    ours = [c for c in caps if re.match(r"crate\((leaf|mid)[/)]", c) or re.sub(r"^crate\(([^/)]+).*", r"\1", c) in exclude]
    assert not ours, ours
    return root.provides_package("debian-registry-standin", "cargo, rust and Debian's registry crates", caps,
                                 "Stands in for the distribution's cargo and crate packages.")


def make_repo(root: BuildRoot, where: str, rpms: Sequence[Path]) -> str:
    """A repository (createrepo_c) at ``where`` inside the root."""
    target = root.path(where)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for rpm_file in rpms:
        shutil.copy2(rpm_file, target / rpm_file.name)
    root.run(f"createrepo_c --quiet {where}")
    return where


def installed(root: BuildRoot, installroot: str) -> Dict[str, str]:
    """name -> VERSION of every package in the installroot's rpmdb."""
    proc = root.run(f"rpm --root={installroot} -qa --qf '%{{NAME}} %{{VERSION}}\\n'", check=False)
    if proc.returncode != 0 and "No such file" not in proc.stderr:
        raise AssertionError(proc.stderr)
    return dict(line.split(" ", 1) for line in proc.stdout.splitlines() if line)


def source_tarball(dest_dir: Path, version: str) -> Path:
    """buildsys-VERSION.tar.gz of the git tree as it is checked out: tracked
    files and new ones git does not ignore, with their work-tree contents
    (what is tested is what is checked out, not the last commit), with fixed
    times and owners. Ignored files (.venv, caches) stay out."""
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, check=True).stdout
    names = sorted({n for n in files.decode().split("\0") if n})
    prefix = f"buildsys-{version}"
    # deleted in the work tree, or a link (none today), stays out
    members = [(f"{prefix}/{name}", REPO / name) for name in names
               if (REPO / name).is_file() and not (REPO / name).is_symlink()]
    return reproducible_tar(dest_dir / f"{prefix}.tar.gz", members, keep_exec=True)


def spec_tag(tag: str) -> str:
    found = re.search(rf"^{tag}:\s*(\S+)\s*$", SELF_SPEC.read_text(), re.M)
    assert found, f"buildsys.spec has no {tag}"
    return found.group(1)


@dataclass(frozen=True)
class SelfRpms:
    main: Path  # buildsys
    srpm_macros: Path  # buildsys-srpm-macros
    log: str
    cargo_rpm_macros: Path = Path()  # buildsys-cargo-rpm-macros (Fedora's API)


def build_self(root: BuildRoot) -> SelfRpms:
    """buildsys.spec built with real rpmbuild in ``root`` from a tarball of
    the work tree; the tools bridge must be installed first."""
    version = spec_tag("Version")
    source_tarball(root.path("/root/rpmbuild/SOURCES"), version)
    root.write("/root/specs/buildsys.spec", SELF_SPEC.read_bytes())
    proc = root.rpmbuild("/root/specs/buildsys.spec", "-ba", "--define '_rpmdir /root/out/buildsys'")
    out = root.path("/root/out/buildsys/noarch")
    release = spec_tag("Release").replace("%{?dist}", "")
    return SelfRpms(out / f"buildsys-{version}-{release}.noarch.rpm",
                    out / f"buildsys-srpm-macros-{version}-{release}.noarch.rpm", proc.stdout + proc.stderr,
                    out / f"buildsys-cargo-rpm-macros-{version}-{release}.noarch.rpm")


@dataclass(frozen=True)
class Builds:
    """Everything the repository tests put into repositories: RPMs built
    once with buildsys in a trixie root (RPM 4.20.1)."""

    root: BuildRoot
    leaf: List[Path]
    mid: List[Path]
    leaf_versions: Dict[str, List[Path]]  # SemVer -> leaf's RPMs at it
    standin: Path
    self_rpms: SelfRpms


# Providers of crate(leaf...) at other versions than the fixture's 1.2.0.
LEAF_VERSIONS = ("2.0.0", "2.0.0-alpha.1", "1.2.0-rc.1", "1.1.0", "1.3.0-alpha.1", "1.9.9")

_BUILDS: Dict[str, Builds] = {}


def builds(workdir: Path) -> Builds:
    """Built once per session (the first caller's workdir holds them)."""
    if "trixie" in _BUILDS:
        return _BUILDS["trixie"]
    root = BuildRoot("trixie", workdir / "builder", extra=DNF["trixie"].extra)
    standin = registry_standin(root)
    leaf = build_crate(root, LEAF)
    # mid builds against leaf's packages, installed as a user would
    root.install(leaf)
    mid = build_crate(root, MID)
    variants = {}
    for version in LEAF_VERSIONS:
        # their tests are leaf's own, run in the fixture build above
        variants[version] = build_crate(root, leaf_at(version, workdir), "--nocheck")
    install_tools_bridge(root)
    self_rpms = build_self(root)
    _BUILDS["trixie"] = Builds(root, leaf, mid, variants, standin, self_rpms)
    return _BUILDS["trixie"]


def forget_builds() -> None:
    _BUILDS.clear()


@pytest.fixture(scope="module")
def built(tmp_path_factory, request) -> Builds:
    """The shared builds, for the test modules that import this fixture."""
    workdir = tmp_path_factory.getbasetemp() / "repo-builds"
    request.config.add_cleanup(lambda: (forget_builds(), shutil.rmtree(workdir, ignore_errors=True)))
    return builds(workdir)
