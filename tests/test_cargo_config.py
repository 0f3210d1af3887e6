"""A crate that ships its own cargo configuration (titlecase 2.2.1 ships a
.cargo/config) still builds offline from the RPM registry, on RPM 4.16
(static compat mode) and 4.20.1 (BuildSystem): cargo prefers a crate's
legacy .cargo/config over the config.toml %cargo_prep writes, and this one
sends it to a vendor directory that does not exist, online."""

from __future__ import annotations

import pytest

from helpers import leaf_at
from rpmroot import BuildRoot

pytestmark = pytest.mark.rpmbuild

SHIPPED = ('[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\n'
           'directory = "vendor"\n\n[net]\noffline = false\n')


@pytest.mark.parametrize("suite", ["bullseye", "trixie"])
@pytest.mark.parametrize("name", ["config", "config.toml"])
def test_a_crates_own_cargo_configuration_does_not_take_the_build_online(tmp_path, suite, name):
    crate = leaf_at("1.6.0", tmp_path)
    (crate.src / ".cargo").mkdir()
    (crate.src / ".cargo" / name).write_text(SHIPPED)
    with BuildRoot(suite, tmp_path / "root") as root:
        spec = root.stage(crate, "/root/rust-leaf.spec")
        proc = root.rpmbuild(spec, "-bb", check=False)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, log[-4000:]
        assert f"buildsys: the crate's own .cargo/{name} does not apply" in log
        assert "Updating crates.io index" not in log and "warning: both" not in log
        assert "rust-leaf+default-devel" in root.built()
