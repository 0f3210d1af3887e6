"""buildsys.sections: the static sections of the compat mode for RPM 4.16,
read from the crate archive at parse time, and %build's staleness check.
Expectations are written by hand."""


import shutil

import pytest

from buildsys import prepare, sections
from buildsys.errors import BuildsysError

from helpers import LEAF, REGISTRY, crate_bytes, prepared_leaf


def leaf_archive(tmp_path, cargo_toml=None):
    members = {}
    for path in sorted(p for p in LEAF.src.rglob("*") if p.is_file() and "target" not in p.parts):
        members[f"leaf-1.2.0/{path.relative_to(LEAF.src)}"] = path.read_bytes()
    if cargo_toml is not None:
        members["leaf-1.2.0/Cargo.toml"] = cargo_toml.encode()
    archive = tmp_path / "leaf-1.2.0.crate"
    archive.write_bytes(crate_bytes(members))
    return archive


def test_sections_from_the_archive_equal_those_of_the_prepared_crate(tmp_path):
    parsed = sections.from_archive(leaf_archive(tmp_path), REGISTRY)
    assert parsed == sections.from_prepared(prepared_leaf(tmp_path), REGISTRY)
    # one package per feature, and the -devel package
    assert parsed.count("\n%package -n ") + parsed.startswith("%package -n ") == 6


def test_check_passes_when_nothing_changed(tmp_path):
    archive = leaf_archive(tmp_path)
    sections.check(prepared_leaf(tmp_path), archive, REGISTRY, sections.digest(sections.from_archive(archive, REGISTRY)))


def test_check_fails_with_a_diff_when_a_patch_adds_a_feature(tmp_path, capsys):
    archive = leaf_archive(tmp_path)
    digest = sections.digest(sections.from_archive(archive, REGISTRY))
    patched = (LEAF.src / "Cargo.toml").read_text().replace("[features]\n", "[features]\nextra = []\n")
    assert "extra = []" in patched
    with pytest.raises(BuildsysError, match="differ from the crate as %prep left it"):
        sections.check(prepared_leaf(tmp_path, patched), archive, REGISTRY, digest)
    assert "+%package -n rust-leaf+extra-devel" in capsys.readouterr().err


def test_check_passes_when_the_packagers_prep_command_adds_a_doc_file(tmp_path):
    # cp -p %{SOURCE1} . before %cargo_prep: a README.fedora the archive
    # read at parse time does not have, marked %doc only after %prep
    archive = leaf_archive(tmp_path)
    digest = sections.digest(sections.from_archive(archive, REGISTRY))
    prepared = tmp_path / "build" / "leaf-1.2.0"
    shutil.copytree(LEAF.src, prepared, ignore=shutil.ignore_patterns("target"))
    (prepared / "README.fedora").write_text("Packaged for Fedora.\n")
    prepare.prepare(prepared, REGISTRY)
    assert "README.fedora" in sections.from_prepared(prepared, REGISTRY)
    sections.check(prepared, archive, REGISTRY, digest)


def test_check_fails_when_no_sections_were_expanded(tmp_path):
    with pytest.raises(BuildsysError, match="no subpackage sections were expanded"):
        sections.check(prepared_leaf(tmp_path), leaf_archive(tmp_path), REGISTRY, "")


def test_sections_are_byte_identical_across_runs(tmp_path):
    archive = leaf_archive(tmp_path)
    assert sections.from_archive(archive, REGISTRY) == sections.from_archive(archive, REGISTRY)
