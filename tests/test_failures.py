"""Failure is loud, on real rpmbuild 4.20.1 (BuildSystem) and 4.16.1.2
(static sections): a broken Cargo.toml, an unknown feature in a BuildOption
and a crash of the generator itself each make rpmbuild exit non-zero, with
the generator's one-line message in the log, and write no package."""

from __future__ import annotations


import pytest

from helpers import crate_archive, crate_spec
from rpmroot import SOURCES, BuildRoot

pytestmark = pytest.mark.rpmbuild

SUITES = ("trixie", "bullseye")
GOOD = '[package]\nname = "loud"\nversion = "1.0.0"\nedition = "2021"\n\n[features]\ndefault = []\nfast = []\n'
# A bug in the generator, put in the installed copy in the root (the only
# way to have one on purpose): planning raises.
FAULT = '\n\ndef plan(manifest, *args, **kwargs):  # injected by tests/test_failures.py\n    raise RuntimeError("injected fault")\n'


CASES = {
    "broken-cargo-toml": (GOOD.replace("[features]", "[features"), "", False, "buildsys: error: ", "invalid TOML"),
    "unknown-feature-in-buildoption": (GOOD, "-f nosuch", False, "buildsys: error: ",
                                       "unknown feature 'nosuch' of crate loud (known: default, fast)"),
    "generator-crash": (GOOD, "", True, "buildsys: internal error: ", "RuntimeError: injected fault"),
}


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_failure_stops_the_build_with_the_generators_message(tmp_path, suite, case):
    cargo_toml, option, crash, prefix, message = CASES[case]
    with BuildRoot(suite, tmp_path) as root:
        if crash:
            installed = root.path("/usr/share/buildsys/buildsys/plan.py")
            installed.write_text(installed.read_text() + FAULT)
        src = tmp_path / "loud"
        (src / "src").mkdir(parents=True)
        (src / "src" / "lib.rs").write_text("")
        (src / "Cargo.toml").write_text(cargo_toml)
        crate_archive(src, root.path(SOURCES), "loud", "1.0.0")
        root.write("/root/rust-loud.spec", crate_spec("loud", "1.0.0", "Fails on purpose", build_option=option).encode())
        proc = root.rpmbuild("/root/rust-loud.spec", "-ba", check=False)
        log = proc.stdout + proc.stderr
        assert proc.returncode != 0
        lines = [line for line in log.splitlines() if line.startswith(prefix)]
        assert lines, log[-3000:]
        assert message in lines[0], lines[0]
        assert not list(root.path("/root/rpmbuild/RPMS").rglob("*loud*.rpm"))
