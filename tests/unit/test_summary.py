"""buildsys.summary: the one Summary rule, the same text wherever a
Summary is written (spec, workspace members' subpackages, metadata)."""

from __future__ import annotations

import pytest

from buildsys.summary import MAX_SUMMARY, summary

LONG_WORDS = " ".join(["word"] * 30)  # 149 characters, no sentence end


@pytest.mark.parametrize("description, expected", [
    (None, "Rust crate demo"),
    ("", "Rust crate demo"),
    ("Fast hashing.", "Fast hashing"),
    # short enough: the whole description, reflowed
    ("Does foo.  Very well.", "Does foo. Very well"),
    ("Multi\nline\ttext", "Multi line text"),
    # too long: the first sentence
    ("First sentence is short. " + LONG_WORDS, "First sentence is short"),
    # still too long: the words that fit, and no "..." (rpmlint: summary-ended-with-dot)
    (LONG_WORDS, " ".join(["word"] * 16)),
    # words with '%' are left out (RPM expands %{summary} again in subpackages)
    ("A 100% safe %{lua:x} parser", "A safe parser"),
    ("%(touch) %{lua:x}", "Rust crate demo"),
])
def test_summary_of_a_description(description, expected):
    got = summary(description, "demo")
    assert got == expected
    assert len(got) <= MAX_SUMMARY and "%" not in got and "\n" not in got


def test_the_spec_and_the_member_headings_use_the_same_summary(tmp_path):
    from buildsys import plan, prepare, project, specparts
    from buildsys.record import Options

    files = {
        "Cargo.toml": '[workspace]\nmembers = ["a", "b"]\n',
        "a/Cargo.toml": '[package]\nname = "a"\nversion = "1.0.0"\ndescription = "Does foo.  Very well."\n',
        "b/Cargo.toml": '[package]\nname = "b"\nversion = "1.0.0"\n',
        "a/src/lib.rs": "", "b/src/lib.rs": "",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    prepare.prepare(tmp_path, "/r", Options(workspace=True))
    parts = specparts.for_project(project.load(str(tmp_path)), "/r")
    assert "Summary:        Does foo. Very well\n" in parts["10-cargo-a-devel.specpart"]
    assert plan.packages(project.load(str(tmp_path)))[0].own is False
