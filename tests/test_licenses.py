"""buildsys license-breakdown and license-summary (what %cargo_license
writes to LICENSE.dependencies and %cargo_license_summary prints) are
byte for byte cargo2rpm 0.4.0's, run by both in the same prepared crate,
in a trixie root where cargo resolves offline from Debian's registry; so
are write-vendor-manifest's cargo-vendor.txt and parse-vendor-manifest's
Provides."""

from __future__ import annotations

import shutil

import pytest

from benchmarks import cargo2rpm_root
from debian_corpus import DEBIAN_ONLY
from rpmroot import REGISTRY, BuildRoot

pytestmark = [pytest.mark.rpmbuild, pytest.mark.corpus]

# crates whose dependencies are in the root's registry (tests/test_debian_crates.py builds them there)
CRATES = ["sysinfo-0.30.13", "value-bag-1.9.0", "escargot-0.5.12"]
SELECTIONS = [[], ["-n"]]


@pytest.fixture(scope="module")
def root(tmp_path_factory, corpus_registry):
    with BuildRoot("trixie", tmp_path_factory.mktemp("licenses")) as r:
        cargo2rpm_root.install(r)
        for dirname in CRATES:
            shutil.copytree(corpus_registry / dirname, r.path(f"/root/build/{dirname}"),
                            ignore=shutil.ignore_patterns(*DEBIAN_ONLY))
            r.run(f"cd /root/build/{dirname} && buildsys -p . prepare --registry {REGISTRY}")
        yield r


@pytest.mark.parametrize("action", ["license-breakdown", "license-summary"])
@pytest.mark.parametrize("selection", SELECTIONS, ids=["default", "no-default"])
@pytest.mark.parametrize("dirname", CRATES)
def test_the_license_listings_are_cargo2rpms(root, dirname, action, selection, figures):
    words = " ".join([action, *selection])
    ours = root.run(f"cd /root/build/{dirname} && buildsys {words}", check=False)
    theirs = root.run(f"cd /root/build/{dirname} && cargo2rpm {words}", check=False)
    assert theirs.returncode == 0, theirs.stderr[-2000:]
    assert ours.returncode == 0, ours.stderr[-2000:]
    assert ours.stdout == theirs.stdout
    assert len(ours.stdout.splitlines()) >= (3 if action == "license-summary" else 1)
    figures["license listings byte-identical to cargo2rpm"] += 1


# every edge, dev included, and all features: escargot's dev-dependencies
# are not in the root's registry, so cargo2rpm itself fails there
@pytest.mark.parametrize("dirname", [c for c in CRATES if not c.startswith("escargot")])
def test_write_vendor_manifest_is_cargo2rpms(root, dirname, figures):
    where = f"/root/build/{dirname}"
    ours = root.run(f"cd {where} && buildsys -p /root/ours-{dirname}.txt write-vendor-manifest", check=False)
    theirs = root.run(f"cd {where} && cargo2rpm -p /root/theirs-{dirname}.txt write-vendor-manifest", check=False)
    assert theirs.returncode == 0, theirs.stderr[-2000:]
    assert ours.returncode == 0, ours.stderr[-2000:]
    text = root.path(f"/root/ours-{dirname}.txt").read_bytes()
    assert text == root.path(f"/root/theirs-{dirname}.txt").read_bytes()
    assert len(text.splitlines()) >= 1
    # and the bundled Provides of it, as cargo2rpm's parse-vendor-manifest prints them
    words = f"-p /root/ours-{dirname}.txt parse-vendor-manifest"
    assert root.run(f"buildsys {words}").stdout == root.run(f"cargo2rpm {words}").stdout
    figures["vendor manifests byte-identical to cargo2rpm"] += 1
