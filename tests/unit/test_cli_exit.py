"""buildsys.cli: arguments to the project and a renderer, and how it ends:
one line and exit 1 for a packager's error, quiet for a reader that goes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from buildsys import cli

from helpers import FIXTURES, REPO, crate_archive, run_buildsys, tree


@pytest.mark.parametrize(
    "argv, message",
    [
        (["buildrequires", "--workspace"], "BuildOption --workspace, but this Cargo.toml has no [workspace] table"),
        (["buildrequires", "--workspace", "-f", "x"], "BuildOption --workspace, but this Cargo.toml has no [workspace] table"),
    ],
)
def test_cli_workspace_errors_are_one_line(tmp_path, capsys, argv, message):
    tree(tmp_path, {"Cargo.toml": '[package]\nname = "p"\nversion = "1.0.0"\n', "src/lib.rs": ""})
    assert cli.main(["-p", str(tmp_path)] + argv) == 1
    err = capsys.readouterr().err
    assert err == f"buildsys: error: {tmp_path / 'Cargo.toml'}: {message}\n"


def test_a_reader_that_stops_reading_is_not_an_internal_error(tmp_path):
    """`buildsys packages | head -1`: the pipe closes after one line. The
    crate's listing is larger than a pipe's buffer, so that buildsys is
    still writing when the reader goes."""
    features = "".join(f"f{i} = []\n" for i in range(3000))
    (tmp_path / "Cargo.toml").write_text(f'[package]\nname = "big"\nversion = "1.0.0"\n[features]\n{features}')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    proc = subprocess.Popen([sys.executable, "-m", "buildsys", "-p", str(tmp_path), "packages"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO,
                            bufsize=0)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait()
    assert first == b"rust-big-devel\n"
    assert "internal error" not in err and "Traceback" not in err
    assert code == 141  # as a shell reports a process that SIGPIPE ended


@pytest.mark.parametrize("action", ["packages", "buildrequires", "is-bin", "bin-paths"])
def test_a_workspace_manifest_without_workspace_option_is_one_clear_error(tmp_path, action):
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = ["a"]\n')
    proc = run_buildsys("-p", str(tmp_path), action)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1
    assert "workspace manifest without [package]" in proc.stderr


def test_packages_lists_every_member_of_a_prepared_workspace(tmp_path):
    """One project model: what works for a crate works for a workspace."""
    import shutil

    root = tmp_path / "ws"
    shutil.copytree(REPO / "tests" / "fixtures" / "workspace", root, symlinks=True)
    assert run_buildsys("-p", str(root), "prepare", "--workspace", "--registry", "/r").returncode == 0
    out = run_buildsys("-p", str(root), "packages").stdout.split("\n")
    names = [line for line in out if line and not line.startswith(" ")]
    # the two publishable library members of docs/workspaces.md's fixture, each with -devel first
    assert names[0] == "rust-wsdemo-core-devel"
    assert "rust-wsdemo-fmt-devel" in names
    assert not [n for n in names if "wsdemo-cli" in n or "testutil" in n]


def test_metadata_summary_has_no_percent_words_like_every_other_summary(tmp_path):
    """RPM expands %{summary} again in subpackages: the metadata summary is
    the same text as the spec's, without the word that holds a '%'."""
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "p"\nversion = "1.0.0"\n'
                                         'description = "A 100% safe parser"\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    import json

    doc = json.loads(run_buildsys("-p", str(tmp_path), "metadata").stdout)
    spec = run_buildsys("new", str(tmp_path)).stdout
    assert doc["summary"] == "A safe parser"
    assert "Summary:        A safe parser\n" in spec


@pytest.mark.parametrize("action", [["packages"], ["provides", "-f", "std"], ["requires"], ["buildrequires", "-t"],
                                    ["features"], ["name"], ["version"], ["is-lib"], ["is-bin"], ["metadata"]])
def test_a_crate_archive_is_read_wherever_its_directory_is(tmp_path, action):
    archive = crate_archive(FIXTURES / "leaf", tmp_path, "leaf", "1.2.0")
    from_dir = run_buildsys("-p", str(FIXTURES / "leaf"), *action)
    from_archive = run_buildsys("-p", str(archive), *action)
    assert from_dir.returncode == 0, from_dir.stderr
    lines = from_archive.stdout.replace(str(archive), "PATH").splitlines()
    expected = from_dir.stdout.replace(str(FIXTURES / "leaf" / "Cargo.toml"), "PATH").splitlines()
    assert (from_archive.returncode, from_archive.stderr) == (0, "")
    # metadata names no path; the others print what the crate gives
    assert lines == expected


@pytest.mark.parametrize(
    "files, action, message",
    [
        ({"leaf-1.2.0/Cargo.toml": '[package]\nname = "leaf"\nversion = "x"\n'}, ["packages"],
         "{archive}:leaf-1.2.0/Cargo.toml: invalid version 'x'"),
        ({"leaf-1.2.0/Cargo.toml": '[package]\nname = "leaf"\nversion = "1.2.0"\n'}, ["prepare", "--registry", "/r"],
         "{archive}: 'prepare' works on the unpacked crate's directory, not on its archive"),
    ],
)
def test_an_archive_the_cli_cannot_use_is_one_line_naming_it(tmp_path, files, action, message):
    src = tree(tmp_path / "src", {rel.split("/", 1)[1]: text for rel, text in files.items()})
    archive = crate_archive(src, tmp_path, "leaf", "1.2.0")
    proc = run_buildsys("-p", str(archive), *action)
    assert proc.returncode == 1
    assert proc.stderr.startswith("buildsys: error: " + message.format(archive=archive)), proc.stderr
    assert proc.stderr.count("\n") == 1
