"""buildsys.cargoconfig: the only cargo configuration in a prepared tree is
buildsys's, whatever the crate ships in .cargo/; the crate's is set aside
and said so, and preparing again keeps buildsys's own."""

from __future__ import annotations

import shutil

import pytest

from buildsys import prepare
from helpers import FIXTURES, REGISTRY

HOSTILE = '[source.crates-io]\nreplace-with = "vendored-sources"\n[source.vendored-sources]\ndirectory = "vendor"\n' \
          '[net]\noffline = false\n'


@pytest.mark.parametrize(
    "shipped, notices",
    [
        ({}, []),
        ({"config": HOSTILE}, ["config"]),
        ({"config.toml": HOSTILE}, ["config.toml"]),
        ({"config": HOSTILE, "config.toml": "[build]\njobs = 1\n"}, ["config", "config.toml"]),
    ],
)
def test_the_crates_own_cargo_configuration_is_set_aside(tmp_path, shipped, notices):
    root = tmp_path / "leaf-1.2.0"
    shutil.copytree(FIXTURES / "leaf", root)
    (root / ".cargo").mkdir()
    for name, text in shipped.items():
        (root / ".cargo" / name).write_text(text)
    _, said = prepare.prepare(root, REGISTRY)
    assert [n for n in said if "does not apply" in n] == [
        f"the crate's own .cargo/{name} does not apply: the build is offline, from the RPM registry (it is kept in "
        ".buildsys/crate-cargo/)" for name in notices]
    assert sorted(p.name for p in (root / ".cargo").iterdir()) == ["config.toml"]
    ours = (root / ".cargo" / "config.toml").read_text()
    assert f'directory = "{REGISTRY}"' in ours and "offline = true" in ours
    for name, text in shipped.items():
        assert (root / ".buildsys" / "crate-cargo" / name).read_text() == text
    # a -br round prepares again: buildsys's own file stays, nothing more is set aside
    _, again = prepare.prepare(root, REGISTRY)
    assert not [n for n in again if "does not apply" in n]
    assert (root / ".cargo" / "config.toml").read_text() == ours


def test_a_cargo_directory_that_is_a_link_is_never_written_through(tmp_path):
    root = tmp_path / "leaf-1.2.0"
    shutil.copytree(FIXTURES / "leaf", root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".cargo").symlink_to(outside)
    _, said = prepare.prepare(root, REGISTRY)
    assert list(outside.iterdir()) == []
    assert (root / ".cargo").is_dir() and not (root / ".cargo").is_symlink()
    assert any(n.startswith("the crate's own .cargo/ does not apply") for n in said)
