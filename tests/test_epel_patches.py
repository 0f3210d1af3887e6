"""EPEL as a packager meets it, on every RPM: unseen Debian crates
(intervaltree 0.2.7, toml 0.5.11), each with the spec `buildsys new` writes
plus what EPEL packaging needs most:
- a fix-metadata patch that drops one optional dependency and its feature;
- a patch that raises a dependency's version requirement;
- the packager's own commands in %prep (a file added to the crate) and
  %install (a file added to the installed crate), written once as hooks.
Built on RPM 4.16.1.2, real 4.19.1.1, 4.20.1 and 6.1, each must give the
same package names, Provides and Requires; the dropped feature's package
is gone, the raised requirement is in -devel's Requires (hand-derived), and
both commands' files are in -devel."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Dict, NamedTuple

import pytest

from debian_corpus import DEBIAN_ONLY
from expectations import package_set
from helpers import buildsys_new, crate_archive
from rpmroot import SOURCES, BuildRoot, payload_file

pytestmark = [pytest.mark.rpmbuild, pytest.mark.corpus, pytest.mark.slow]

SUITES = {"4.16": "bullseye", "4.19": "el10", "4.20": "trixie", "6.1": "forky"}


class Case(NamedTuple):
    name: str
    version: str
    drop: Dict[str, str]  # manifest text -> "" : the optional dependency and its feature
    raise_: Dict[str, str]  # the requirement before -> after
    dropped_package: str
    raised: str  # -devel's Requires for the raised requirement, by hand


CASES = [
    Case("intervaltree", "0.2.7",
         {'[dependencies.serde]\nversion = "1.0"\nfeatures = ["alloc", "derive"]\noptional = true\n'
          'default-features = false\n\n': ""},
         {'[dependencies.smallvec]\nversion = "1.0.0"\n': '[dependencies.smallvec]\nversion = "1.6"\n'},
         "rust-intervaltree+serde-devel",
         "(crate(smallvec/default) >= 1.6.0 with crate(smallvec/default) < 2.0.0~)"),
    Case("toml", "0.5.11",
         {'[dependencies.indexmap]\nversion = ">= 1.0"\noptional = true\n\n': "",
          'preserve_order = ["indexmap"]\n': ""},
         {'[dependencies.serde]\nversion = "1.0.97"\n': '[dependencies.serde]\nversion = "1.0.100"\n'},
         "rust-toml+preserve_order-devel",
         "(crate(serde/default) >= 1.0.100 with crate(serde/default) < 2.0.0~)"),
]

HOOKS = """%global cargo_prep_pre echo 'Built for EPEL.' > README.epel
%global cargo_install_post %{expand:
echo installed-by-the-packager > %{buildroot}%{crate_instdir}/INSTALLED.epel
}
"""


def patch(case: Case, original: str, changes: Dict[str, str]) -> str:
    patched = original
    for before, after in changes.items():
        assert patched.count(before) == 1, before
        patched = patched.replace(before, after)
    top = f"{case.name}-{case.version}/Cargo.toml"
    return "".join(difflib.unified_diff(original.splitlines(True), patched.splitlines(True), top, top))


def spec_with(spec: str) -> str:
    """The spec buildsys new wrote, with the two patches and the hooks,
    which go before the gate."""
    spec = spec.replace("Source:         %{crates_source}\n", "Source:         %{crates_source}\n"
                        "Patch0:         fix-metadata.diff\nPatch1:         raise-requirement.diff\n")
    gate = spec.index("%if ")
    return spec[:gate] + HOOKS + spec[gate:]


@pytest.fixture(scope="module", params=sorted(SUITES))
def built(request, corpus_registry, tmp_path_factory):
    """RPM -> (package set, crate -> its -devel package's path)."""
    suite = SUITES[request.param]
    with BuildRoot(suite, tmp_path_factory.mktemp(f"epel-{suite}")) as root:
        root.path(SOURCES).mkdir(parents=True, exist_ok=True)
        for case in CASES:
            src = corpus_registry / f"{case.name}-{case.version}"
            archive = crate_archive(src, root.path(SOURCES), case.name, case.version, skip=DEBIAN_ONLY)
            original = (src / "Cargo.toml").read_text()
            # the first patch applies to the published manifest, the second after it
            dropped = original
            for before, after in case.drop.items():
                dropped = dropped.replace(before, after)
            root.write(f"{SOURCES}/fix-metadata.diff", patch(case, original, case.drop).encode())
            root.write(f"{SOURCES}/raise-requirement.diff", patch(case, dropped, case.raise_).encode())
            spec = f"/root/rust-{case.name}.spec"
            root.write(spec, spec_with(buildsys_new(archive)).encode())
            root.rpmbuild(spec, "-ba")
            # the next crate's patches have the same names
            for name in ("fix-metadata.diff", "raise-requirement.diff"):
                root.path(f"{SOURCES}/{name}").rename(root.path(f"{SOURCES}/{case.name}-{name}"))
        yield request.param, package_set(root), {n: h.path for n, h in root.built().items()}


_SETS: Dict[str, object] = {}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_patches_decide_the_packages(built, case):
    _, packages, _ = built
    ours = {n for n in packages if n.startswith(f"rust-{case.name}")}
    assert f"rust-{case.name}-devel" in ours and case.dropped_package not in ours
    assert case.raised in packages[f"rust-{case.name}-devel"][1]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_packagers_commands_land_in_the_devel_package(built, case):
    _, _, paths = built
    devel = paths[f"rust-{case.name}-devel"]
    where = f"/usr/share/cargo/registry/{case.name}-{case.version}"
    assert payload_file(devel, f"{where}/README.epel") == b"Built for EPEL.\n"
    assert payload_file(devel, f"{where}/INSTALLED.epel") == b"installed-by-the-packager\n"


def test_every_rpm_gives_the_same_packages(built):
    rpm, packages, _ = built
    _SETS[rpm] = packages
    if len(_SETS) == len(SUITES):
        reference = _SETS["4.20"]
        for other, got in _SETS.items():
            assert got == reference, other
