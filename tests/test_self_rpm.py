"""buildsys packaged by its own spec (buildsys.spec), built with real
rpmbuild on RPM 4.16.1.2 (Debian bullseye, Python 3.9, the EL9 stand-in),
real 4.19.1.1 (EL10's, built from source over trixie), 4.20.1 (trixie) and
6.1 (forky), from a tarball of the work tree; the same spec on all four. Then, in roots where buildsys was never `make
install`ed: the srpm-macros package alone lets rpmbuild build a source
package, and with both packages installed (rpm -i, no --nodeps) the leaf
fixture builds, BuildSystem: cargo on 4.20 and 6.1, the static compat mode
on 4.16, into the packages cargo2rpm expects."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Set

import pytest

from expectations import assert_built_as_cargo2rpm_says
from helpers import LEAF, REPO
from repo_helpers import SelfRpms, build_self, install_tools_bridge, installed, spec_tag
from rpmroot import COMPAT_SUITES, EL10_SUITES, SUITES, BuildRoot, Header

VERSION = spec_tag("Version")
# What each rpm's %cargo_buildsystem answers once buildsys is installed
# (docs/compat.md): BuildSystem on 4.20+, static sections on 4.16.
GATE = {"bullseye": "0", "el10": "0", "trixie": "1", "forky": "1"}
PARSE_TIME = ["/usr/lib/rpm/macros.d/macros.buildsys-srpm", "/usr/lib/rpm/macros.d/macros.buildsys-compat"]


@dataclass(frozen=True)
class SelfBuild:
    root: BuildRoot
    rpms: SelfRpms
    srpm_only: "object"  # rpmbuild -bs with only buildsys-srpm-macros installed
    gate: str
    leaf: "object"  # rpmbuild -ba of leaf with both packages installed
    wrapper: bytes  # /usr/bin/buildsys as installed
    verify: "object"  # rpm -V of both packages, after the leaf build ran buildsys
    whatprovides: str
    left_after_erase: List[str]
    rpmdb_after_erase: Set[str]


@pytest.fixture(scope="module", params=[pytest.param(s, marks=pytest.mark.rpmbuild) for s in sorted(set(SUITES) | set(COMPAT_SUITES) | set(EL10_SUITES))])
def self_build(request, tmp_path_factory) -> SelfBuild:
    suite = request.param
    workdir = tmp_path_factory.mktemp(f"self-{suite}")
    root = BuildRoot(suite, workdir, install=False)
    install_tools_bridge(root)
    rpms = build_self(root)
    root.install([rpms.srpm_macros])
    spec = root.stage(LEAF)
    srpm_only = root.rpmbuild(spec, "-bs", check=False)
    root.install([rpms.main])
    gate = root.run("rpm --define 'name rust-leaf' --eval '%{cargo_buildsystem}'").stdout.strip()
    leaf = root.rpmbuild(spec, "-ba", check=False)
    wrapper = root.path("/usr/bin/buildsys").read_bytes()
    verify = root.run("rpm -V buildsys buildsys-srpm-macros", check=False)
    whatprovides = root.run("rpm -q --whatprovides buildsys --qf '%{NAME}\\n'").stdout
    root.run("rpm -e buildsys buildsys-srpm-macros")
    left = [str(p) for d in ("/usr/share/buildsys", "/usr/lib/rpm/lua/buildsys", "/usr/bin/buildsys")
            for p in [root.path(d)] if p.exists() or p.is_symlink()]
    yield SelfBuild(root, rpms, srpm_only, gate, leaf, wrapper, verify, whatprovides, left, set(installed(root, "/")))
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def make_install(tmp_path_factory) -> Path:
    """The oracle for the file layout: the Makefile's own install target,
    with the spec's paths (a Debian or Fedora rpm's %{_prefix} and
    %{_rpmconfigdir})."""
    dest = tmp_path_factory.mktemp("make-install")
    subprocess.run(["make", "-s", "-C", str(REPO), "install", f"DESTDIR={dest}", "PREFIX=/usr", "BINDIR=/usr/bin",
                    "DATADIR=/usr/share", "RPMCONFIGDIR=/usr/lib/rpm", "TARGET_PYTHON=/usr/bin/python3"], check=True)
    return dest


def tree(dest: Path) -> Dict[str, Path]:
    return {"/" + str(p.relative_to(dest)): p for p in dest.rglob("*")}


def test_spec_builds_a_noarch_main_package_and_an_srpm_macros_subpackage(self_build):
    main, macros = Header(self_build.rpms.main), Header(self_build.rpms.srpm_macros)
    assert (main.name, macros.name) == ("buildsys", "buildsys-srpm-macros")
    assert main.arch == macros.arch == "noarch"
    assert f"buildsys-srpm-macros = {VERSION}-1" in main.requires


# Fedora's file names, in the package that replaces cargo-rpm-macros
FEDORA_API = {"/usr/lib/rpm/macros.d/macros.cargo", "/usr/lib/rpm/macros.d/macros.rust",
              "/usr/lib/rpm/fileattrs/cargo.attr", "/usr/lib/rpm/fileattrs/cargo_vendor.attr"}


def test_packages_hold_exactly_what_make_install_installs(self_build, make_install):
    main, macros = Header(self_build.rpms.main), Header(self_build.rpms.srpm_macros)
    fedora = Header(self_build.rpms.cargo_rpm_macros)
    assert {f for f in fedora.files if f.startswith("/usr/lib/rpm/")} == FEDORA_API
    assert not FEDORA_API & (set(main.files) | set(macros.files))
    made = tree(make_install)
    files = {path for path, p in made.items() if not p.is_dir()}
    lua = {f"/usr/lib/rpm/lua/buildsys/{p.name}" for p in (REPO / "rpm-lua" / "buildsys").glob("*.lua")}
    # the parse-time part, and nothing else, in the subpackage
    # %license LICENSE, in both (/usr/share/licenses, or /usr/share/doc on older rpm configurations)
    licenses = {f for f in set(main.files) | set(macros.files)
                if f.startswith("/usr/share/licenses/") or (f.startswith("/usr/share/doc/") and f.endswith("/LICENSE"))}
    assert [f for f in licenses if f.endswith("/LICENSE")]
    assert set(macros.files) - licenses == set(PARSE_TIME) | lua | {"/usr/lib/rpm/lua/buildsys"}
    owned = (set(main.files) | set(macros.files) | set(fedora.files)) - licenses
    owned = {f for f in owned if not f.startswith("/usr/share/licenses/buildsys-cargo-rpm-macros")
             and not f.startswith("/usr/share/doc/buildsys-cargo-rpm-macros")}
    assert files <= owned, sorted(files - owned)
    extra = owned - set(made)
    # besides make install's files and directories (and the LICENSE): the
    # docs, and the byte code the spec compiles for the platform Python
    docs = {f for f in extra if f.startswith("/usr/share/doc/buildsys")}
    bytecode = {f for f in extra if f.startswith("/usr/share/buildsys/buildsys/__pycache__")}
    assert extra == docs | bytecode, sorted(extra - docs - bytecode)
    assert {f"/usr/share/doc/buildsys-{VERSION}/README.md", "/usr/share/doc/buildsys/README.md"} & docs
    modules = {p.stem for p in (REPO / "buildsys").glob("*.py")}
    assert {Path(f).name.split(".")[0] for f in bytecode if f.endswith(".pyc")} == modules
    # no directory the distribution's rpm package owns
    assert not owned & {"/usr/bin", "/usr/lib/rpm", "/usr/lib/rpm/macros.d", "/usr/lib/rpm/lua", "/usr/lib/rpm/fileattrs"}


def test_srpm_macros_need_nothing_and_main_package_needs_python(self_build):
    assert Header(self_build.rpms.srpm_macros).requires == []
    requires = Header(self_build.rpms.main).requires
    assert "python3 >= 3.9" in requires
    assert not [r for r in requires if "packaging" in r]  # buildsys.mode compares RPM versions itself
    # tomli where the platform's Python has no tomllib (bullseye's 3.9, as EL9)
    python = self_build.root.run("python3 -c 'import sys; print(*sys.version_info[:2])'").stdout.split()
    assert ("python3-tomli" in requires) == ((int(python[0]), int(python[1])) < (3, 11)), (python, requires)
    assert not [r for r in requires if " if " in r]  # dnf repoclosure reports those unresolved


def test_installed_files_are_the_packaged_ones_and_stay_unmodified(self_build, make_install):
    # the wrapper is make install's, byte for byte
    assert self_build.wrapper == (make_install / "usr/bin/buildsys").read_bytes()
    # after a build ran buildsys as root: nothing changed, nothing written
    # into the package's directories (no run-time byte code)
    assert self_build.verify.returncode == 0, self_build.verify.stdout + self_build.verify.stderr
    # the capability the dynamic BuildRequires ask for is the package's own
    assert self_build.whatprovides.split() == ["buildsys"]


def test_srpm_macros_alone_parse_the_spec_and_build_its_source_package(self_build):
    proc = self_build.srpm_only
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Wrote: /root/rpmbuild/SRPMS/rust-leaf-1.2.0-1.src.rpm" in proc.stdout


def test_installed_rpms_make_the_cargo_build_work(self_build):
    assert self_build.gate == GATE[self_build.root.suite]
    proc = self_build.leaf
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert_built_as_cargo2rpm_says(self_build.root, LEAF)
    # leaf's own tests ran (%check), and its test skip reached the harness
    assert "test tests::value ... ok" in proc.stdout
    assert "tests::broken_on_purpose" not in proc.stdout


def test_erasing_after_a_build_leaves_nothing_behind(self_build):
    assert self_build.left_after_erase == []
    assert self_build.rpmdb_after_erase == {"debian-bridge", "debian-tools-bridge"}


def test_spec_version_is_the_projects():
    """One version: pyproject.toml's and buildsys.__version__ are the
    spec's, so a release cannot ship a package named after another one."""
    import buildsys

    pyproject = (REPO / "pyproject.toml").read_text()
    assert f'\nversion = "{VERSION}"\n' in pyproject
    assert buildsys.__version__ == VERSION
