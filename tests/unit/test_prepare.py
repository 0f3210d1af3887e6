"""buildsys.prepare: %cargo_prep on crates and workspaces, repeatable and
byte-identical, with expectations written by hand."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from buildsys import prepare, record
from buildsys.record import Options
from buildsys.errors import BuildsysError

from helpers import REGISTRY, REPO, WORKSPACE, WS, member, prepare_workspace, prepared_leaf, tree


SHARED = (WS + '[workspace.package]\nversion = "2.1.0"\nedition = "2021"\nlicense = "MIT"\nrust-version = "1.74"\n'
          'readme = "README.md"\n[workspace.dependencies]\nlog = "0.4"\n'
          'serde = { version = "1", default-features = false, features = ["std"] }\nb = { path = "b", version = "2.1" }\n'
          '[workspace.lints.rust]\nunsafe_code = "forbid"\n')


def test_files_from_outside_the_member_are_copied_in(tmp_path):
    root = tree(tmp_path / "ws", {"Cargo.toml": SHARED, "README.md": "hello", "LICENSE-MIT": "mit", **member("b"),
                                  "a/Cargo.toml": '[package]\nname = "a"\nversion = "1.0.0"\nreadme.workspace = true\n',
                                  "a/src/lib.rs": ""})
    prepare_workspace(root)
    # the readme it names, and the root's license texts (it has none of its own)
    assert (root / "a" / "README.md").read_text() == "hello"
    assert (root / "a" / "LICENSE-MIT").read_text() == "mit"
    assert "README.md" in record.source_files(root / "a")


def test_prepare_twice_and_any_hash_seed_give_the_same_bytes(tmp_path):
    outputs = []
    for seed in ("0", "1", "4242"):
        root = tmp_path / f"ws{seed}"
        shutil.copytree(WORKSPACE, root)
        env = dict(os.environ, PYTHONHASHSEED=seed,
                   PYTHONPATH=os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        run = [sys.executable, "-m", "buildsys", "-p", str(root)]
        for _ in range(2):
            proc = subprocess.run(run + ["prepare", "--workspace", "--registry", REGISTRY], env=env, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
        out = [subprocess.run(run + args, env=env, check=True, capture_output=True, text=True).stdout
               for args in (["specparts", "--stdout", "--registry", REGISTRY], ["buildrequires", "-t"], ["bin-paths"])]
        out += [(root / m / ".buildsys" / record.NORMALIZED).read_text() for m in ("crates/wsdemo-core", "crates/wsdemo-fmt")]
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][2] == "crates/wsdemo-cli\n"


def test_license_links_to_the_root_are_copied_and_the_skeleton_agrees(tmp_path):
    """Members link the root's license; cargo package copies the text. The
    parse-time skeleton (EPEL 9's static sections) must see the same files."""
    root = tmp_path / "wsdemo-0.3.1"
    shutil.copytree(WORKSPACE, root, symlinks=True)
    assert (root / "crates" / "wsdemo-fmt" / "LICENSE-MIT").is_symlink()  # as the fixture has it
    archive = tmp_path / "wsdemo-0.3.1.tar.gz"
    import tarfile
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, "wsdemo-0.3.1")
    from buildsys import sections
    parsed = sections.from_archive(archive, REGISTRY, Options(workspace=True))
    prepare_workspace(root)
    link = root / "crates" / "wsdemo-fmt" / "LICENSE-MIT"
    assert not link.is_symlink() and link.read_bytes() == (root / "LICENSE-MIT").read_bytes()
    assert not (root / "crates" / "wsdemo-fmt" / "LICENSE-APACHE").exists()  # it has a license of its own
    assert sections.from_prepared(root, REGISTRY) == parsed


def test_a_feature_naming_a_windows_only_dependency_keeps_the_feature_without_it(tmp_path):
    """On Linux such a feature enables nothing, and so it stays, empty: the
    crates that enable it still resolve (chrono's wasmbind)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text(textwrap.dedent("""\
        [package]
        name = "x"
        version = "1.0.0"
        [features]
        win = ["dep:winapi"]
        [target.'cfg(windows)'.dependencies]
        winapi = { version = "0.3", optional = true }
        """))
    prepare.prepare(tmp_path, "/usr/share/cargo/registry")
    assert (tmp_path / "Cargo.toml").read_text() == '[package]\nname = "x"\nversion = "1.0.0"\n[features]\nwin = []\n'


def test_features_written_where_the_edit_cannot_reach_them_stop_prepare(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text(textwrap.dedent("""\
        features = { win = ["dep:winapi"] }
        [package]
        name = "x"
        version = "1.0.0"
        [target.'cfg(windows)'.dependencies]
        winapi = { version = "0.3", optional = true }
        """))
    with pytest.raises(BuildsysError, match="other operating systems.*patch them out in %prep"):
        prepare.prepare(tmp_path, "/usr/share/cargo/registry")


def test_prepare_is_repeatable_and_writes_offline_cargo_config(tmp_path):
    crate = prepared_leaf(tmp_path)
    first = (crate / "Cargo.toml").read_bytes()
    prepare.prepare(crate, "/usr/share/cargo/registry")
    assert (crate / "Cargo.toml").read_bytes() == first
    assert b"winapi" not in first
    config = (crate / ".cargo" / "config.toml").read_text()
    assert 'directory = "/usr/share/cargo/registry"' in config and 'replace-with = "rpm-registry"' in config
    assert json.loads((crate / ".buildsys" / "files.json").read_text()) == ["Cargo.toml", "LICENSE", "README.md", "src/lib.rs"]
