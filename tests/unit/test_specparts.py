"""Specparts text, crate-text escaping and the Linux-only manifest, on
small inputs with expectations written by hand."""

import os
import subprocess
import sys
import json
import textwrap
from pathlib import Path

import pytest

from buildsys import manifest, plan, specparts
from buildsys.errors import BuildsysError
from buildsys.prepare import prepare, without_foreign_targets
from buildsys.manifest import tomllib
from buildsys.spectext import escape, paragraph_lines

REPO = Path(__file__).resolve().parents[2]
LEAF = REPO / "tests" / "fixtures" / "leaf"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("100%", "100%%"),
        ("%(touch x)", "%%(touch x)"),
        ("%{lua: os.exit()}", "%%{lua: os.exit()}"),
        ("%%", "%%%%"),
        ("plain", "plain"),
    ],
)
def test_every_percent_is_doubled(text, expected):
    assert escape(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("one\ntwo", ["one two"]),
        # RPM reads %if/%else/%endif/%include at the start of an expanded
        # line even after spaces: a % word never starts a line
        ("a\n\n%files\n\n%package -n x", ["a %%files %%package -n x"]),
        ("a\n\nb\n\n%if 0", ["a", "", "b %%if 0"]),
        ("x" * 70 + " %endif y", ["x" * 70 + " %%endif", "y"]),
        ("x" * 70 + " %include /etc/passwd", ["x" * 70 + " %%include", "/etc/passwd"]),
        ("word " * 20, ["word " * 13 + "word", "word " * 5 + "word"]),
        ("", []),
        (None, []),
        ("x \\", ["x \\"]),
        # RPM drops a %description line that starts with '#' (a comment), blanks or not
        ("a\n\n# Heading\n\nb", ["a # Heading", "", "b"]),
        ("x" * 70 + " #tag y", ["x" * 70 + " #tag", "y"]),
    ],
)
def test_description_lines_never_start_with_a_percent_or_hash(text, expected):
    assert paragraph_lines(text) == expected


@pytest.mark.parametrize("text, message", [
    ("%if 0", "begins with '%', which RPM would read as a spec directive"),
    ("  %prep", "begins with '%', which RPM would read as a spec directive"),
    ("\n\n%include x", "begins with '%', which RPM would read as a spec directive"),
    # without a crate name to begin the line with
    ("# Title", "begins with '#', which RPM would read as a comment"),
    ("  #", "begins with '#', which RPM would read as a comment"),
])
def test_description_that_starts_with_a_percent_or_hash_is_an_error(text, message):
    with pytest.raises(BuildsysError) as exc:
        paragraph_lines(text)
    assert exc.value.message == "the description " + message


WINDOWS_NORMALIZED = """\
[package]
name = "x"
version = "1.0.0"

[dependencies.libc]
version = "0.2"

[target."cfg(windows)".dependencies.winapi]
version = "0.3"
features = [
    "winbase",
]

[target.'cfg(unix)'.dependencies.nix]
version = "0.29"

[target.wasm32-unknown-unknown.dependencies]
js-sys = "0.3"
"""

WINDOWS_REMOVED = """\
[package]
name = "x"
version = "1.0.0"

[dependencies.libc]
version = "0.2"

[target.'cfg(unix)'.dependencies.nix]
version = "0.29"

"""


def test_foreign_target_tables_are_removed_and_nothing_else():
    text, removed = without_foreign_targets(WINDOWS_NORMALIZED, tomllib.loads(WINDOWS_NORMALIZED), "Cargo.toml")
    assert removed == ["cfg(windows)", "wasm32-unknown-unknown"]
    assert text == WINDOWS_REMOVED


@pytest.mark.parametrize(
    "header",
    [
        '[target."cfg(windows\\u0029".dependencies]',
        # as 37 crates of Debian trixie write it (web-sys, errno, hostname...)
        '[target."cfg(target_os = \\"windows\\")".dependencies.winapi]',
    ],
)
def test_escapes_in_a_quoted_target_header_are_read(header):
    text = f'[package]\nname = "x"\nversion = "1.0.0"\n{header}\nversion = "0.3"\n[dependencies]\nlog = "0.4"\n'
    result, removed = without_foreign_targets(text, tomllib.loads(text), "Cargo.toml")
    assert len(removed) == 1 and result == '[package]\nname = "x"\nversion = "1.0.0"\n[dependencies]\nlog = "0.4"\n'


def test_manifest_without_foreign_targets_is_left_byte_identical():
    text = '[package]\nname = "x"\nversion = "1.0.0"\n# comment\n'
    assert without_foreign_targets(text, tomllib.loads(text), "C") == (text, [])


