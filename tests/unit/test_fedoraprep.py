"""Fedora's %cargo_prep (buildsys.fedoraprep) without rpmbuild: the
configuration read back by a TOML parser, and what it leaves in the tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildsys import fedoraprep
from buildsys.errors import BuildsysError

try:
    import tomllib  # type: ignore[import-not-found]
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

TOOLS = fedoraprep.Toolchain(rustc="/opt/r c/rustc", rustdoc="/usr/bin/rustdoc", cflags='-O2 -D"X=1" \\ -g',
                             cxxflags="-O2", ldflags="", install_root="/b/root/usr", opt_level="s",
                             debuginfo="line-tables-only", codegen_units="16")

MANIFEST = '[package]\nname = "probe"\nversion = "1.0.0"\nedition = "2021"\n'


def tree(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text(MANIFEST)
    (tmp_path / "Cargo.toml.orig").write_text(MANIFEST)
    (tmp_path / "Cargo.lock").write_text("version = 3\n")
    return tmp_path


def config(root: Path) -> dict:
    return tomllib.loads((root / ".cargo" / "config.toml").read_text())


@pytest.mark.parametrize("how,source,directory,lock_kept", [
    ({}, "local-registry", "/reg", False),
    ({"vendor_dir": "vendor"}, "vendored-sources", "vendor", True),
    ({"no_source": True}, None, None, True),
], ids=["registry", "-v DIR", "-N"])
def test_configuration_holds_the_spec_values_and_the_chosen_source(tmp_path, how, source, directory, lock_kept):
    root = tree(tmp_path)
    if "vendor_dir" in how:
        (root / "vendor").mkdir()
    fedoraprep.prep(root, "/reg", TOOLS, **how)
    got = config(root)
    assert got["build"] == {"rustc": TOOLS.rustc, "rustdoc": TOOLS.rustdoc}
    assert got["env"] == {"CFLAGS": TOOLS.cflags, "CXXFLAGS": TOOLS.cxxflags, "LDFLAGS": TOOLS.ldflags}
    assert got["install"] == {"root": TOOLS.install_root}
    assert got["profile"]["rpm"] == {"inherits": "release", "opt-level": "s", "codegen-units": 16,
                                     "debug": "line-tables-only", "strip": "none"}
    if source is None:
        assert "source" not in got and "net" not in got
    else:
        assert got["source"]["crates-io"]["replace-with"] == source
        assert got["source"][source] == {"directory": directory}
        assert got["net"] == {"offline": True}
    assert not (root / "Cargo.toml.orig").exists()
    assert (root / "Cargo.lock").exists() == lock_kept


def test_crate_name_and_version_are_not_checked(tmp_path):
    root = tree(tmp_path)
    # nothing here names the crate: any spec's %crate and %version go
    fedoraprep.prep(root, "/reg", TOOLS)
    assert (root / ".buildsys").is_dir()


def test_the_crates_own_legacy_config_is_set_aside(tmp_path):
    root = tree(tmp_path)
    (root / ".cargo").mkdir()
    (root / ".cargo" / "config").write_text('[source.crates-io]\nreplace-with = "elsewhere"\n')
    fedoraprep.prep(root, "/reg", TOOLS, vendor_dir=".")
    # cargo would prefer it over config.toml
    assert not (root / ".cargo" / "config").exists()
    assert "elsewhere" in (root / ".cargo" / "config.crate").read_text()
    assert config(root)["source"]["crates-io"]["replace-with"] == "vendored-sources"


@pytest.mark.parametrize("how", [{"vendor_dir": "vendor", "no_source": True}, {"vendor_dir": "missing"}])
def test_wrong_source_options_stop_with_one_line(tmp_path, how):
    root = tree(tmp_path)
    with pytest.raises(BuildsysError):
        fedoraprep.prep(root, "/reg", TOOLS, **how)
