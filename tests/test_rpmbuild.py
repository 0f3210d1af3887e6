"""BuildSystem: cargo with real rpmbuild: RPM 4.20.1 (Debian trixie) and
RPM 6.1 (Debian forky), on fixture specs written the way a packager writes
them. Expectations come from hand-derived tables and from cargo2rpm 0.4.0
run on cargo's own metadata, never from buildsys."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from expectations import assert_built_as_cargo2rpm_says, assert_requires_agree, cargo2rpm_expectations, own_deps, package_set
from helpers import APP, EXAMPLE, GATE_CLOSE, GATE_ELSE, GATE_OPEN, LEAF, MID, REGISTRY, Crate, caret, crate_archive
from rpmroot import SOURCES, SUITES, BuildRoot, Header, root_fixture

SECTION_WORDS = ("%package", "%files", "%prep", "%build", "%install", "%check", "%conf", "%generate_buildrequires")
# The chain and the example are built in a root per variant, some 20 s
# each: the marks ride on the fixtures' parameters, so that every test
# using them has them.
IN_A_ROOT_SLOWLY = (pytest.mark.rpmbuild, pytest.mark.slow)


# leaf's packages, derived by hand from tests/fixtures/leaf/Cargo.toml and
# Fedora's conventions (rpm-facts §1); winapi is Windows-only, so absent.
LEAF_EXPECTED: Dict[str, Tuple[List[str], List[str]]] = {
    "rust-leaf-devel": (["crate(leaf) = 1.2.0"], ["cargo"]),
    "rust-leaf+default-devel": (["crate(leaf/default) = 1.2.0"], ["cargo", "crate(leaf) = 1.2.0", "crate(leaf/std) = 1.2.0"]),
    "rust-leaf+std-devel": (
        ["crate(leaf/std) = 1.2.0"],
        # serde?/std: Fedora's convention (cargo2rpm) requires the weak
        # dependency together with its feature
        [caret("crate(serde)", "1.0.100", "2.0.0"), caret("crate(serde/std)", "1.0.100", "2.0.0"), "cargo", "crate(leaf) = 1.2.0"],
    ),
    "rust-leaf+unix-devel": (["crate(leaf/unix) = 1.2.0"], [caret("crate(libc/default)", "0.2.100", "0.3.0"), "cargo", "crate(leaf) = 1.2.0"]),
    # renamed: the feature is "log", the key "logging", the crate "log"
    "rust-leaf+log-devel": (["crate(leaf/log) = 1.2.0"], [caret("crate(log/default)", "0.4.20", "0.5.0"), "cargo", "crate(leaf) = 1.2.0"]),
    # default-features = false: no /default
    "rust-leaf+serde-devel": (["crate(leaf/serde) = 1.2.0"], [caret("crate(serde)", "1.0.100", "2.0.0"), "cargo", "crate(leaf) = 1.2.0"]),
}


def build(root: BuildRoot, crate: Crate, *args: str, check: bool = True):
    return root.rpmbuild(root.stage(crate), *args, check=check)


# How the chain is built: (suite, forced mode). RPM 4.20 and 6.1 pick
# BuildSystem: cargo; bullseye's 4.16 picks the static compat mode; on 4.20
# the two compat modes are forced too, covering the 4.19 path (explicit
# sections with specparts) where it can run.
VARIANTS = {
    "trixie": ("trixie", ""),
    "forky": ("forky", ""),
    "bullseye": ("bullseye", ""),
    "trixie-specparts": ("trixie", "specparts"),
    # real RPM 4.19.1.1 (EL10): specparts because buildsys picks them there
    "el10": ("el10", ""),
    "trixie-static": ("trixie", "static"),
}
REFERENCE = "trixie"
_CHAINS: Dict[str, Tuple[BuildRoot, Dict[str, object]]] = {}


def build_chain(variant: str, workdir: Path) -> Tuple[BuildRoot, Dict[str, object]]:
    """leaf, then its RPMs installed; mid (BuildRequires checked as mock's
    -br loop does); its RPMs installed; then app. All offline, no --nodeps.
    The same three specs for every variant."""
    if variant in _CHAINS:
        return _CHAINS[variant]
    suite, mode = VARIANTS[variant]
    root = BuildRoot(suite, workdir / variant)
    force = (f"--define 'buildsys_mode {mode}'",) if mode else ()
    logs = {}
    logs["leaf"] = build(root, LEAF, "-ba", *force)
    logs["mid-br-missing"] = build(root, MID, "-br", *force, check=False)
    root.install(h.path for h in root.built("rust-leaf").values())
    logs["mid-br"] = build(root, MID, "-br", *force, check=False)
    logs["mid"] = build(root, MID, "-ba", *force)
    root.install(h.path for h in root.built("rust-mid").values())
    logs["app"] = build(root, APP, "-ba", *force)
    # --nodeps only here: the binary's libc.so.6 and friends belong to dpkg
    root.run("rpm -i --nodeps /root/rpmbuild/RPMS/*/app-2.0.0-1.*.rpm")
    logs["app-run"] = root.run("app")
    _CHAINS[variant] = (root, logs)
    return root, logs


@pytest.fixture(scope="module")
def chains_dir(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("chains")
    yield workdir
    _CHAINS.clear()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module", params=[pytest.param(v, marks=IN_A_ROOT_SLOWLY) for v in sorted(VARIANTS)])
def chain(request, chains_dir):
    return build_chain(request.param, chains_dir)


def test_every_rpm_and_mode_builds_the_same_packages(chain, chains_dir):
    """Parity: the same specs give the same package names, Provides and
    Requires on RPM 4.16 (static sections), 4.19's path (specparts) and
    4.20/6.1 (BuildSystem)."""
    root, _ = chain
    reference, _ = build_chain(REFERENCE, chains_dir)
    assert package_set(root) == package_set(reference)


def test_library_spec_yields_one_package_per_feature(chain):
    root, _ = chain
    assert sorted(root.built("rust-leaf")) == sorted(LEAF_EXPECTED)


def test_library_packages_match_hand_derived_dependencies(chain):
    root, _ = chain
    for name, h in root.built("rust-leaf").items():
        assert own_deps(h) == (sorted(LEAF_EXPECTED[name][0]), sorted(LEAF_EXPECTED[name][1])), name
        assert h.arch == "noarch", name


@pytest.mark.parametrize("crate", [LEAF, MID], ids=["leaf", "mid"])
def test_built_packages_match_cargo2rpm(chain, crate):
    root, _ = chain
    assert_built_as_cargo2rpm_says(root, crate)


def test_devel_package_installs_the_crate_into_the_registry(chain):
    root, _ = chain
    h = root.built()["rust-leaf-devel"]
    base = f"{REGISTRY}/leaf-1.2.0"
    assert sorted(h.files) == [base] + [f"{base}/{f}" for f in (".cargo-checksum.json", "Cargo.toml", "LICENSE", "README.md", "src", "src/lib.rs")]
    assert h.fileflags[f"{base}/LICENSE"] & 128, "LICENSE is %license"
    assert h.fileflags[f"{base}/README.md"] & 2, "README.md is %doc"
    # the registry copy is the published manifest minus the Windows table,
    # so that crates built against it resolve offline without winapi
    installed = root.path(f"{base}/Cargo.toml").read_text()
    original = (LEAF.src / "Cargo.toml").read_text()
    windows = "[target.'cfg(windows)'.dependencies]\nwinapi = { version = \"0.3\", features = [\"winbase\"] }\n\n"
    assert windows in original and installed == original.replace(windows, "")
    assert root.path(f"{base}/.cargo-checksum.json").read_text() == '{"files":{},"package":""}'
    for name in LEAF_EXPECTED:
        if name != "rust-leaf-devel":
            assert root.built()[name].files == [f"{base}/Cargo.toml"]
            assert root.built()[name].fileflags[f"{base}/Cargo.toml"] & 64, "feature packages %ghost Cargo.toml"


def test_crate_text_with_macros_is_shown_not_run(chain):
    root, _ = chain
    assert not list(root.path("/tmp").glob("pwned*")), "a macro from the crate's description ran"
    text = root.built()["rust-leaf-devel"].description
    assert '%(touch /tmp/pwned-shell) %{lua: os.execute("touch' in text
    assert "%files %package -n evil" in " ".join(text.split())
    assert "evil" not in root.built()


def test_tests_run_and_check_options_reach_the_harness(chain):
    _, logs = chain
    assert "test tests::value ... ok" in logs["leaf"].stdout
    # libtest names every test it runs; the skipped one panics if run
    assert "tests::broken_on_purpose" not in logs["leaf"].stdout


# with the tests on, every feature of mid: its logging feature adds leaf/log
MID_LEAF_BRS = [caret("crate(leaf/default)", "1.2.0", "2.0.0"), caret("crate(leaf/unix)", "1.2.0", "2.0.0"),
                caret("crate(leaf/log)", "1.2.0", "2.0.0")]


def test_mock_style_buildrequires_round_reports_what_is_missing(chain):
    _, logs = chain
    # before leaf's RPMs are installed: rpmbuild's "missing BuildRequires" exit
    assert logs["mid-br-missing"].returncode == 11
    for br in MID_LEAF_BRS:
        assert br in logs["mid-br-missing"].stderr + logs["mid-br-missing"].stdout


def test_mock_style_buildrequires_round_is_satisfied_by_installed_rpms(chain):
    root, logs = chain
    assert logs["mid-br"].returncode == 0, logs["mid-br"].stdout[-3000:] + logs["mid-br"].stderr[-3000:]
    # all satisfied: rpmbuild writes the source package, dynamic BRs included
    brs = Header(root.path("/root/rpmbuild/SRPMS/rust-mid-0.4.0-1.src.rpm")).requires
    # hand-derived from mid's Cargo.toml: leaf ^1.2 with default features and "unix" (and "log")
    assert sorted(brs) == sorted(["buildsys", "cargo", "rust >= 1.70"] + MID_LEAF_BRS)


def test_application_builds_offline_against_the_chain_and_runs(chain):
    root, logs = chain
    assert logs["app-run"].stdout.startswith("app: mid says 43 (pid ")
    h = root.built()["app"]
    assert h.arch != "noarch"
    assert "/usr/bin/app" in h.files
    assert any(f.endswith("/LICENSE.dependencies") for f in h.files)
    lic = next(root.path("/usr/share/licenses").glob("app*/LICENSE.dependencies")).read_text()
    assert "MIT: leaf v1.2.0" in lic.splitlines() and "MIT OR Apache-2.0: mid v0.4.0" in lic.splitlines()
    assert not [n for n in root.built() if n.startswith("rust-app")], "a binary-only crate has no -devel"


@pytest.fixture(scope="module", params=[pytest.param(s, marks=IN_A_ROOT_SLOWLY) for s in sorted(SUITES)])
def example(request, tmp_path_factory):
    with BuildRoot(request.param, tmp_path_factory.mktemp("example-" + request.param)) as root:
        log = build(root, EXAMPLE, "-ba")
        yield root, log


def test_crate_with_library_and_binary(example):
    root, _ = example
    built = {n: h for n, h in root.built().items() if n.startswith(("rust-hello-features", "hello-features"))}
    expected = cargo2rpm_expectations(EXAMPLE.src)
    # RPM's own debuginfo specpart sits beside ours in the same directory
    assert "rust-hello-features-debuginfo" in built
    ours = [n for n in built if not n.endswith(("-debuginfo", "-debugsource"))]
    # the binary goes to the package named after the crate, as Fedora ships
    # applications; the source package rust-NAME has no package of its own
    assert sorted(ours) == sorted(list(expected) + ["hello-features"])
    for name, (provides, requires) in expected.items():
        assert own_deps(built[name])[0] == provides, name
        assert_requires_agree(own_deps(built[name])[1], requires, name)
        assert built[name].arch == "noarch", name
    app = built["hello-features"]
    assert app.arch != "noarch" and "/usr/bin/hello" in app.files
    assert "/usr/bin/hello" in root.run("rpm -qlp /root/rpmbuild/RPMS/*/hello-features-0*.rpm").stdout


def test_minimal_library_spec_has_no_sections_to_maintain():
    """About a dozen lines plus the documented version gate (docs/compat.md),
    and no section a packager has to maintain."""
    for spec in (LEAF.spec, MID.spec):
        lines = [line for line in spec.read_text().splitlines() if line.strip()]
        assert not [line for line in lines if line.split()[0] in SECTION_WORDS], spec
        start, middle, end = lines.index(GATE_OPEN), lines.index(GATE_ELSE), lines.index(GATE_CLOSE)
        assert lines[start + 1] == "BuildSystem:    cargo"
        assert all(line.startswith("BuildOption") for line in lines[start + 2:middle])
        assert end == middle + 2 and lines[middle + 1].startswith("%cargo_compat")
        assert len(lines) - (end - start + 1) <= 12, spec


trixie = root_fixture("trixie")


def _failing_spec(root: BuildRoot, extra: str, cargo_toml: str) -> "object":
    src = Path(root.dir) / "bad"
    (src / "src").mkdir(parents=True, exist_ok=True)
    (src / "src" / "lib.rs").write_text("")
    (src / "Cargo.toml").write_text(cargo_toml)
    spec = (LEAF.spec.read_text().replace("Name:           rust-leaf", "Name:           rust-bad")
            .replace("BuildOption(check): --skip broken_on_purpose\n", extra))
    root.write("/root/rust-bad.spec", spec.encode())
    crate_archive(src, root.path(SOURCES), "bad", "1.2.0")
    return root.rpmbuild("/root/rust-bad.spec", "-ba", check=False)


GOOD = '[package]\nname = "bad"\nversion = "1.2.0"\nedition = "2021"\n'


@pytest.mark.parametrize(
    "extra, cargo_toml, message",
    [
        ("BuildOption(build): --frobnicate\n", GOOD, "BuildOption(build): unknown option '--frobnicate'"),
        ("BuildOption: -a -f x\n", GOOD, "BuildOption(conf): -a cannot be combined with -n or -f"),
        ("BuildOption(install): -f 'x;rm'\n", GOOD, "is not a list of feature names"),
        ("", GOOD + '[dependencies]\nfoo = "not a version"\n', "buildsys: error: "),
        ("", GOOD + '[features]\nx = ["nope"]\n', "buildsys: error: "),
        # Lua takes any shell-safe list; buildsys knows the crate's features
        ("BuildOption: -f .nope\n", GOOD, "Cargo.toml: unknown feature '.nope' of crate"),
    ],
    ids=["unknown-option", "conflicting-selection", "shell-in-feature", "bad-requirement", "unknown-feature",
         "unknown-feature-option"],
)
@pytest.mark.rpmbuild
def test_bad_input_fails_the_build_visibly(trixie, extra, cargo_toml, message):
    proc = _failing_spec(trixie, extra, cargo_toml)
    assert proc.returncode != 0
    assert message in proc.stdout + proc.stderr
    assert not list(trixie.path("/root/rpmbuild/RPMS").rglob("rust-bad*.rpm"))


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("%{crates_source}", "https://crates.io/api/v1/crates/leaf/1.2.0~rc.1/download#/leaf-1.2.0~rc.1.crate"),
        ("%{crate}", "leaf"),
        ("%{version_no_tilde}", "1.2.0-rc.1"),
        # buildsys's own one-argument form (the argument is the version); the
        # public name takes Fedora's [SEP [VERSION]] where buildsys-cargo-rpm-macros
        # is installed, as make install does here (tests/test_fedora_api.py)
        ("%{__buildsys_version_no_tilde 1.0.0~alpha_1.x}", "1.0.0-alpha-1.x"),
        ("%{cargo_registry}", "/usr/share/cargo/registry"),
        ("%{crate_instdir}", "/usr/share/cargo/registry/leaf-1.2.0-rc.1"),
        ("%{crates_source foo 2.0.0}", "https://crates.io/api/v1/crates/foo/2.0.0/download#/foo-2.0.0.crate"),
    ],
)
@pytest.mark.rpmbuild
def test_parse_time_macros_under_real_rpm(trixie, expression, expected):
    out = trixie.run(f"rpm --define 'name rust-leaf' --define 'version 1.2.0~rc.1' --eval '{expression}'").stdout.strip()
    if expression == "%{crates_source}":
        expected = expected.replace("1.2.0~rc.1", "1.2.0-rc.1")
    assert out == expected
