"""The spec ``buildsys new`` writes, read by real rpm 4.16 (bullseye) and
4.20.1 (trixie): it parses where buildsys is not installed (rpmlint,
rpmspec and fedora-review read specs on machines without it) and says
what is missing; its options, written once in %cargo_options, reach
BuildSystem: cargo and %cargo_compat alike, a typo included."""

from __future__ import annotations

import pytest

from helpers import LEAF, buildsys_new, crate_archive
from rpmroot import SOURCES, BuildRoot

pytestmark = pytest.mark.rpmbuild

SUITES = ["bullseye", "trixie"]
MISSING = "warning: buildsys-srpm-macros is not installed: this spec's build sections and subpackages come from it"


@pytest.fixture(scope="module", params=SUITES)
def roots(request, tmp_path_factory):
    """(root with buildsys, root without it, the leaf spec buildsys new writes)."""
    work = tmp_path_factory.mktemp("gate-" + request.param)
    archive = crate_archive(LEAF.src, work, LEAF.name, LEAF.version)
    spec = buildsys_new(archive)
    with BuildRoot(request.param, work / "with") as with_, BuildRoot(request.param, work / "without",
                                                                     install=False) as without:
        for root in (with_, without):
            crate_archive(LEAF.src, root.path(SOURCES), LEAF.name, LEAF.version)
        yield with_, without, spec


def names(root, spec_text: str, path: str = "/root/rust-leaf.spec"):
    root.write(path, spec_text.encode())
    return root.run(f"rpmspec -q --qf '%{{name}}\\n' {path}", check=False)


def test_the_spec_parses_without_buildsys_and_says_what_is_missing(roots):
    _, without, spec = roots
    assert without.run("rpm --eval '%{?cargo_compat:defined}'").stdout.strip() == ""
    proc = names(without, spec)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["rust-leaf"]
    assert MISSING in proc.stderr


def test_with_buildsys_the_same_spec_has_its_build_sections_and_no_warning(roots):
    with_, _, spec = roots
    proc = names(with_, spec)
    assert proc.returncode == 0 and MISSING not in proc.stderr, proc.stderr
    if with_.suite == "bullseye":  # the static mode: the subpackages are in the spec itself
        assert "rust-leaf+default-devel" in proc.stdout.split()
    parsed = with_.run("rpmspec -P /root/rust-leaf.spec").stdout
    assert "/usr/bin/buildsys -p \"$PWD\" prepare --registry" in parsed


@pytest.mark.parametrize("options, expect", [
    ("-f serde", "--features serde"),  # reaches the build on every RPM
    ("--no-chek", "unknown option '--no-chek'"),  # a typo is an error on every RPM
])
def test_options_written_once_reach_both_branches(roots, options, expect):
    with_, _, spec = roots
    text = spec.replace("Name:", f"%global cargo_options {options}\nName:", 1)
    with_.write("/root/rust-leaf-options.spec", text.encode())
    proc = with_.run("rpmspec -P /root/rust-leaf-options.spec", check=False)
    assert expect in proc.stdout + proc.stderr
    assert (proc.returncode == 0) == ("unknown" not in expect)
