"""buildsys.targets: library and binary targets, declared or discovered on
disk as cargo finds them. Expectations are written by hand."""


import pytest

from buildsys import manifest

from helpers import write_manifest


@pytest.mark.parametrize(
    "files, body, is_lib, bins",
    [
        (["src/lib.rs"], "", True, []),
        (["src/main.rs"], "", False, ["foo"]),
        (["src/lib.rs", "src/main.rs", "src/bin/tool.rs", "src/bin/multi/main.rs"], "", True, ["foo", "multi", "tool"]),
        (["src/main.rs", "src/bin/tool.rs"], "autobins = false\n[[bin]]\nname = \"only\"\npath = \"src/main.rs\"\n",
         False, ["only"]),
        (["src/custom.rs"], '[lib]\npath = "src/custom.rs"\n', True, []),
        (["src/lib.rs"], '[lib]\nproc-macro = true\n', True, []),
        (["src/lib.rs"], '[lib]\ncrate-type = ["cdylib"]\n', False, []),
        (["src/main.rs"], '[[bin]]\nname = "x"\npath = "src/x.rs"\nrequired-features = ["cli"]\n[features]\ncli = []\n',
         False, ["foo", "x"]),
    ],
)
def test_targets_are_discovered_like_cargo(tmp_path, files, body, is_lib, bins):
    m = write_manifest(tmp_path, body, files)
    assert m.is_lib is is_lib
    assert [b.name for b in m.binaries] == bins


def test_edition_2015_explicit_bin_turns_discovery_off(tmp_path):
    (tmp_path / "src" / "bin").mkdir(parents=True)
    (tmp_path / "src" / "main.rs").write_text("")
    (tmp_path / "src" / "bin" / "extra.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "foo"\nversion = "1.0.0"\n[[bin]]\nname = "foo"\npath = "src/main.rs"\n')
    assert [b.name for b in manifest.load(str(tmp_path)).binaries] == ["foo"]
