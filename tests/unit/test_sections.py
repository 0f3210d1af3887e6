"""buildsys.sections: the static sections of the compat mode for RPM 4.16,
read from the crate archive at parse time, and %build's staleness check.
Expectations are written by hand."""

import io
import shutil
import tarfile
from pathlib import Path

import pytest

from buildsys import sections
from buildsys.errors import BuildsysError
from buildsys.prepare import prepare


REPO = Path(__file__).resolve().parents[2]
LEAF = REPO / "tests" / "fixtures" / "leaf"
REGISTRY = "/usr/share/cargo/registry"


def crate_bytes(members):
    """A .crate (tar.gz) holding ``members``: name -> bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def leaf_archive(tmp_path, cargo_toml=None):
    members = {}
    for path in sorted(p for p in LEAF.rglob("*") if p.is_file() and "target" not in p.parts):
        members[f"leaf-1.2.0/{path.relative_to(LEAF)}"] = path.read_bytes()
    if cargo_toml is not None:
        members["leaf-1.2.0/Cargo.toml"] = cargo_toml.encode()
    archive = tmp_path / "leaf-1.2.0.crate"
    archive.write_bytes(crate_bytes(members))
    return archive


def prepared_leaf(tmp_path, cargo_toml=None):
    crate = tmp_path / "build" / "leaf-1.2.0"
    shutil.copytree(LEAF, crate, ignore=shutil.ignore_patterns("target"))
    if cargo_toml is not None:
        (crate / "Cargo.toml").write_text(cargo_toml)
    prepare(crate, REGISTRY)
    return crate


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
    patched = (LEAF / "Cargo.toml").read_text().replace("[features]\n", "[features]\nextra = []\n")
    assert "extra = []" in patched
    with pytest.raises(BuildsysError, match="differ from the crate as %prep left it"):
        sections.check(prepared_leaf(tmp_path, patched), archive, REGISTRY, digest)
    assert "+%package -n rust-leaf+extra-devel" in capsys.readouterr().err


def test_check_fails_when_no_sections_were_expanded(tmp_path):
    with pytest.raises(BuildsysError, match="no subpackage sections were expanded"):
        sections.check(prepared_leaf(tmp_path), leaf_archive(tmp_path), REGISTRY, "")


def test_sections_are_byte_identical_across_runs(tmp_path):
    archive = leaf_archive(tmp_path)
    assert sections.from_archive(archive, REGISTRY) == sections.from_archive(archive, REGISTRY)
