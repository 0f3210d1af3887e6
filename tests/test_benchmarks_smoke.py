"""The benchmarks (benchmarks/, issue 6) still run: every entry point at a
tiny size, printing a well-formed table. Nothing here looks at a time: the
benchmarks are never timed tests. The whole-build part needs real rpmbuilds
and is not run; its spec and its table are checked without building."""

from __future__ import annotations

import subprocess
import sys
from typing import List, Tuple

import pytest

from helpers import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import specs, synthetic, wholebuild  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402
from benchmarks.table import parse_tables  # noqa: E402


def _one_table(text: str) -> Tuple[List[str], List[List[str]]]:
    tables = parse_tables(text)
    assert len(tables) == 1, text
    header, *rows = tables[0]
    assert rows, text
    for row in rows:
        assert len(row) == len(header) and all(row), row
    return header, rows


def _run(capsys, argv: List[str]) -> Tuple[List[str], List[List[str]]]:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Run ") and "load average" in out, out
    return _one_table(out)


def test_scaling_runs(capsys):
    header, rows = _run(capsys, ["scaling", "--sizes", "10,20", "--reps", "1"])
    assert header[0] == "features" and [r[0] for r in rows] == ["10", "20"]


def test_synthetic_crates_are_valid_for_cargo(tmp_path):
    crate = synthetic.write_crate(tmp_path / "synth", 10)
    proc = subprocess.run(
        ["cargo", "metadata", "--quiet", "--format-version", "1", "--offline", "--no-deps",
         "--manifest-path", str(crate / "Cargo.toml")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.corpus
def test_versus_runs_on_the_crate_with_most_features(capsys):
    pytest.importorskip("cargo2rpm")
    header, rows = _run(capsys, ["versus", "--crates", "1", "--reps", "1", "--sample", "2"])
    assert header[0] == "crate" and len(rows) == 1


@pytest.mark.corpus
def test_corpus_runs_on_a_few_crates(capsys):
    pytest.importorskip("cargo2rpm")
    header, rows = _run(capsys, ["corpus", "--limit", "4", "--reps", "1", "--sample", "2", "--cap", "2"])
    assert header[0] == "how" and len(rows) == 5


def test_static_spec_lists_every_subpackage(tmp_path):
    from buildsys import manifest, plan

    crate = synthetic.write_crate(tmp_path / "synth", 10)
    p = plan.plan(manifest.load(str(crate)))
    text = specs.static(p, "MIT", "Synthetic", ["LICENSE-MIT"], ["README.md"])
    packages = [line.split()[-1] for line in text.splitlines() if line.startswith("%package")]
    assert packages == [s.name for s in p.subpackages]
    assert text.count("%ghost %{crate_instdir}/Cargo.toml") == len(p.subpackages) - 1
    assert "BuildSystem" not in text and "BuildSystem:    cargo" in specs.minimal(p, "MIT", "Synthetic")


def test_build_table_is_well_formed():
    deps = {"rust-x-devel": (("crate(x) = 1.0.0",), ("cargo",))}
    a = wholebuild.Variant("A", 12, (10.0, 11.0), (1.0, 1.1), deps)
    b = wholebuild.Variant("B", 400, (20.0, 21.0), (11.0, 12.0), deps)
    c = wholebuild.Variant("C", 400, (12.0, 12.5), (2.0, 2.5), {})
    text = wholebuild.table("x-1.0.0", (a, b, c), "RPM version 4.20.1").markdown()
    _one_table(text)
    assert "B 1, C 0" in text  # C built other packages than A: the table says so


def test_package_phase_is_read_from_rpmbuilds_stamped_lines():
    stamped = ("10.000000 Executing(%install): /bin/sh -e\n"
               "12.500000 Processing files: rust-x-devel-1.0.0-1.noarch\n"
               "13.000000 Provides: crate(x) = 1.0.0\n"
               "15.250000 Checking for unpackaged file(s): /usr/lib/rpm/check-files\n"
               "16.000000 Wrote: /root/rpmbuild/RPMS/noarch/rust-x-devel-1.0.0-1.noarch.rpm\n")
    assert wholebuild.package_phase(stamped) == pytest.approx(2.75)
    with pytest.raises(RuntimeError, match="no package phase"):
        wholebuild.package_phase("10.0 Wrote: x.rpm\n")
