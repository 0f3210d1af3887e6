"""buildsys.deptables: every dependency table, at the top and per target,
in both spellings, walked and rewritten in one way."""

from __future__ import annotations

from buildsys import deptables

DATA = {
    "dev_dependencies": {"d": "1"},
    "dependencies": {"a": "1"},
    "build-dependencies": {"b": "1"},
    "target": {
        "cfg(windows)": {"dependencies": {"w": "1"}},
        "cfg(unix)": {"dev-dependencies": {"u": "1"}, "other": 1},
        "broken": "not a table",
    },
    "package": {"name": "x"},
}


def test_tables_come_top_level_first_in_kind_order_then_targets_sorted():
    assert [(t, name) for t, name, _ in deptables.tables(DATA)] == [
        (None, "dependencies"), (None, "build-dependencies"), (None, "dev_dependencies"),
        ("cfg(unix)", "dev-dependencies"), ("cfg(windows)", "dependencies"),
    ]


def test_rewrite_touches_only_dependency_entries_and_drops_none():
    out = deptables.rewrite(DATA, lambda table, key, spec: None if key == "d" else f"{table}:{spec}")
    assert out["dependencies"] == {"a": "dependencies:1"}
    assert out["dev_dependencies"] == {}
    assert out["target"]["cfg(unix)"] == {"dev-dependencies": {"u": "dev-dependencies:1"}, "other": 1}
    assert out["target"]["broken"] == "not a table"
    assert out["package"] == {"name": "x"}
    assert DATA["dependencies"] == {"a": "1"}  # the input is left as it was


def test_every_spelling_has_a_kind():
    assert {deptables.KIND_OF[name] for name in deptables.NAMES} == set(deptables.KINDS)
    assert deptables.KIND_OF["dev_dependencies"] == deptables.KIND_OF["dev-dependencies"] == "dev"
