"""`make demo`: build the bundled example crate into real RPMs with
`BuildSystem: cargo` under RPM 4.20.1 (a cached Debian trixie root), then
list every package with its Provides and Requires, read from the RPMs."""

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from rpmroot import BuildRoot, crate_archive  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="buildsys-demo-") as tmp:
        print("Provisioning the trixie root (RPM 4.20.1, cargo) and installing buildsys into it...", flush=True)
        root = BuildRoot("trixie", Path(tmp))
        crate_archive(HERE / "hello-features", root.path("/root/rpmbuild/SOURCES"), "hello-features", "0.3.1-beta.2")
        spec = HERE / "rust-hello-features.spec"
        root.write("/root/rust-hello-features.spec", spec.read_bytes())
        print(f"rpmbuild -ba {spec.name} ...", flush=True)
        proc = root.rpmbuild("/root/rust-hello-features.spec", "-ba", check=False)
        if proc.returncode != 0:
            print(proc.stdout[-4000:] + proc.stderr[-4000:])
            return 1
        print(spec.read_text())
        for name, h in sorted(root.built().items()):
            if name == "debian-bridge":
                continue
            print(f"{h.path.name}")
            for p in h.provides:
                print(f"  Provides: {p}")
            for r in h.requires:
                print(f"  Requires: {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
