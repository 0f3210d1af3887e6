"""The farm's plan (benchmarks/closure.py, benchmarks/farm.py): which crates
a distribution must build for some roots, which version of each, and in
which order, read from Debian's registry with buildsys's own metadata.

Judged against rpm itself (its dependency comparison for every version
picked) and against the graph: no crate's build needs a crate of its own
wave or a later one, and the koji and COPR plans keep that order."""

from __future__ import annotations

import re
import sys
from typing import Dict, List

import pytest
import rpm

from helpers import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import closure as closure_mod  # noqa: E402
from benchmarks import farm  # noqa: E402

pytestmark = pytest.mark.corpus

ROOTS = [["hexyl"], ["libz-sys"], ["hexyl", "libz-sys"], ["bat"], ["just"]]


@pytest.fixture(scope="module")
def registry(corpus_registry):
    return closure_mod.Registry(corpus_registry, farm.FIXES)


_CLOSURES: Dict[str, closure_mod.Closure] = {}


def closure_of(registry, roots: List[str]) -> closure_mod.Closure:
    key = " ".join(roots)
    if key not in _CLOSURES:
        _CLOSURES[key] = closure_mod.closure(registry, roots)
    return _CLOSURES[key]


def rpm_matches(provided_version: str, req: closure_mod.Requirement) -> bool:
    """rpm's own answer: does ``crate(...) = provided_version`` satisfy
    every clause of the requirement (rpm.ds.Compare, as the depsolver)."""
    flags = {"=": rpm.RPMSENSE_EQUAL, ">=": rpm.RPMSENSE_GREATER | rpm.RPMSENSE_EQUAL, ">": rpm.RPMSENSE_GREATER,
             "<": rpm.RPMSENSE_LESS, "<=": rpm.RPMSENSE_LESS | rpm.RPMSENSE_EQUAL}
    provide = rpm.ds((req.capability, rpm.RPMSENSE_EQUAL, provided_version), rpm.RPMTAG_PROVIDENAME)
    return all(provide.Compare(rpm.ds((req.capability, flags[c.op], c.version), rpm.RPMTAG_REQUIRENAME))
               if c.op else True for c in req.clauses)


@pytest.mark.parametrize("roots", ROOTS, ids=" ".join)
def test_every_requirement_of_every_package_resolves_to_the_highest_version_rpm_accepts(registry, roots):
    cl = closure_of(registry, roots)
    assert not cl.unresolved, cl.unresolved
    picked = 0
    for key, crate in cl.crates.items():
        texts = list(cl.buildrequires[key]) + [r for reqs in crate.requires.values() for r in reqs]
        for text in texts:
            req = closure_mod.parse_requirement(text)
            if req is None:
                continue
            name = req.capability[len("crate("):-1].split("/")[0]
            fits = [c for c in registry.versions(name)
                    if req.capability in c.provides and rpm_matches(c.rpm_version, req)]
            assert fits, text
            best = max(fits, key=lambda c: rpm.ver(c.rpm_version))
            found = registry.provider(req)
            assert found is not None and found[0].key == best.key, (text, found, best.key)
            assert best.key in cl.crates, (key, text)
            picked += 1
    assert picked > len(cl.crates)


@pytest.mark.parametrize("roots", ROOTS, ids=" ".join)
def test_no_crate_needs_a_crate_of_its_own_wave_or_a_later_one(registry, roots):
    cl = closure_of(registry, roots)
    waves = cl.waves()
    wave_of = {k: i for i, w in enumerate(waves) for k in w}
    assert sorted(wave_of) == sorted(cl.crates)
    for key, needs in cl.build_needs.items():
        assert all(wave_of[n] < wave_of[key] for n in needs), key
        # and each crate is as early as it can be
        assert wave_of[key] == 0 or any(wave_of[n] == wave_of[key] - 1 for n in needs), key


def test_a_build_needs_what_its_buildrequires_pull_in_through_requires(registry):
    """hexyl 0.8 builds against clap 2, whose packages require
    textwrap and others: those are in hexyl's build root too (dnf installs
    them with clap), so hexyl's wave is after theirs."""
    cl = closure_of(registry, ["hexyl"])
    key = next(k for k in cl.crates if k.startswith("hexyl-"))
    clap = next(k for k in cl.crates if k.startswith("clap-2."))
    textwrap = next(k for k in cl.crates if k.startswith("textwrap-"))
    assert clap in cl.build_needs[key] and textwrap in cl.build_needs[key]
    assert textwrap in cl.build_needs[clap]


def test_two_semver_incompatible_versions_get_fedoras_compat_name(registry):
    cl = closure_of(registry, ["hexyl"])
    names = farm.spec_names(cl)
    versions = sorted((k for k in cl.crates if cl.crates[k].name == "bitflags"),
                      key=lambda k: rpm.ver(cl.crates[k].rpm_version))
    assert len(versions) == 2, versions
    old, new = versions
    assert names[new] == "rust-bitflags"
    assert names[old] == f"rust-bitflags{cl.crates[old].version.split('.')[0]}"
    assert len(set(names.values())) == len(names)


