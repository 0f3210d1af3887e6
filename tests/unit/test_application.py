"""The application package of a rust-CRATE spec: which specs get one, what
its License says of the linked crates, its Summary and its specpart text."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildsys import plan, prepare, project, specparts
from buildsys.features import Selection
from buildsys.licenses import FIXME, linked_expression
from buildsys.record import Options
from buildsys.summary import MAX_SUMMARY, program_summary
from helpers import REGISTRY, tree


@pytest.mark.parametrize(
    "lines, expression, unknown",
    [
        # one crate: its license as it is, in SPDX form
        (["MIT: app v1.0.0"], "MIT", []),
        (["MIT/Apache-2.0: app v1.0.0"], "Apache-2.0 OR MIT", []),
        # the same choices however spelled are one term; compound terms in parentheses
        (["MIT OR Apache-2.0: a v1", "Apache-2.0 OR MIT: b v2", "Apache-2.0/MIT: c v3", "Unlicense: d v1"],
         "(Apache-2.0 OR MIT) AND Unlicense", []),
        (["MIT/NCSA: msvc-demangler v0.10.1", "MIT OR Apache-2.0: bitflags v2.8.0"],
         "(Apache-2.0 OR MIT) AND (MIT OR NCSA)", []),
        # AND and WITH expressions are kept as written, in parentheses
        (["Apache-2.0 WITH LLVM-exception: a v1", "MIT: b v1"], "(Apache-2.0 WITH LLVM-exception) AND MIT", []),
        (["(MIT OR Apache-2.0) AND Unicode-3.0: u v1"], "(MIT OR Apache-2.0) AND Unicode-3.0", []),
        # a crate without an SPDX license: FIXME, and the crate is named
        (["MIT: app v1.0.0", ": odd v0.1.0"], f"MIT AND {FIXME}", ["odd v0.1.0"]),
        # not SPDX text (crate text is untrusted; this goes into a macro's argument)
        (["MIT: app v1.0.0", "MIT} %{x: evil v1.0.0"], f"MIT AND {FIXME}", ["evil v1.0.0"]),
        ([], FIXME, []),
    ],
)
def test_linked_license_ands_every_distinct_license(lines, expression, unknown):
    assert linked_expression(lines) == (expression, unknown)


@pytest.mark.parametrize(
    "binaries, summary",
    [
        (["undname"], "Command-line tool undname from the msvc-demangler crate"),
        (["a", "b", "c"], "Command-line tools a, b and c from the msvc-demangler crate"),
        (["x" * 40, "y" * 40], "Command-line tools from the msvc-demangler crate"),
    ],
)
def test_program_summary_names_the_programs_while_it_fits(binaries, summary):
    assert program_summary("msvc-demangler", binaries) == summary
    assert len(summary) <= MAX_SUMMARY


def _project(root: Path):
    prepare.prepare(root, REGISTRY)
    return project.from_record(root)


LIB_AND_BIN = '[package]\nname = "tool"\nversion = "1.0.0"\nedition = "2021"\nlicense = "MIT"\ndescription = "Does 100% things."\n' \
              '[[bin]]\nname = "fancy"\npath = "src/fancy.rs"\nrequired-features = ["fancy"]\n' \
              '[features]\nfancy = []\n'
FILES = {"src/lib.rs": "", "src/main.rs": "", "src/fancy.rs": "", "LICENSE": "", "README.md": ""}


@pytest.mark.parametrize(
    "name, selection, binaries",
    [
        ("rust-tool", Selection(), ("tool",)),
        ("rust-tool", Selection.from_list("fancy", False, False), ("fancy", "tool")),
        # named after the application: the spec's own %files hold them
        ("tool", Selection(), None),
        ("tool-utils", Selection(), None),
    ],
)
def test_only_a_rust_crate_spec_gets_an_application_package(tmp_path, name, selection, binaries):
    root = tree(tmp_path / "tool-1.0.0", dict(FILES, **{"Cargo.toml": LIB_AND_BIN}))
    app = plan.application(_project(root), name, "tool", selection)
    assert (app.binaries if app else None) == binaries


def test_a_library_without_binaries_has_no_application_package(tmp_path):
    root = tree(tmp_path / "lib-1.0.0", {"Cargo.toml": '[package]\nname = "lib"\nversion = "1.0.0"\n', "src/lib.rs": ""})
    assert plan.application(_project(root), "rust-lib", "lib", Selection()) is None


def test_application_part_lists_the_binaries_and_escapes_crate_text(tmp_path):
    root = tree(tmp_path / "tool-1.0.0", dict(FILES, **{"Cargo.toml": LIB_AND_BIN}))
    proj = _project(root)
    app = plan.application(proj, "rust-tool", "tool", Selection())
    text = specparts.application_part(app, "MIT AND 100%(x)", ["LICENSE", "README.md", "src/lib.rs"])
    lines = text.splitlines()
    assert lines[0] == "%package -n tool"
    assert "Summary:        Command-line tool tool from the tool crate" in lines
    assert ("License:        %{?cargo_application_license}%{!?cargo_application_license:MIT AND 100%%(x)}"
            in lines)
    assert "BuildArch" not in text
    assert "Does 100%% things." in lines
    files = lines[lines.index("%files -n tool") + 1:]
    assert files == ["%license LICENSE LICENSE.dependencies", "%doc README.md", "%{_bindir}/tool"]


def test_a_program_only_crate_keeps_the_specs_summary(tmp_path):
    root = tree(tmp_path / "app-1.0.0", {"Cargo.toml": '[package]\nname = "app"\nversion = "1.0.0"\n',
                                         "src/main.rs": ""})
    app = plan.application(_project(root), "rust-app", "app", Selection())
    text = specparts.application_part(app, "MIT", [])
    assert "Summary:        %{summary}" in text.splitlines()
    assert text.splitlines()[text.splitlines().index("%description -n app") + 1] == "%{summary}."