@pytest.mark.parametrize(
    "text",
    [
        # a dotted key under [target]: not a table of its own, cannot be cut out by lines
        '[package]\nname = "x"\nversion = "1.0.0"\n[target]\n\'cfg(windows)\'.dependencies.winapi = "0.3"\n',
    ],
    ids=["dotted-key"],
)
def test_a_layout_that_cannot_be_edited_safely_is_an_error(text):
    with pytest.raises(BuildsysError, match="patch them out in %prep"):
        without_foreign_targets(text, tomllib.loads(text), "Cargo.toml")


def test_a_feature_naming_a_windows_only_dependency_stops_prepare(tmp_path):
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
    with pytest.raises(BuildsysError, match="winapi.*other operating systems.*patch the manifest"):
        prepare(tmp_path, "/usr/share/cargo/registry")


def _prepared_leaf(tmp_path):
    import shutil

    shutil.copytree(LEAF, tmp_path / "leaf")
    prepare(tmp_path / "leaf", "/usr/share/cargo/registry")
    return tmp_path / "leaf"


def test_prepare_is_repeatable_and_writes_offline_cargo_config(tmp_path):
    crate = _prepared_leaf(tmp_path)
    first = (crate / "Cargo.toml").read_bytes()
    prepare(crate, "/usr/share/cargo/registry")
    assert (crate / "Cargo.toml").read_bytes() == first
    assert b"winapi" not in first
    config = (crate / ".cargo" / "config.toml").read_text()
    assert 'directory = "/usr/share/cargo/registry"' in config and 'replace-with = "rpm-registry"' in config
    assert json.loads((crate / ".buildsys" / "files.json").read_text()) == ["Cargo.toml", "LICENSE", "README.md", "src/lib.rs"]


def test_specparts_have_one_package_per_feature_each_noarch_with_files(tmp_path):
    crate = _prepared_leaf(tmp_path)
    p = plan.plan(manifest.load(str(crate)))
    parts = specparts.render(p, "/usr/share/cargo/registry", ["Cargo.toml", "LICENSE", "README.md", "src/lib.rs"])
    assert sorted(parts) == ["10-cargo-devel.specpart", "20-cargo-features.specpart"]
    text = "".join(parts.values())
    names = ["rust-leaf-devel"] + [f"rust-leaf+{f}-devel" for f in ("default", "log", "serde", "std", "unix")]
    for name in names:
        assert f"%package -n {name}\n" in text and f"%files -n {name}\n" in text and f"%description -n {name}\n" in text
    assert text.count("BuildArch:      noarch") == len(names)
    assert [l for l in text.splitlines() if l.startswith("%package")] == [f"%package -n {n}" for n in names]
    assert "%license /usr/share/cargo/registry/leaf-1.2.0/LICENSE\n" in parts["10-cargo-devel.specpart"]
    assert "%doc /usr/share/cargo/registry/leaf-1.2.0/README.md\n" in parts["10-cargo-devel.specpart"]
    assert "%%(touch /tmp/pwned-shell)" in parts["10-cargo-devel.specpart"]
    assert " %%files %%package -n evil\n" in parts["10-cargo-devel.specpart"]
    # every part starts with a section line (RPM 4.19 requires it)
    assert all(t.startswith("%package -n ") for t in parts.values())


def test_specparts_are_byte_identical_across_runs(tmp_path):
    crate = _prepared_leaf(tmp_path)
    env = dict(os.environ, RPM_SPECPARTS_DIR=str(tmp_path))
    outs = [
        subprocess.run([sys.executable, "-m", "buildsys", "-p", str(crate), "specparts", "--registry", "/r", "--stdout"],
                       capture_output=True, env=env, check=True).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and outs[0]


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "RPM_SPECPARTS_DIR is not set"),
        ({"RPM_SPECPARTS_DIR": "/nonexistent/SPECPARTS"}, "does not exist"),
    ],
)
def test_no_specparts_directory_is_an_error_naming_the_compat_mode(tmp_path, env, message):
    crate = _prepared_leaf(tmp_path)
    environ = {k: v for k, v in os.environ.items() if k != "RPM_SPECPARTS_DIR"}
    environ.update(env)
    proc = subprocess.run([sys.executable, "-m", "buildsys", "-p", str(crate), "specparts", "--registry", "/r"],
                          capture_output=True, text=True, env=environ)
    assert proc.returncode == 1
    assert message in proc.stderr and "compat/epel9" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("text, expected", [
    # Debian's asn1_derive 0.20.0 says "#[derive] support for asn1"
    ("#[derive] support for asn1", ["asn1_derive: #[derive] support for asn1"]),
    ("  #x\n\n#y z", ["asn1_derive: #x #y z"]),
    ("plain #x", ["plain #x"]),
])
def test_description_that_starts_with_a_hash_begins_after_the_crate_name(text, expected):
    assert paragraph_lines(text, "asn1_derive") == expected


def test_description_that_starts_with_a_percent_fails_even_with_the_crate_name():
    with pytest.raises(BuildsysError, match="begins with '%'"):
        paragraph_lines("%if 0", "x")
