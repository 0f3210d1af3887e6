"""cargo itself reads what buildsys.linuxonly makes of a manifest whose
features name dependencies only other systems have (the cases of
tests/unit/test_linuxonly.py), with the features buildsys says. Apart from
the unit tests because those also run in the Python 3.9 root, which has no
cargo."""

from __future__ import annotations

import importlib.util

import pytest

from buildsys.manifest import tomllib
from buildsys.prepare import without_foreign_targets
from helpers import REPO
from oracles import cargo_metadata

_spec = importlib.util.spec_from_file_location("unit_linuxonly", REPO / "tests" / "unit" / "test_linuxonly.py")
unit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(unit)


@pytest.mark.parametrize("extra, features", unit.CASES)
def test_cargo_reads_the_edited_manifest_with_the_same_features(tmp_path, extra, features):
    text = unit.FEATURES + extra
    result, _ = without_foreign_targets(text, tomllib.loads(text), "Cargo.toml")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text(result)
    meta = cargo_metadata(tmp_path, cached=False)
    assert meta is not None
    # cargo adds the implicit feature of each optional dependency named
    # without dep: anywhere
    implicit = {"log": ["dep:log"]}
    if "js-sys" in features["wasmbind"]:
        implicit["js-sys"] = ["dep:js-sys"]
    assert {k: sorted(v) for k, v in meta["packages"][0]["features"].items()} == {
        k: sorted(v) for k, v in {**features, **implicit}.items()}
