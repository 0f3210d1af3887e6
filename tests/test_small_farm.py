"""A small farm on every commit (the full one is ``make farm``): libz-sys
and its closure, four crates in two waves, from an empty repository to
``dnf install``, on RPM 4.20.1 with dnf, exactly as benchmarks/farm.py
builds hexyl's:

- specs from ``buildsys new``, libz-sys with its one-line packager fix;
- each SRPM built where only buildsys-srpm-macros is installed, each build
  root filled by the ``rpmbuild -br`` loop with dnf from the repository,
  ``rpmbuild -ba`` without --nodeps, createrepo_c after each build;
- real ``dnf repoclosure``, and ``dnf install rust-libz-sys-devel`` into a
  fresh installroot pulling in zlib's development package.

The farm's roots have no Debian crates: every crate comes from the farm's
own repository."""

from __future__ import annotations

import shutil
import sys
from typing import Dict

import pytest

from helpers import REPO
from rpmroot import Header

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import closure as closure_mod  # noqa: E402
from benchmarks import farm as farm_mod  # noqa: E402

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow, pytest.mark.corpus]

ROOT = "libz-sys"


@pytest.fixture(scope="module")
def farm(corpus_registry, tmp_path_factory):
    registry = closure_mod.Registry(corpus_registry, farm_mod.FIXES)
    cl = closure_mod.closure(registry, [ROOT])
    workdir = tmp_path_factory.mktemp("farm")
    lines = []
    zlib = [lib for lib in farm_mod.C_LIBRARIES if lib.rpm == "zlib-devel"]
    f = farm_mod.Farm(cl, workdir, 2, progress=lines.append, libraries=zlib)
    f.prepare()
    f.run()
    f.progress_lines = lines
    f.unresolved = f.repoclosure()
    yield f
    shutil.rmtree(workdir, ignore_errors=True)


def test_the_closure_is_a_chain_with_the_sys_crate_last(farm):
    waves = farm.closure.waves()
    assert len(farm.closure.crates) >= 3 and len(waves) >= 2
    assert [farm.closure.crates[k].name for k in waves[-1]] == [ROOT]


def test_every_crate_builds_and_only_the_sys_crate_needs_its_fix(farm):
    results = {o.key: o.result for o in farm.outcomes.values()}
    assert all(r in ("built", "fixed") for r in results.values()), {
        o.key: (o.failure, o.evidence) for o in farm.outcomes.values() if o.result == "failed"}
    fixed = [o for o in farm.outcomes.values() if o.result == "fixed"]
    assert [o.key.rsplit("-", 1)[0] for o in fixed] == [ROOT]
    assert fixed[0].fix == "%global cargo_options --requires pkgconfig(zlib) --buildrequires pkgconfig(zlib)"


def test_each_build_root_held_only_crates_of_earlier_waves(farm):
    wave_of = {k: i for i, w in enumerate(farm.closure.waves()) for k in w}
    crate_of: Dict[str, str] = {}
    for o in farm.outcomes.values():
        for p in o.packages:
            crate_of[Header(farm.repo_root.path(f"{farm_mod.REPO_DIR}/{p}")).name] = o.key
    for o in farm.outcomes.values():
        for name in o.build_root:
            assert wave_of[crate_of[name]] < wave_of[o.key], (o.key, name)
    # the -sys crate's build root had its dependencies from the repository
    sys_crate = next(o for o in farm.outcomes.values() if o.key.startswith(ROOT + "-"))
    assert {crate_of[n] for n in sys_crate.build_root} == set(farm.closure.build_needs[sys_crate.key])
    assert sys_crate.br_rounds >= 2  # buildsys first, then the crates it asks for


def test_the_packages_in_the_repository_are_the_ones_buildsys_plans(farm):
    for o in farm.outcomes.values():
        crate = farm.closure.crates[o.key]
        names = {Header(farm.repo_root.path(f"{farm_mod.REPO_DIR}/{p}")).name for p in o.packages if not p.endswith(".src.rpm")}
        expected = {f"{o.spec}-devel"} | {f"{o.spec}+{f}-devel" for f in crate.requires if f is not None}
        assert names == expected, o.key


def test_the_repository_closes(farm):
    assert farm.unresolved == []


def test_dnf_install_of_the_sys_crates_devel_package_pulls_in_zlib_devel(farm):
    ok, installed = farm.install(f"rust-{ROOT}-devel")
    assert ok, installed
    assert "zlib-devel" in installed.split() and "rust-libc-devel" not in installed.split()
    # and the library itself, as Fedora's zlib-devel requires zlib
    assert "zlib" in installed.split()
    assert farm.repo_root.path(f"/tmp/install-rust_{ROOT.replace('-', '_')}_devel/usr/share/cargo/registry/"
                               f"{next(k for k in farm.closure.crates if k.startswith(ROOT + '-'))}/Cargo.toml").exists()


def test_progress_and_report_lines_are_the_issues_form(farm):
    assert farm.progress_lines and all(line.startswith("farm: ") and " left of " in line for line in farm.progress_lines)
    total = len(farm.closure.crates)
    line = farm_mod.report_line(farm.outcomes, farm.unresolved)
    assert line == f"farm: {total - 1} of {total} built unattended, 1 with packager fixes, 0 failed; repoclosure: clean"


@pytest.mark.skipif(shutil.which("rpmlint") is None, reason="rpmlint is installed by make check (host packages)")
def test_rpmlint_finds_no_errors_in_what_the_farm_built(farm):
    """Every package and SRPM the farm built (not its stand-ins for the
    distribution's base), with the tests' narrow filters."""
    import subprocess

    from helpers import FIXTURES

    built = [farm.repo_root.path(f"{farm_mod.REPO_DIR}/{p}") for o in farm.outcomes.values() for p in o.packages]
    srpms = sorted((farm.workdir / "srpms").glob("*.src.rpm"))
    assert len(built) >= 8 and len(srpms) == len(farm.outcomes)
    # one source package a call: rpmlint 2.4 takes the SRPMs of one call
    # for one package with several specs (multiple-specfiles)
    for group in [built] + [[s] for s in srpms]:
        proc = subprocess.run(["rpmlint", "-c", str(FIXTURES / "rpmlint.toml"), *map(str, group)],
                              capture_output=True, text=True)
        assert [line for line in proc.stdout.splitlines() if ": E: " in line] == [], proc.stdout[-3000:]
        assert f" {len(group)} packages and 0 specfiles checked" in proc.stdout, proc.stdout[-500:]
