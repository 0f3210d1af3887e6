"""What each action a build runs imports, in a fresh interpreter started as
the installed ``buildsys`` starts (no site packages: no editable-install
finder loading pathlib for everyone).

rpmbuild starts buildsys hundreds of times a build (cargo.attr's generator
runs once per subpackage and direction), so each action may import only
what it uses. Every action has an allowance: the buildsys modules it may
import and the heavy standard modules it must not. A change that makes an
action import more fails here, naming the action and the module; the
allowance is then widened on purpose or the import made lazy. Nothing is
timed (docs/benchmarks.md has the times).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, FrozenSet, List, NamedTuple

import pytest

from helpers import FIXTURES, REGISTRY, REPO

PROBE = r"""
import io, sys, contextlib
from buildsys.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(code)
print(" ".join(sorted(sys.modules)))
"""

# Standard modules that cost a start-up milliseconds and that the actions
# below have no use for unless their allowance says so.
HEAVY = ("argparse", "re", "json", "hashlib", "typing", "dataclasses", "inspect", "pathlib", "tomllib", "tomli",
         "tarfile", "zlib", "lzma", "subprocess", "shutil", "tempfile", "difflib", "datetime", "glob", "fnmatch",
         "packaging")

GENERATOR = frozenset({"buildsys", "buildsys.cli", "buildsys.errors", "buildsys.answers", "buildsys.naming"})
CRATE = GENERATOR | {"buildsys.manifest", "buildsys.model", "buildsys.semver", "buildsys.plan", "buildsys.features", "buildsys.fixes",
                     "buildsys.rpmdeps", "buildsys.tomlread", "buildsys.deptables", "buildsys.inherit",
                     "buildsys.targets", "buildsys.cfg"}
PROJECT = CRATE - {"buildsys.answers", "buildsys.naming"} | {"buildsys.project", "buildsys.record",
                                                            "buildsys.naming"}
# the parser (told the terminal width, so that it needs no shutil)
PARSER = frozenset({"argparse", "re"})
# a crate read from its manifest: TOML, the model's dataclasses, paths
READING = PARSER | {"typing", "dataclasses", "inspect", "pathlib", "fnmatch", "tomllib", "tomli", "datetime"}


class Case(NamedTuple):
    name: str
    argv: List[str]  # {tree}: a prepared copy of the leaf fixture; {crate}: the fixture itself
    stdin: str
    modules: FrozenSet[str]  # the buildsys modules it may import
    heavy: FrozenSet[str]  # the heavy standard modules it may import


CASES = [
    Case("generate, answered from the record", ["generate", "requires", "rust-leaf+default-devel", "{tree}"],
         "{tree}/Cargo.toml\n", GENERATOR, frozenset()),
    Case("generate, a Cargo.toml the record does not know", ["generate", "provides", "rust-leaf-devel", "{crate}"],
         "{crate}/Cargo.toml\n", CRATE, READING - {"argparse"} | {"fnmatch"}),
    Case("provides -f (cargo2rpm's form) on a prepared crate", ["-p", "{tree}", "provides", "-f", "default"], "",
         GENERATOR, PARSER),
    Case("requires (cargo2rpm's form) on a crate", ["-p", "{crate}", "requires"], "", CRATE, READING),
    Case("mode", ["mode", "--rpm-version", "4.20.1"], "", frozenset({"buildsys", "buildsys.cli", "buildsys.errors",
                                                                      "buildsys.mode"}), PARSER),
    Case("is-bin", ["-p", "{tree}", "is-bin"], "", PROJECT, READING | {"json"}),
    Case("bin-paths", ["-p", "{tree}", "bin-paths", "-f", "std"], "", PROJECT, READING | {"json"}),
    Case("buildrequires before %cargo_prep", ["-p", "{crate}", "buildrequires", "-t"], "", PROJECT,
         READING | {"json"}),
    Case("buildrequires", ["-p", "{tree}", "buildrequires"], "", PROJECT, READING | {"json"}),
    Case("specparts", ["-p", "{tree}", "specparts", "--registry", REGISTRY, "--stdout"], "",
         PROJECT | {"buildsys.specparts", "buildsys.files", "buildsys.spectext", "buildsys.summary"},
         READING | {"json"}),
]


def imported(argv: List[str], stdin: str = "", code: str = PROBE) -> List[str]:
    """The modules loaded by one call, started as /usr/bin/buildsys starts
    it, but without any site directory (the tomli of Python 3.9 comes from
    the venv's, appended after the project)."""
    import sysconfig

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), sysconfig.get_paths()["purelib"]]))
    proc = subprocess.run([sys.executable, "-S", "-c", code, *argv], input=stdin, capture_output=True, text=True,
                          env=env, cwd=str(REPO))
    assert proc.returncode == 0, proc.stderr
    status, modules = proc.stdout.splitlines()[-2:]
    assert status == "0", f"buildsys {' '.join(argv)} exited {status}: {proc.stderr}"
    return modules.split()


@pytest.fixture(scope="module")
def trees(tmp_path_factory) -> Dict[str, str]:
    tree = tmp_path_factory.mktemp("imports") / "leaf"
    shutil.copytree(FIXTURES / "leaf", tree)
    subprocess.run([sys.executable, "-m", "buildsys", "-p", str(tree), "prepare", "--registry", REGISTRY],
                   check=True, capture_output=True)
    return {"tree": str(tree), "crate": str(FIXTURES / "leaf")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_action_imports_no_more_than_its_allowance(case, trees):
    argv = [word.format(**trees) for word in case.argv]
    modules = set(imported(argv, case.stdin.format(**trees)))
    ours = {m for m in modules if m == "buildsys" or m.startswith("buildsys.")}
    assert ours - case.modules == set(), f"{case.name}: buildsys modules beyond the allowance"
    heavy = {m for m in HEAVY if m in modules} - case.heavy
    assert heavy == set(), f"{case.name}: heavy standard modules beyond the allowance"


def test_the_generator_answered_from_the_record_gives_what_the_crate_gives(trees):
    # the fast path is not a different answer: the same call, with and
    # without a record that holds for the file
    fast = subprocess.run([sys.executable, "-m", "buildsys", "generate", "requires", "rust-leaf+std-devel",
                           trees["tree"]], input=f"{trees['tree']}/Cargo.toml\n", capture_output=True, text=True)
    slow = subprocess.run([sys.executable, "-m", "buildsys", "-p", trees["tree"] + "/Cargo.toml", "requires", "-f",
                           "std"], capture_output=True, text=True, cwd="/")
    assert fast.returncode == slow.returncode == 0 and fast.stdout == slow.stdout and "crate(leaf) = " in fast.stdout


def test_the_allowance_check_sees_an_eager_import(trees):
    # the probe is what judges every case: it must see a module that a
    # careless top-level import would add
    eager = PROBE.replace("from buildsys.cli import main", "import tarfile\nfrom buildsys.cli import main")
    modules = imported(["generate", "requires", "rust-leaf-devel", trees["tree"]], f"{trees['tree']}/Cargo.toml\n",
                       code=eager)
    assert "tarfile" in modules and "tarfile" not in CASES[0].heavy
