"""buildsys.answers: the generator's answers, recorded by %cargo_prep, are
the ones the crate gives, and are never used for a Cargo.toml other than
the one they were computed from.

The judge is the slow path itself: the plan computed from the manifest
installed into the registry, as ``buildsys -p INSTALLED requires`` reads
it, for every subpackage (Debian's crates: tests/test_answers_corpus.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import List, Optional

import pytest

from buildsys import answers, manifest, naming, plan, project, registry
from buildsys.record import STATE, Options
from buildsys.prepare import prepare
from helpers import FIXTURES, REGISTRY


def installed(tmp_path: Path, source: Path, workspace: bool = False) -> tuple:
    """The crate prepared as %cargo_prep leaves it, and installed as
    %cargo_install does: (tree, {crate name: installed Cargo.toml})."""
    tree = tmp_path / "build" / source.name
    shutil.copytree(source, tree, ignore=shutil.ignore_patterns("target", "debian", ".cargo-checksum.json"))
    prepare(tree, REGISTRY, Options(workspace=workspace))
    destdir = tmp_path / "buildroot"
    proj = project.load(str(tree))
    registry.install(proj, destdir, REGISTRY)
    files = {m.name: Path(str(destdir) + naming.crate_dir(REGISTRY, m.manifest)) / "Cargo.toml"
             for m in proj.packaged}
    return tree, files


def both_ways(tree: Path, cargo_toml: Path) -> None:
    """Every subpackage, both directions: the record's answer is the crate's."""
    m = manifest.load(str(cargo_toml))
    features: List[Optional[str]] = [None, *plan.feature_names(m)]
    for feature in features:
        assert answers.lookup(str(tree), str(cargo_toml), "provides", feature) == [plan.provides(m, feature)]
        assert answers.lookup(str(tree), str(cargo_toml), "requires", feature) == list(plan.requires(m, feature))


def test_every_answer_of_a_crate_is_the_one_its_installed_manifest_gives(tmp_path):
    tree, files = installed(tmp_path, FIXTURES / "leaf")
    both_ways(tree, files["leaf"])


def test_each_workspace_member_is_answered_from_its_own_record(tmp_path):
    tree, files = installed(tmp_path, FIXTURES / "workspace", workspace=True)
    assert len(files) >= 2
    for cargo_toml in files.values():
        both_ways(tree, cargo_toml)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda text: text + "\n", id="one byte more"),
        pytest.param(lambda text: text.replace('version = "1.0.100"', 'version = "1.0.200"'), id="a requirement"),
        pytest.param(lambda text: text.replace("[features]", "[features]\nextra = []"), id="a feature more"),
    ],
)
def test_a_manifest_other_than_the_recorded_one_is_never_answered(tmp_path, change):
    tree, files = installed(tmp_path, FIXTURES / "leaf")
    cargo_toml = files["leaf"]
    before = cargo_toml.read_text()
    after = change(before)
    assert after != before, "the change must change the manifest"
    cargo_toml.write_text(after)
    for feature in (None, "default", "std"):
        for direction in answers.DIRECTIONS:
            assert answers.lookup(str(tree), str(cargo_toml), direction, feature) is None


@pytest.mark.parametrize("tree_name, feature", [("missing", None), ("leaf", "no-such-feature"), ("leaf", "../x"),
                                                 ("leaf", ".hidden")])
def test_what_the_record_cannot_tell_is_left_to_the_crate(tmp_path, tree_name, feature):
    tree, files = installed(tmp_path, FIXTURES / "leaf")
    where = tree if tree_name == "leaf" else tmp_path / tree_name
    assert answers.lookup(str(where), str(files["leaf"]), "requires", feature) is None


def test_preparing_again_records_the_crate_as_it_is_then(tmp_path):
    tree, files = installed(tmp_path, FIXTURES / "leaf")
    stale = tree / answers.RECORD / "old-crate"
    stale.mkdir()
    prepare(tree, REGISTRY, Options())
    assert not stale.exists()
    both_ways(tree, files["leaf"])


def test_the_answers_live_in_the_record_directory():
    # answers names the directory itself, so that the generator's fast path
    # imports nothing of buildsys.record; the two must not drift apart
    assert Path(answers.RECORD).parts == (STATE, "answers")
