"""``buildsys new``: the shape of the spec for each kind of crate, with
expectations written by hand."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from buildsys import cli, newspec
from buildsys.errors import BuildsysError

from helpers import FIXTURES, WS, member, run_buildsys, tree


def test_new_on_a_crate_that_only_declares_an_empty_workspace_is_a_crate_spec(tmp_path, capsys):
    tree(tmp_path / "solo", {"Cargo.toml": '[package]\nname = "solo"\nversion = "1.0.0"\nlicense = "MIT"\n[workspace]\n',
                             "src/lib.rs": ""})
    assert cli.main(["new", str(tmp_path / "solo")]) == 0
    out = capsys.readouterr().out
    assert "Name:           rust-solo" in out and "--workspace" not in out


@pytest.mark.parametrize(
    "member_toml, message",
    [
        ('[package]\nname = "a"\nversion.workspace = true\n',
         "'package.version' is inherited from a workspace (workspace = true); build the workspace it belongs to "
         "(BuildOption: --workspace, docs/workspaces.md), or package the crate as published ('cargo package' "
         "writes the resolved Cargo.toml)"),
        (None, "this is a workspace manifest without [package]: build the workspace with BuildOption: --workspace "
               "(docs/workspaces.md)"),
    ],
)
def test_a_crate_spec_for_workspace_sources_points_to_the_workspace_option(tmp_path, capsys, member_toml, message):
    root = tree(tmp_path / "ws", {"Cargo.toml": WS, **member("b"), "a/Cargo.toml": member_toml or "", "a/src/lib.rs": ""})
    path = root / "a" if member_toml else root
    assert cli.main(["-p", str(path), "buildrequires"]) == 1
    assert capsys.readouterr().err == f"buildsys: error: {path / 'Cargo.toml'}: {message}\n"

# the documented gate (docs/compat.md), written out here by hand
GATE = ("%if 0%{?cargo_buildsystem}\nBuildSystem:    cargo\n%else\n%{?cargo_compat}%{!?cargo_compat:%{warn:"
        "buildsys-srpm-macros is not installed: this spec's build sections and subpackages come from it}}\n%endif\n")


def crate(tmp_path: Path, cargo_toml: str, files=("src/lib.rs",)) -> Path:
    root = tmp_path / "c"
    for f in files:
        (root / f).parent.mkdir(parents=True, exist_ok=True)
        (root / f).write_text("")
    (root / "Cargo.toml").write_text(cargo_toml)
    return root


def spec_of(tmp_path, cargo_toml, files=("src/lib.rs",)):
    return newspec.spec_for(crate(tmp_path, cargo_toml, files))


def test_library_spec_is_noarch_without_files(tmp_path):
    text = spec_of(tmp_path, '[package]\nname = "foo"\nversion = "1.0.0-rc.1"\nlicense = "MIT/Apache-2.0"\n'
                   'description = "Does foo.  Very well."\n', ("src/lib.rs", "LICENSE-MIT"))
    assert text == (
        "Name:           rust-foo\nVersion:        1.0.0~rc.1\nRelease:        1%{?dist}\n"
        "Summary:        Does foo. Very well\nLicense:        MIT OR Apache-2.0\n"
        "URL:            https://crates.io/crates/foo\nSource:         %{crates_source}\n"
        "BuildArch:      noarch\n" + GATE + "\n%description\nDoes foo. Very well.\n"
    )


@pytest.mark.parametrize("files", [("src/main.rs", "src/bin/extra.rs"), ("src/lib.rs", "src/main.rs")],
                         ids=["binaries only", "library and binary"])
def test_crate_with_binaries_is_rust_named_arch_specific_and_lists_no_files(tmp_path, files):
    # Fedora's convention: the source package is rust-NAME, the programs go
    # to the NAME package, which the build generates with its %files
    text = spec_of(tmp_path, '[package]\nname = "tool"\nversion = "2.0.0"\nlicense = "MIT"\n',
                   files + ("LICENSE", "README.md"))
    assert text.startswith("Name:           rust-tool\n")
    assert "BuildArch" not in text and "%files" not in text and "%{_bindir}" not in text


def test_vendored_application_is_the_main_package_and_lists_its_binaries_and_licenses(tmp_path):
    root = crate(tmp_path, '[package]\nname = "tool"\nversion = "2.0.0"\nlicense = "MIT"\n',
                 ("src/main.rs", "LICENSE", "README.md", "src/bin/extra.rs"))
    text = newspec.spec_for(root, vendored=True)
    assert "\nName:           tool\n" in text
    assert "BuildArch" not in text
    assert text.endswith(
        "%description\n%{summary}.\n\n%files\n%license LICENSE LICENSE.dependencies cargo-vendor.txt\n"
        "%doc README.md\n%{_bindir}/extra\n%{_bindir}/tool\n"
    )


def test_vendored_binary_crate_named_rust_something_sets_crate(tmp_path):
    root = crate(tmp_path, '[package]\nname = "rust-ini"\nversion = "0.1.0"\nlicense = "MIT"\n', ("src/main.rs",))
    text = newspec.spec_for(root, vendored=True)
    assert text.startswith("%global crate rust-ini\n") and "\nName:           rust-ini\n" in text


def test_crate_text_is_escaped_and_missing_license_asks_for_one(tmp_path):
    text = spec_of(tmp_path, '[package]\nname = "evil"\nversion = "0.1.0"\nlicense-file = "COPYING"\n'
                   'description = "Runs 100% %(touch /tmp/x) fast"\n')
    # words with a % stay out of the Summary: %{summary} is expanded again
    assert "Summary:        Runs /tmp/x) fast\n" in text
    assert "%description\nRuns 100%% %%(touch /tmp/x) fast\n" in text
    assert "# FIXME: Cargo.toml has no SPDX license expression (see COPYING)\nLicense:        LicenseRef-FIXME\n" in text


def test_crate_license_is_one_escaped_line(tmp_path):
    text = spec_of(tmp_path, '[package]\nname = "evil"\nversion = "0.1.0"\n'
                   'license = "MIT\\n%post\\nrm -rf %(x)"\nlicense-file = "A\\n%post %(y)"\n')
    assert "License:        MIT %%post rm -rf %%(x)\n" in text
    assert "\n%post" not in text


@pytest.mark.parametrize(
    "description, summary",
    [
        (None, "Rust crate foo"),
        ("Short.", "Short"),
        ("A first sentence that is short. " + "x" * 100, "A first sentence that is short"),
        ("word " * 30, ("word " * 16).strip()),
    ],
)
def test_summary_is_one_short_line_without_final_period(tmp_path, description, summary):
    toml = '[package]\nname = "foo"\nversion = "1.0.0"\nlicense = "MIT"\n'
    if description is not None:
        toml += f'description = "{description}"\n'
    assert f"Summary:        {summary}\n" in spec_of(tmp_path, toml)


@pytest.mark.parametrize(
    "changelog, release, tail",
    [
        (None, "1%{?dist}", []),
        (newspec.Changelog(auto=True), "%autorelease", ["%changelog", "%autochangelog"]),
        (newspec.Changelog(auto=False, date="Sat Dec 06 2025", packager="Jane Doe <jane@example.org>"), "1%{?dist}",
         ["%changelog", "* Sat Dec 06 2025 Jane Doe <jane@example.org> - 1.0.0~rc.1-1", "- Initial package"]),
        # the spec is expanded: a packager's % stays a %
        (newspec.Changelog(auto=False, date="Sat Dec 06 2025", packager="100% <p@example.org>"), "1%{?dist}",
         ["%changelog", "* Sat Dec 06 2025 100%% <p@example.org> - 1.0.0~rc.1-1", "- Initial package"]),
    ],
)
def test_the_spec_keeps_its_release_and_changelog_as_chosen(tmp_path, changelog, release, tail):
    text = newspec.spec_for(crate(tmp_path, '[package]\nname = "foo"\nversion = "1.0.0-rc.1"\nlicense = "MIT"\n'),
                            changelog=changelog)
    lines = text.splitlines()
    assert f"Release:        {release}" in lines
    assert lines[len(lines) - len(tail):] == tail if tail else "%changelog" not in lines


@pytest.mark.parametrize(
    "env, line",
    [
        ({"SOURCE_DATE_EPOCH": "1765000000", "RPM_PACKAGER": "Jane  Doe <jane@example.org>"},
         "* Sat Dec 06 2025 Jane Doe <jane@example.org> - 1.2.0-1"),
        ({"SOURCE_DATE_EPOCH": "0", "RPM_PACKAGER": ""}, "* Thu Jan 01 1970 Packager <packager@example.org> - 1.2.0-1"),
    ],
)
def test_buildsys_new_dates_and_signs_the_first_entry_as_rpmdevtools_would(env, line):
    proc = run_buildsys("new", str(FIXTURES / "leaf"), env=dict(os.environ, **env))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2:] == [line, "- Initial package"]


def test_a_source_date_epoch_that_is_no_number_is_one_line():
    proc = run_buildsys("new", str(FIXTURES / "leaf"), env=dict(os.environ, SOURCE_DATE_EPOCH="yesterday"))
    assert (proc.returncode, proc.stderr) == (1, "buildsys: error: SOURCE_DATE_EPOCH='yesterday' is not a number of "
                                                 "seconds\n")


def test_the_packagers_commands_become_hooks_before_the_gate_with_backslashes_doubled():
    lines = newspec.hook_lines([("prep_pre", ("cp -p %{SOURCE1} .", r"sed -i 's/\bx\b/y/' f")),
                                ("install_post", ("install -m 644 a %{buildroot}/a",))])
    assert lines == [
        "# the packager's own commands, run by every RPM (docs/buildoptions.md)",
        "%global cargo_prep_pre %{expand:", "cp -p %{SOURCE1} .", r"sed -i 's/\\bx\\b/y/' f", "}",
        "# the packager's own commands, run by every RPM (docs/buildoptions.md)",
        "%global cargo_install_post %{expand:", "install -m 644 a %{buildroot}/a", "}",
    ]


@pytest.mark.parametrize(
    "extra, why",
    [
        ('links = "z"\n[build-dependencies]\npkg-config = "0.3"\ncc = "1"\n',
         'foo links a C library (links = "z"; build-dependencies cc, pkg-config)'),
        ('[build-dependencies]\nsystem-deps = "6"\n', "foo links a C library (build-dependencies system-deps)"),
    ],
)
def test_a_crate_that_links_a_c_library_gets_a_fixme_naming_the_fix(tmp_path, extra, why):
    toml = '[package]\nname = "foo"\nversion = "1.0.0"\nlicense = "MIT"\n' + extra
    text = spec_of(tmp_path, toml)
    assert f"# FIXME: {why}: name its development package, for example\n" in text
    assert "# with cargo_options: --requires pkgconfig(NAME) --buildrequires pkgconfig(NAME)\n" in text
    # rpm expands macros in comments: a %global there would define it
    assert not [line for line in text.splitlines() if line.startswith("#") and "%" in line]
    assert text.index("# FIXME: foo links") < text.index("%if 0%{?cargo_buildsystem}")


def test_a_crate_that_only_compiles_c_gets_no_fixme(tmp_path):
    toml = '[package]\nname = "foo"\nversion = "1.0.0"\nlicense = "MIT"\n[build-dependencies]\ncc = "1"\n'
    assert "FIXME" not in spec_of(tmp_path, toml)


@pytest.mark.parametrize("version, name", [
    ("1.3.2", "rust-foo1"),  # Fedora's rust-bitflags1, rust-nom7
    ("7.1.3", "rust-foo7"),
    ("0.4.20", "rust-foo0.4"),
    ("0.0.3", "rust-foo0.0.3"),
    ("2.0.0-rc.1", "rust-foo2"),
])
def test_a_compat_spec_is_named_after_the_compatible_part_of_the_version_and_sets_crate(tmp_path, version, name):
    path = crate(tmp_path, f'[package]\nname = "foo"\nversion = "{version}"\nlicense = "MIT"\n', ("src/lib.rs",))
    lines = newspec.spec_for(path, compat=True).splitlines()
    assert lines[:2] == ["%global crate foo", f"Name:           {name}"]


def test_a_compat_spec_is_for_a_crate_not_a_vendored_application(tmp_path):
    path = crate(tmp_path, '[package]\nname = "foo"\nversion = "1.0.0"\n', ("src/main.rs",))
    with pytest.raises(BuildsysError, match="compat"):
        newspec.spec_for(path, vendored=True, compat=True)


def test_a_version_with_build_metadata_names_the_archive_and_its_directory_not_the_rpm_version(tmp_path):
    """libgit2-sys 0.18.1+1.9.0: crates.io's archive and its top directory
    carry the whole version; RPM's Version cannot hold '+'."""
    path = crate(tmp_path, '[package]\nname = "foo-sys"\nversion = "0.18.1+1.9.0"\nlicense = "MIT"\n', ("src/lib.rs",))
    lines = newspec.spec_for(path).splitlines()
    assert lines[:3] == ["%global crate_version 0.18.1+1.9.0", "%global cargo_source_dir foo-sys-0.18.1+1.9.0",
                         "Name:           rust-foo-sys"]
    assert "Version:        0.18.1" in lines
    assert "Source:         %{crates_source %{crate} %{crate_version}}" in lines
