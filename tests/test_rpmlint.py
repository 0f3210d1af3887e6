"""rpmlint 2.x on what ``buildsys new`` writes and what it builds: an unseen
library crate (rand_core) and an unseen crate with a binary
(rustdoc-stripper), on RPM 4.20.1 and 4.16.1.2, from a fresh root each, as
`make build` runs them. No errors, with the narrow filters of
tests/fixtures/rpmlint.toml (each says why it is there). The specs are
linted where buildsys is not installed, as a reviewer's machine lints them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from debian_corpus import DEBIAN_ONLY
from helpers import FIXTURES, REPO, buildsys_new, crate_archive

pytestmark = [pytest.mark.rpmbuild, pytest.mark.corpus, pytest.mark.slow]

RPMLINT = shutil.which("rpmlint")
CONFIG = FIXTURES / "rpmlint.toml"
CRATES = ["rand_core-0.6.4", "rustdoc-stripper-0.1.12"]


def lint(paths: List[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([RPMLINT, "-c", str(CONFIG), *map(str, paths)], capture_output=True, text=True)


def errors(proc: subprocess.CompletedProcess) -> List[str]:
    return [line for line in proc.stdout.splitlines() if ": E: " in line]


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus_registry):
    """crate dir -> (spec, RPMs built on 4.20 and 4.16)."""
    out = {}
    for dirname in CRATES:
        work = tmp_path_factory.mktemp(dirname)
        name, version = dirname.rsplit("-", 1)
        archive = crate_archive(corpus_registry / dirname, work, name, version, skip=DEBIAN_ONLY)
        spec = work / f"rust-{name}.spec"
        spec.write_text(buildsys_new(archive))
        for rpm in ("4.20", "4.16"):
            proc = subprocess.run([sys.executable, str(REPO / "examples" / "rpmbuild_here.py"), "spec", str(spec),
                                   "--rpm", rpm, "--out", str(work / "dist")], capture_output=True, text=True)
            assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        out[dirname] = (spec, [sorted((work / "dist" / rpm).glob("*.rpm")) for rpm in ("4.20", "4.16")])
    return out


@pytest.mark.skipif(RPMLINT is None, reason="rpmlint is installed by make check (host packages)")
@pytest.mark.parametrize("dirname", CRATES)
def test_rpmlint_finds_no_errors_in_the_spec_and_packages(built, dirname, figures):
    spec, by_rpm = built[dirname]
    # one RPM's packages at a time: rpmlint takes two source packages of one
    # name in a call for one with two specs
    for rpms in by_rpm:
        assert any(p.name.endswith(".src.rpm") for p in rpms) and len(rpms) >= 2
    for target in [[spec]] + by_rpm:
        proc = lint(target)
        assert errors(proc) == [], proc.stdout[-4000:]
        figures["rpmlint: specs and packages checked"] += len(target)
        figures["rpmlint: warnings"] += proc.stdout.count(": W: ")


@pytest.mark.skipif(RPMLINT is None, reason="rpmlint is installed by make check (host packages)")
def test_the_filters_are_narrow(built):
    """Without them, the very same packages give exactly the errors they
    name, and no other: a filter that hid more would show here."""
    kinds = set()
    for dirname in CRATES:
        for rpms in built[dirname][1]:
            bare = subprocess.run([RPMLINT, *map(str, rpms)], capture_output=True, text=True)
            kinds |= {line.split(": E: ", 1)[1].split()[0] for line in bare.stdout.splitlines() if ": E: " in line}
    assert kinds == {"no-signature", "no-group-tag", "no-packager-tag", "shared-library-without-dependency-information"}
