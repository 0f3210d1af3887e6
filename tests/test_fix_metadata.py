"""Fix-metadata patches on every RPM: the commonest patch of Fedora's Rust
specs drops an optional dependency the distribution does not ship, with its
feature. On RPM 4.16 (static sections) the sections expanded at parse time
come from the crate as the spec's patches leave it; on the 4.19 path and
4.20.1 the specparts come from the patched tree. All three must build the
same packages, the dropped feature's package gone and a feature the patch
adds present. A patch that cannot apply fails the parse naming itself, and
a change the parse cannot see (a sed in the packager's %prep) still fails
4.16's %build with a diff."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from helpers import leaf_at
from rpmroot import SOURCES, BuildRoot

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow]

VARIANTS = {"4.16": ("bullseye", ""), "4.19-path": ("trixie", "specparts"), "4.19": ("el10", ""), "4.20": ("trixie", "")}
VERSION = "1.4.0"


def fix_metadata(original: str) -> str:
    """rust2rpm's fix-metadata form: NAME-VERSION/Cargo.toml on both sides.
    Drops the unix feature and its libc dependency, adds a feature."""
    patched = original.replace('libc = { version = "0.2.100", optional = true }\n', "", 1)
    patched = patched.replace('unix = ["dep:libc"]\n', "", 1).replace("[features]\n", "[features]\npatched = []\n", 1)
    assert patched.count("libc") == 0 and "patched = []" in patched
    return "".join(difflib.unified_diff(original.splitlines(True), patched.splitlines(True),
                                        f"leaf-{VERSION}/Cargo.toml", f"leaf-{VERSION}/Cargo.toml"))


def patched_spec(spec: str, extra: str = "") -> str:
    return spec.replace("Source:         %{crates_source}\n",
                        "Source:         %{crates_source}\nPatch:          leaf-fix-metadata.diff\n" + extra)


def stage(root: BuildRoot, workdir: Path, patch_text: str, extra: str = "") -> str:
    crate = leaf_at(VERSION, workdir)
    spec = root.stage(crate, "/root/rust-leaf.spec")
    root.write(f"{SOURCES}/leaf-fix-metadata.diff", patch_text.encode())
    root.write(spec, patched_spec(crate.spec.read_text(), extra).encode())
    return spec


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def built(request, tmp_path_factory):
    suite, mode = VARIANTS[request.param]
    work = tmp_path_factory.mktemp(f"fixmeta-{request.param}")
    with BuildRoot(suite, work) as root:
        original = (leaf_at(VERSION, work / "orig").src / "Cargo.toml").read_text()
        spec = stage(root, work, fix_metadata(original))
        force = (f"--define 'buildsys_mode {mode}'",) if mode else ()
        root.rpmbuild(spec, "-ba", *force)
        yield request.param, {n: (h.provides, h.requires) for n, h in root.built().items() if n.startswith("rust-leaf")}


def test_the_patch_decides_the_feature_packages(built):
    _, packages = built
    assert "rust-leaf+unix-devel" not in packages
    assert packages["rust-leaf+patched-devel"][0] == ["crate(leaf/patched) = 1.4.0", "rust-leaf+patched-devel = 1.4.0-1"]
    assert not [r for _, reqs in packages.values() for r in reqs if "libc" in r]


_SEEN = {}


def test_every_rpm_builds_the_same_packages(built):
    variant, packages = built
    _SEEN[variant] = packages
    if len(_SEEN) == len(VARIANTS):
        first = next(iter(_SEEN.values()))
        assert all(p == first for p in _SEEN.values()), {v: sorted(p) for v, p in _SEEN.items()}


@pytest.fixture(scope="module")
def el9(tmp_path_factory):
    with BuildRoot("bullseye", tmp_path_factory.mktemp("fixmeta-el9")) as root:
        yield root


def test_a_patch_that_does_not_apply_fails_the_parse_naming_it(el9, tmp_path):
    original = (leaf_at(VERSION, tmp_path / "orig").src / "Cargo.toml").read_text()
    broken = fix_metadata(original).replace('-unix = ["dep:libc"]', '-unix = ["dep:libc", "x"]')
    spec = stage(el9, tmp_path, broken)
    proc = el9.run(f"rpmspec -P {spec}", check=False)
    assert proc.returncode != 0
    assert "/root/rpmbuild/SOURCES/leaf-fix-metadata.diff: a hunk at line" in proc.stderr
    assert "does not apply" in proc.stderr


def test_a_manifest_change_the_parse_cannot_see_still_fails_416_with_a_diff(el9, tmp_path):
    original = (leaf_at(VERSION, tmp_path / "orig").src / "Cargo.toml").read_text()
    # the packager's own %prep command edits the manifest: no patch to read
    # (no backslashes: %global's body loses them)
    hook = "%global cargo_prep_pre sed -i '/^std = /a sedded = []' Cargo.toml\n"
    spec = stage(el9, tmp_path, fix_metadata(original), hook)
    proc = el9.rpmbuild(spec, "-bb", check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "differ from the crate as %prep left it" in log
    assert "+%package -n rust-leaf+sedded-devel" in log
