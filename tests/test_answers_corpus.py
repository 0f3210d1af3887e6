"""The generator's recorded answers (buildsys.answers) on Debian's crates:
every subpackage of a sample across the corpus, prepared and installed as
a build does, answered from the record exactly as its installed manifest
reads."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

import debian_corpus
from unit.test_answers import both_ways, installed


def sample(registry_dir: Path) -> List[str]:
    """Library crates across the corpus, every 97th."""
    return [c.name for c in debian_corpus.crate_dirs(registry_dir) if (c / "src" / "lib.rs").exists()][::97][:25]


def pytest_generate_tests(metafunc):
    if "sampled" in metafunc.fixturenames:
        debian_corpus.parametrize(metafunc, "sampled", "answers-sample", sample)


@pytest.mark.corpus
def test_debian_crates_are_answered_as_their_installed_manifests_read(tmp_path, corpus_registry, sampled):
    tree, files = installed(tmp_path, corpus_registry / sampled)
    (cargo_toml,) = files.values()
    both_ways(tree, cargo_toml)
