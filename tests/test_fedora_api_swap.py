"""buildsys-cargo-rpm-macros and Fedora's cargo-rpm-macros swapped with real
dnf, both ways: dnf 4 (trixie) and dnf5 (forky). The "real" one is a
stand-in built here from Fedora's own files (the shared rust-packaging
24~pre.6 copy) as cargo-rpm-macros 26, with Fedora's Provides and
Obsoletes (rust-packaging = VERSION, rust-packaging < 24); buildsys's
packages are built from buildsys.spec in the work tree."""

from __future__ import annotations

import shutil

import pytest

from helpers import REPO
from repo_helpers import DNF, build_self, install_tools_bridge, installed, make_repo
from rpmroot import BuildRoot, shared_upstream

pytestmark = pytest.mark.rpmbuild

UPSTREAM = "fedora-rust-packaging-24pre"
FEDORA_FILES = {"macros.d/macros.cargo": "/usr/lib/rpm/macros.d/macros.cargo",
                "macros.d/macros.rust": "/usr/lib/rpm/macros.d/macros.rust",
                "fileattrs/cargo.attr": "/usr/lib/rpm/fileattrs/cargo.attr"}
REAL_SPEC = """Name:           cargo-rpm-macros
Version:        26
Release:        1
Summary:        Stand-in for Fedora's cargo-rpm-macros, from its own files
License:        MIT
BuildArch:      noarch
Provides:       rust-packaging = %{version}-%{release}
Obsoletes:      rust-packaging < 24
Requires:       cargo

%description
Fedora's macros.cargo, macros.rust and cargo.attr (rust-packaging 24~pre.6).

%install
mkdir -p %{buildroot}%{_rpmconfigdir}/macros.d %{buildroot}%{_rpmconfigdir}/fileattrs
cp /root/fedora/macros.d/macros.cargo /root/fedora/macros.d/macros.rust %{buildroot}%{_rpmconfigdir}/macros.d/
cp /root/fedora/fileattrs/cargo.attr %{buildroot}%{_rpmconfigdir}/fileattrs/

%files
%{_rpmconfigdir}/macros.d/macros.cargo
%{_rpmconfigdir}/macros.d/macros.rust
%{_rpmconfigdir}/fileattrs/cargo.attr
"""
OURS = "buildsys-cargo-rpm-macros"
THEIRS = "cargo-rpm-macros"


@pytest.fixture(scope="module", params=sorted(DNF))
def swap_root(request, tmp_path_factory):
    flavour = DNF[request.param]
    root = BuildRoot(flavour.suite, tmp_path_factory.mktemp(f"swap-{flavour.suite}"), extra=flavour.extra,
                     install=False)
    try:
        tools = install_tools_bridge(root)
        rpms = build_self(root)
        upstream = shared_upstream() / UPSTREAM
        for rel in FEDORA_FILES:
            root.write(f"/root/fedora/{rel}", (upstream / rel).read_bytes())
        root.write("/root/specs/cargo-rpm-macros.spec", REAL_SPEC.encode())
        root.run("rpmbuild -bb --quiet --define '_rpmdir /root/out/real' /root/specs/cargo-rpm-macros.spec")
        (real,) = root.path("/root/out/real").rglob("cargo-rpm-macros-26-1.noarch.rpm")
        cargo = root.run("cargo --version").stdout.split()[1]
        standin = root.provides_package("tools-standin", "python3, make, cargo and rust of the repository",
                                        tools + [f"cargo = {cargo}", f"rust = {cargo}"],
                                        "What a distribution's repository would hold besides these packages.")
        repo = make_repo(root, "/srv/repo", [rpms.main, rpms.srpm_macros, rpms.cargo_rpm_macros, real, standin])
        yield root, flavour, repo
    finally:
        root.remove()


def dnf(root, flavour, repo, *args, check=True):
    return root.run(flavour.cmd("/srv/inst", {"local": repo}, *args), check=check)


def macros_cargo(root) -> bytes:
    return root.path("/srv/inst/usr/lib/rpm/macros.d/macros.cargo").read_bytes()


def test_dnf_swaps_cargo_rpm_macros_for_buildsys_and_back(swap_root):
    root, flavour, repo = swap_root
    fedora_macros = (shared_upstream() / UPSTREAM / "macros.d" / "macros.cargo").read_bytes()
    ours_macros = (REPO / "macros.d" / "macros.cargo").read_bytes()
    assert fedora_macros != ours_macros
    shutil.rmtree(root.path("/srv/inst"), ignore_errors=True)

    # the real one, as a Fedora build root has it
    dnf(root, flavour, repo, "install", THEIRS, "tools-standin")
    assert THEIRS in installed(root, "/srv/inst") and OURS not in installed(root, "/srv/inst")
    assert macros_cargo(root) == fedora_macros

    # beside it, ours is refused: they cannot be installed together
    refused = dnf(root, flavour, repo, "install", OURS, check=False)
    assert refused.returncode != 0, refused.stdout
    assert THEIRS in installed(root, "/srv/inst") and OURS not in installed(root, "/srv/inst")

    # swapped in
    dnf(root, flavour, repo, "swap", THEIRS, OURS)
    now = installed(root, "/srv/inst")
    assert OURS in now and THEIRS not in now and "buildsys" in now, now
    assert macros_cargo(root) == ours_macros
    for capability in ("cargo-rpm-macros", "rust-packaging"):
        provider = root.run(f"rpm --root=/srv/inst -q --whatprovides {capability} --qf '%{{NAME}}\\n'").stdout
        assert provider.split() == [OURS], provider
    # at a version Fedora's BuildRequires accept (>= 24, >= 26), the 26 series' API
    provides = root.run(f"rpm --root=/srv/inst -q --provides {OURS}").stdout.splitlines()
    versions = [line.split(" = ")[1] for line in provides if line.startswith("cargo-rpm-macros = ")]
    assert len(versions) == 1 and versions[0].split(".")[0] == "26", provides
    assert root.run(f"rpm --root=/srv/inst -V {OURS}", check=False).returncode == 0

    # an upgrade does not take it back, nor does it replace it by itself
    dnf(root, flavour, repo, "upgrade")
    assert OURS in installed(root, "/srv/inst") and THEIRS not in installed(root, "/srv/inst")

    # and swapped back
    dnf(root, flavour, repo, "swap", OURS, THEIRS)
    now = installed(root, "/srv/inst")
    assert THEIRS in now and OURS not in now, now
    assert macros_cargo(root) == fedora_macros
    assert root.run(f"rpm --root=/srv/inst -V {THEIRS}", check=False).returncode == 0
    # an upgrade keeps the real one (no Obsoletes pulls ours back in)
    dnf(root, flavour, repo, "upgrade")
    assert THEIRS in installed(root, "/srv/inst") and OURS not in installed(root, "/srv/inst")

    # the other spelling of a swap: install with --allowerasing
    dnf(root, flavour, repo, "install", "--allowerasing", OURS)
    now = installed(root, "/srv/inst")
    assert OURS in now and THEIRS not in now, now
    assert macros_cargo(root) == ours_macros
