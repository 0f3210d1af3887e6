"""The runtime's unit tests under Python 3.9 (Debian bullseye's python3, the
same minor version as EL9's platform Python), with tomli instead of tomllib."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from helpers import FIXTURES, REPO
from rpmroot import ensure_root, tomli_wheel


@pytest.mark.rpmbuild
@pytest.mark.slow
def test_unit_tests_pass_under_python39(tmp_path):
    # patch: GNU patch, the judge of tests/unit/test_patches.py
    root = ensure_root("bullseye", ["python3", "python3-pytest", "python3-rpm", "python3-pip", "patch"])
    # tomli is not packaged for bullseye (EL9 has python3-tomli): the wheel
    # cached on the host, installed inside without network access.
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    shutil.copy(tomli_wheel(), wheels)
    work = root / "tmp" / "buildsys-py39"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(REPO / "buildsys", work / "buildsys")
    shutil.copytree(REPO / "tests" / "unit", work / "tests" / "unit")
    # The unit tests' shared helpers (tests/helpers.py), on the path the way
    # tests/conftest.py puts them there on the host.
    shutil.copy(REPO / "tests" / "helpers.py", work / "tests" / "helpers.py")
    shutil.copytree(FIXTURES, work / "tests" / "fixtures", symlinks=True)
    shutil.copytree(wheels, work / "wheels")
    inner = "/tmp/buildsys-py39"
    install = subprocess.run(
        ["chroot", str(root), "python3", "-m", "pip", "install", "-q", "--no-index", "--find-links",
         f"{inner}/wheels", "--target", f"{inner}/site", "tomli"],
        capture_output=True, text=True,
    )
    assert install.returncode == 0, install.stderr
    proc = subprocess.run(
        ["chroot", str(root), "env", f"PYTHONPATH={inner}:{inner}/tests:{inner}/site", "python3", "-m", "pytest", "-q",
         "-p", "no:cacheprovider", f"{inner}/tests/unit"],
        capture_output=True, text=True,
    )
    version = subprocess.run(["chroot", str(root), "python3", "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()
    assert version == "(3, 9)"
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", proc.stdout).group(1))
    host = subprocess.run([sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider",
                           str(REPO / "tests" / "unit")], capture_output=True, text=True).stdout
    collected = int(re.search(r"(\d+) tests? collected", host).group(1))
    assert passed == collected
