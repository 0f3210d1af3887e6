"""The CLI against the cargo2rpm 0.4.0 CLI, byte for byte, on real crates;
and its error contract (one line, non-zero, no traceback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

import debian_corpus
from debian_corpus import crate_dirs
from helpers import EXAMPLE, run_buildsys

CARGO2RPM = shutil.which("cargo2rpm", path=str(Path(sys.executable).parent))
needs_cargo2rpm = pytest.mark.skipif(CARGO2RPM is None, reason="cargo2rpm is installed by `make check`")


def ours(*args, stdin=None):
    return run_buildsys(*args, stdin=stdin)


def theirs(*args, stdin=None):
    return subprocess.run([CARGO2RPM, *args], input=stdin, capture_output=True, text=True)


def sample(registry: Path) -> List[str]:
    """Library crates where the semantics of both tools agree (no target
    tables, build-dependencies or weak references, the documented
    differences), so outputs must be identical."""
    picked = []
    for crate in crate_dirs(registry):
        text = (crate / "Cargo.toml").read_text(errors="replace")
        if any(t in text for t in ("[target.", "workspace", "[build-dependencies", "?/")) or not (crate / "src" / "lib.rs").exists():
            continue
        picked.append(crate.name)
    return picked[::40][:30]


def pytest_generate_tests(metafunc):
    if "sampled" in metafunc.fixturenames:
        debian_corpus.parametrize(metafunc, "sampled", "cli-sample", sample)


@pytest.fixture
def crate(corpus_registry, sampled) -> Path:
    return corpus_registry / sampled


@pytest.mark.corpus
@needs_cargo2rpm
def test_output_is_byte_identical_to_cargo2rpm(crate):
    path = str(crate / "Cargo.toml")
    features = ours("-p", path, "features").stdout.split()
    calls = [["provides"], ["requires"], ["name"], ["version"], ["is-lib"], ["is-bin"],
             ["buildrequires"], ["buildrequires", "-t", "-a"], ["buildrequires", "-n"]]
    for feature in features[:4]:
        calls += [["provides", "-f", feature], ["requires", "-f", feature],
                  ["requires", "-s", "-f", f"rust-{crate.name}+{feature}-devel"]]
    for call in calls:
        a, b = ours("-p", path, *call), theirs("-p", path, *call)
        assert (a.returncode, a.stdout) == (b.returncode, b.stdout), call
    # the features list is the same set (ours is sorted)
    assert sorted(theirs("-p", path, "features").stdout.split()) == features


@needs_cargo2rpm
@pytest.mark.parametrize("action, value", [
    ("semver2rpm", "1.2.3"), ("semver2rpm", "1.0.0-alpha.1"), ("semver2rpm", "1.0.0-pre-1+build"),
    ("rpm2semver", "1.0.0~alpha.1"), ("rpm2semver", "0.3.1~rc_2"),
])
def test_version_conversions_match_cargo2rpm(action, value):
    assert ours(action, value).stdout == theirs(action, value).stdout


@pytest.mark.corpus
@needs_cargo2rpm
def test_generator_protocol_reads_paths_on_stdin(corpus_registry):
    crate = corpus_registry / debian_corpus.listing("cli-sample", sample, fetch=True)[0]
    stdin = f"/usr/share/doc/README\n{crate}/Cargo.toml\n"
    for action in ("provides", "requires"):
        a, b = ours(action, stdin=stdin), theirs(action, stdin=stdin)
        assert a.returncode == 0 and a.stdout == b.stdout and a.stdout


BROKEN = [
    ("[package\nname = 1", ["features"], "invalid TOML"),
    ('[package]\nname = "x"\nversion = "1.0.0"\n[dependencies]\ny = "^^1"\n', ["requires"], "invalid version requirement"),
    ('[package]\nname = "x"\nversion = "1.0.0"\n[features]\na = ["b"]\n', ["provides"], "neither a feature"),
    ('[package]\nname = "x"\nversion = "1.0.0"\n', ["requires", "-f", "nope"], "unknown feature 'nope'"),
    ('[package]\nname = "x"\nversion = "1.0.0"\n', ["buildrequires", "-f", "nope"], "unknown feature 'nope'"),
    ('[lib]\n', ["metadata"], "missing [package]"),
]


@pytest.mark.parametrize("text, args, problem", BROKEN, ids=[b[2] for b in BROKEN])
def test_errors_are_one_line_naming_the_file(tmp_path, text, args, problem):
    (tmp_path / "Cargo.toml").write_text(text)
    proc = ours("-p", str(tmp_path / "Cargo.toml"), *args)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"buildsys: error: {tmp_path / 'Cargo.toml'}: ")
    assert problem in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("action", ["provides", "requires"])
def test_generator_failure_poisons_the_dependency_list(tmp_path, action):
    (tmp_path / "Cargo.toml").write_text("[package\n")
    proc = ours(action, stdin=f"{tmp_path}/Cargo.toml\n")
    assert proc.returncode != 0
    assert "invalid TOML" in proc.stderr
    # not a valid dependency, as cargo2rpm prints (real rpmbuild not yet tried)
    assert proc.stdout.strip().startswith("*")


def test_metadata_is_one_json_document_and_deterministic():
    example = str(EXAMPLE.src)
    first = ours("-p", example, "metadata")
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    assert doc["name"] == "hello-features" and doc["rpm_version"] == "0.3.1~beta.2"
    names = [s["name"] for s in doc["subpackages"]]
    assert names[0] == "rust-hello-features-devel"
    # features: color default derive fancy json std, plus -devel
    assert len(names) == 7 and "rust-hello-features+json-devel" in names
    assert not any("winapi" in r for s in doc["subpackages"] for r in s["requires"])
    assert ours("-p", example, "metadata").stdout == first.stdout


@pytest.mark.corpus
def test_metadata_of_many_crates_is_one_process_one_line_each(tmp_path, corpus_registry):
    """Without -p: Cargo.toml paths on stdin, one JSON document per line,
    each the one `-p DIR metadata` prints; a broken crate is named and makes
    the exit non-zero without hiding the others."""
    crates = [c / "Cargo.toml" for c in crate_dirs(corpus_registry)[:25]]
    broken = tmp_path / "Cargo.toml"
    broken.write_text("[package\n")
    stdin = "".join(f"{p}\n" for p in crates[:10] + [broken] + crates[10:])
    proc = ours("metadata", stdin=stdin)
    assert proc.returncode == 1
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"buildsys: error: {broken}: invalid TOML")
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert docs == [json.loads(ours("-p", str(p), "metadata").stdout) for p in crates]
