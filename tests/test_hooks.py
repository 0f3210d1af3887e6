"""A packager's own commands before and after the generated ones of each
section, written once in the spec (%cargo_SECTION_pre / _post), run at the
same points on every RPM: BuildSystem: cargo on 4.20.1 and 6.1, the 4.19
path (explicit sections and specparts, forced on 4.20.1) and the static
mode of 4.16.1.2. Each hook appends its name to a file in the build tree;
the last one prints the file, and the build log must show every hook once,
in build order, around the step it surrounds."""

from __future__ import annotations

import pytest

from helpers import LEAF
from rpmroot import BuildRoot

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow]

# (suite, forced mode)
VARIANTS = {"4.20": ("trixie", ""), "6.1": ("forky", ""), "4.19-path": ("trixie", "specparts"), "4.19": ("el10", ""),
            "4.16": ("bullseye", "")}
ORDER = ["prep_pre", "prep_post", "generate_buildrequires_pre", "generate_buildrequires_post",
         "build_pre", "build_post", "install_pre", "install_post", "check_pre", "check_post"]


def hooks_spec(base: str) -> str:
    """The leaf spec with every hook defined before the gate; two of them
    over several lines, as `buildsys new` writes them."""
    lines = []
    for name in ORDER:
        if name == "install_post":
            lines += [f"%global cargo_{name} %{{expand:", f"echo {name} >> hooks.log", "test -d %{buildroot}", "}"]
        elif name == "check_post":
            lines += [f"%global cargo_{name} %{{expand:", f"echo {name} >> hooks.log", "sed 's/^/HOOK: /' hooks.log", "}"]
        else:
            lines.append(f"%global cargo_{name} echo {name} >> hooks.log")
    gate = base.index("%if")
    return base[:gate] + "\n".join(lines) + "\n" + base[gate:]


def expected_order(variant: str) -> list:
    """Build order. RPM 4.20+ runs %generate_buildrequires before %conf,
    where BuildSystem: cargo runs %cargo_prep; the compat sections run it
    in %prep, before."""
    if VARIANTS[variant][1] or variant in ("4.16", "4.19"):
        return ORDER
    return ORDER[2:4] + ORDER[:2] + ORDER[4:]


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def build_log(request, tmp_path_factory):
    suite, mode = VARIANTS[request.param]
    with BuildRoot(suite, tmp_path_factory.mktemp(f"hooks-{request.param}")) as root:
        spec = root.stage(LEAF)
        root.write(spec, hooks_spec(LEAF.spec.read_text()).encode())
        force = (f"--define 'buildsys_mode {mode}'",) if mode else ()
        proc = root.rpmbuild(spec, "-ba", *force)
        yield request.param, proc.stdout + proc.stderr


def test_every_hook_runs_once_in_build_order(build_log):
    variant, log = build_log
    ran = [line[len("HOOK: "):] for line in log.splitlines() if line.startswith("HOOK: ")]
    assert ran == expected_order(variant), ran


def test_the_hooks_surround_the_generated_steps(build_log):
    _, text = build_log
    # shell traces of the steps (sh -x), in the log's order
    at = {step: text.index(marker) for step, marker in [
        ("prep_pre", "echo prep_pre"), ("prepare", "prepare --registry"), ("prep_post", "echo prep_post"),
        ("build_pre", "echo build_pre"), ("cargo build", "cargo build"), ("build_post", "echo build_post"),
        ("install_pre", "echo install_pre"), ("install", "install --destdir"), ("install_post", "echo install_post"),
        ("check_pre", "echo check_pre"), ("cargo test", "cargo test"), ("check_post", "echo check_post"),
    ]}
    assert list(at) == sorted(at, key=at.get), sorted(at, key=at.get)


def test_tests_switched_off_skip_the_check_hooks(tmp_path):
    with BuildRoot("trixie", tmp_path) as root:
        spec = root.stage(LEAF)
        root.write(spec, hooks_spec(LEAF.spec.read_text()).encode())
        proc = root.rpmbuild(spec, "-ba", "--without check")
    log = proc.stdout + proc.stderr
    assert "echo build_post" in log and "echo check_pre" not in log
    assert not [line for line in log.splitlines() if line.startswith("HOOK: ")]
