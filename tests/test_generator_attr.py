"""buildsys as the dependency generator of rust2rpm's static specs
(macros.d/cargo.attr, Fedora's cargo.attr with buildsys in cargo2rpm's
place), in a real rpmbuild 4.20.1: every package listed in the spec gets
the crate() Provides and Requires cargo2rpm 0.4.0 computes for it from
cargo's own metadata: answered from what %cargo_prep recorded, and, where
the installed Cargo.toml is not byte for byte the recorded one (a comment
appended in %install), read from the file inside the build. That a changed
manifest is never answered from the record is pinned with changes that
matter in tests/unit/test_answers.py."""

from __future__ import annotations

import pytest

from benchmarks import specs
from buildsys import manifest, plan
from debian_corpus import DEBIAN_ONLY
from expectations import assert_requires_agree, cargo2rpm_expectations, own_deps
from helpers import REPO, crate_archive
from rpmroot import SOURCES, BuildRoot

CRATE = "bytemuck-1.21.0"  # a dozen features, optional dependencies
ATTR = REPO / "macros.d" / "cargo.attr"
# %install's last step, in the variant whose installed Cargo.toml is not the
# one %cargo_prep recorded: the generator must read it, not the record
TOUCH = "%cargo_install\necho '# changed after %%cargo_prep' >> %{buildroot}%{crate_instdir}/Cargo.toml\n"


@pytest.fixture(scope="module", params=["answered from the record", "Cargo.toml changed after %cargo_prep"])
def static_build(request, corpus_registry, tmp_path_factory):
    src = corpus_registry / CRATE
    m = manifest.load(str(src))
    spec = specs.static(plan.plan(m), m.license or "MIT", "Debian's bytemuck crate", ["LICENSE-MIT"], [])
    if request.param != "answered from the record":
        spec = spec.replace("%cargo_install\n", TOUCH, 1)
    with BuildRoot("trixie", tmp_path_factory.mktemp("attr")) as root:
        root.write("/usr/lib/rpm/fileattrs/cargo.attr", ATTR.read_bytes())
        crate_archive(src, root.path(SOURCES), m.name, str(m.version), skip=DEBIAN_ONLY)
        root.write(f"/root/rust-{m.name}.spec", spec.encode())
        proc = root.rpmbuild(f"/root/rust-{m.name}.spec", "-bb", check=False)
        yield src, proc, root.built()


@pytest.mark.rpmbuild
@pytest.mark.corpus
def test_every_listed_package_gets_cargo2rpms_dependencies(static_build):
    src, proc, built = static_build
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    expected = cargo2rpm_expectations(src)
    assert sorted(n for n in built if n.startswith("rust-")) == sorted(expected)
    for pkg, (provides, requires) in expected.items():
        got_provides, got_requires = own_deps(built[pkg])
        assert got_provides == provides, pkg
        assert_requires_agree(got_requires, requires, pkg)