@pytest.mark.parametrize("roots", [["hexyl"], ["hexyl", "libz-sys"]], ids=" ".join)
def test_the_koji_and_copr_plans_keep_the_waves_order(registry, roots):
    cl = closure_of(registry, roots)
    waves = cl.waves()
    names = farm.spec_names(cl)
    koji = farm.koji_chain(waves, names, {})
    groups = [g.split() for g in koji.split(" f-rust-farm ", 1)[1].split(" : ")]
    assert [[s[: -len(".src.rpm")] for s in g] for g in groups] == [[names[k] for k in w] for w in waves]
    copr = farm.copr_batches(waves, names, {})
    assert len(copr) == len(cl.crates)
    batch_of: Dict[str, int] = {}
    for line in copr:
        srpm = line.split()[-1] if "--with-build-id" in line else re.search(r"rust-farm (\S+) \|", line).group(1)
        wave = int(re.search(r"WAVE(\d+)", line).group(1))
        batch_of[srpm[: -len(".src.rpm")]] = wave
        after = re.search(r"--after-build-id \$WAVE(\d+)", line)
        if after:
            assert int(after.group(1)) == wave - 1
    for key, needs in cl.build_needs.items():
        assert all(batch_of[names[n]] < batch_of[names[key]] for n in needs), key


@pytest.mark.parametrize("words, requires, feature_requires, buildrequires, hidden", [
    (("--requires", "pkgconfig(zlib)", "--buildrequires", "pkgconfig(zlib)"), ("pkgconfig(zlib)",), (),
     ("pkgconfig(zlib)",), ()),
    (("--hide-feature", "a,b", "--feature-requires", "static:zlib-static"), (), ("static:zlib-static",), (), ("a", "b")),
    ((), (), (), (), ()),
])
def test_a_fix_is_read_as_the_option_table_spells_it(words, requires, feature_requires, buildrequires, hidden):
    fix = closure_mod.Fix(words, "")
    assert (fix.requires, fix.feature_requires, fix.buildrequires, fix.hidden) == (
        requires, feature_requires, buildrequires, hidden)


def test_a_cycle_is_named_not_looped():
    needs = {"a": frozenset({"b"}), "b": frozenset({"a"}), "c": frozenset()}
    with pytest.raises(closure_mod.BuildsysError, match="a, b"):
        closure_mod.waves(needs)


@pytest.mark.parametrize("text, capability, clauses", [
    ("(crate(a/default) >= 1.2.0 with crate(a/default) < 2.0.0~)", "crate(a/default)", [(">=", "1.2.0"), ("<", "2.0.0~")]),
    ("crate(a) = 0.4.0", "crate(a)", [("=", "0.4.0")]),
    ("crate(a-b/c_d) >= 0.1.0~alpha.1", "crate(a-b/c_d)", [(">=", "0.1.0~alpha.1")]),
    ("crate(a)", "crate(a)", [("", "")]),
])
def test_requirements_are_read_as_buildsys_writes_them(text, capability, clauses):
    req = closure_mod.parse_requirement(text)
    assert req.capability == capability and [(c.op, c.version) for c in req.clauses] == clauses


@pytest.mark.parametrize("text", ["(crate(a) >= 1 with crate(b) < 2)", "(crate(a) >= 1 or crate(a) < 2)"])
def test_a_requirement_buildsys_never_writes_is_an_error(text):
    with pytest.raises(closure_mod.BuildsysError, match="cannot read"):
        closure_mod.parse_requirement(text)


def test_other_capabilities_are_not_crates():
    assert [closure_mod.parse_requirement(t) for t in ("cargo", "rust >= 1.70", "pkgconfig(zlib)")] == [None] * 3


@pytest.mark.parametrize("data", [bytes(range(0x3c, 0x5c)) + b"\x00\xff\n", b"", b"x" * 16])
def test_the_hexdump_reader_gives_back_the_bytes_of_a_well_formed_dump(data):
    # a dump in hexyl's column layout, written here from the bytes
    lines = []
    for off in range(0, len(data), 16):
        row = data[off:off + 16]
        lines.append(f"{off:08x} " + " ".join(f"{b:02x}" for b in row) + " " + "".join(
            chr(b) if 0x20 < b < 0x7f else "." for b in row))
    assert farm.dumped_bytes("\n".join(lines)) == data
    if data:
        broken = "\n".join(lines).replace(f"{0:08x}", f"{1:08x}", 1)
        assert farm.dumped_bytes(broken) != data


# Lines from real farm logs (clang-sys 1.8.1 without libclang, libz-sys 1.1.20
# without its fix, zerocopy 0.7.34 before the build capped lints); the
# rustc one is how rpmbuild -br says a crate's rust-version is too new.
@pytest.mark.parametrize("log, cls", [
    ("error: failed to run custom build command for `clang-sys v1.8.1 (/root/rpmbuild/BUILD/x)`", "needs-fix"),
    ("No match for argument: pkgconfig(NAME)\nError: Unable to find a match", "needs-fix"),
    ("error: Failed build dependencies:\n\trust >= 1.90 is needed by rust-foo-1.0.0-1.noarch", "machine-limit"),
    ("error: unnecessary qualification\nerror: could not compile `zerocopy`", "buildsys-bug"),
    ("", "buildsys-bug"),
])
def test_a_failed_step_is_classed_by_its_own_log_line(log, cls):
    found, evidence = farm.classify(log)
    assert found == cls
    assert not log or evidence in log


def test_a_requirement_the_registry_cannot_satisfy_is_the_machines_limit_not_a_bug():
    req = "(crate(nope/default) >= 1.0.0 with crate(nope/default) < 2.0.0~)"
    assert farm.classify(f"No match for argument: {req}") == ("buildsys-bug", f"No match for argument: {req}")
    assert farm.classify(f"No match for argument: {req}", [req])[0] == "machine-limit"
