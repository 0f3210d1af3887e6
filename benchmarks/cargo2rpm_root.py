"""cargo2rpm 0.4.0 inside an RPM root, as Fedora's rust-packaging sets it up:
the package, a ``/usr/bin/cargo2rpm``, and the ``cargo.attr`` fileattr that
makes rpmbuild run it as the dependency generator of every package that
holds a ``Cargo.toml`` under the crate registry.

The wheel is made once with ``pip wheel`` into ``$BUILDSYS_CACHE/wheels``
(PyPI has only an sdist of 0.4.0; it is pure Python) and unpacked into the
root's overlay, the way the tests put tomli into roots: the root itself has
no network and no pip.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from benchmarks import fedora
from debian_corpus import cache_root
from rpmroot import BuildRoot

REQUIREMENT = "cargo2rpm==0.4.0"
# The console script pip would write; the root's python3 is 3.13 (cargo2rpm
# needs 3.10+).
SCRIPT = "#!/usr/bin/python3\nimport sys\nfrom cargo2rpm.__main__ import main\nsys.exit(main())\n"


def wheel() -> Path:
    wheels = cache_root() / "wheels"
    found = sorted(wheels.glob("cargo2rpm-0.4.0-*.whl"))
    if not found:
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), REQUIREMENT],
                       check=True)
        found = sorted(wheels.glob("cargo2rpm-0.4.0-*.whl"))
    return found[-1]


def install(root: BuildRoot) -> None:
    with zipfile.ZipFile(wheel()) as whl:
        whl.extractall(root.path("/usr/lib/python3/dist-packages"))
    script = root.write("/usr/bin/cargo2rpm", SCRIPT.encode())
    script.chmod(0o755)
    root.write("/usr/lib/rpm/fileattrs/cargo.attr", fedora.CARGO_ATTR.encode())
    check = root.run("cargo2rpm --help && rpm --eval '%{__cargo_provides}'")
    if "cargo2rpm provides" not in check.stdout:
        raise RuntimeError(f"cargo.attr is not read in the root: {check.stdout}")
