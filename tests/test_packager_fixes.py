"""The packager's fixes as one-liners in the spec, on every RPM: the leaf
fixture with `%global cargo_options` giving an extra -devel Requires, an
extra Requires of one feature, an extra BuildRequires and a hidden feature,
built on RPM 4.20.1 (BuildSystem), real 4.19.1.1 (specparts) and 4.16.1.2
(static sections, where the parse must read the same options). The same
packages on all three; what each fix says is in the headers."""

from __future__ import annotations

from typing import Dict

import pytest

from expectations import package_set
from helpers import leaf_at
from rpmroot import BuildRoot, Header

pytestmark = [pytest.mark.rpmbuild, pytest.mark.slow]

SUITES = {"4.16": "bullseye", "4.19": "el10", "4.20": "trixie"}
OPTIONS = ("%global cargo_options --requires pkgconfig(zlib)>=1.2.11 --feature-requires log:liblog-extra "
           "--buildrequires rust>=1.56 --hide-feature serde\n")


@pytest.fixture(scope="module", params=sorted(SUITES))
def built(request, tmp_path_factory):
    suite = SUITES[request.param]
    work = tmp_path_factory.mktemp(f"fixes-{suite}")
    with BuildRoot(suite, work) as root:
        crate = leaf_at("1.6.0", work)
        spec = root.stage(crate, "/root/rust-leaf.spec")
        text = crate.spec.read_text()
        gate = text.index("%if ")
        root.write(spec, (text[:gate] + OPTIONS + text[gate:]).encode())
        root.rpmbuild(spec, "-ba")
        srpm = Header(next(root.path("/root/rpmbuild/SRPMS").glob("rust-leaf-1.6.0-*.src.rpm")))
        yield request.param, package_set(root), srpm


_SETS: Dict[str, object] = {}


def test_the_devel_package_requires_the_extra_capability(built):
    _, packages, _ = built
    assert "pkgconfig(zlib) >= 1.2.11" in packages["rust-leaf-devel"][1]


def test_only_the_named_feature_requires_its_extra_capability(built):
    _, packages, _ = built
    assert "liblog-extra" in packages["rust-leaf+log-devel"][1]
    assert [n for n, (_, reqs, _) in packages.items() if "liblog-extra" in reqs] == ["rust-leaf+log-devel"]


def test_the_hidden_feature_has_no_package(built):
    _, packages, _ = built
    assert "rust-leaf+serde-devel" not in packages
    # std only switches serde's std on where serde is on anyway (serde?/std): it stays
    assert "rust-leaf+std-devel" in packages and "rust-leaf+unix-devel" in packages


def test_the_extra_buildrequires_reached_the_source_package(built):
    _, _, srpm = built
    assert "rust >= 1.56" in srpm.requires


def test_every_rpm_builds_the_same_packages(built):
    rpm, packages, _ = built
    _SETS[rpm] = packages
    if len(_SETS) == len(SUITES):
        assert _SETS["4.16"] == _SETS["4.19"] == _SETS["4.20"]
