"""Build RPMs on this machine with a real RPM of each supported version,
for a packager without Fedora, EPEL or mock (`make rpm`, `make srpm`,
`make build`). Every build gets a clean root: an overlay of the project's
cached Debian root for that RPM (trixie: 4.20.1, bullseye: 4.16.1.2, the EL9
stand-in, forky: 6.1), with buildsys built from this work tree by its own
spec and installed as RPMs (`rpm -i`, no --nodeps), and a bridge package
telling the rpmdb about Debian's cargo, rustc, python3 and crates.

  python examples/rpmbuild_here.py self [--srpm] [--out dist]
  python examples/rpmbuild_here.py spec SPEC [--rpm 4.20|4.19|4.16|6.1] [--sources DIR] [--out dist]

`spec` copies every file beside the spec (or in --sources) into SOURCES:
the crate (NAME-VERSION.crate, as `spectool -g` names it), patches, extra
sources. The RPMs it built, and each package's Provides and Requires, come
out in --out.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from repo_helpers import build_self, install_tools_bridge  # noqa: E402
from rpmroot import SOURCES, BuildRoot, Header  # noqa: E402

SUITE_OF = {"4.20": "trixie", "4.19": "el10", "4.16": "bullseye", "6.1": "forky"}


def _root(rpm: str, workdir: Path) -> BuildRoot:
    print(f"buildsys: a clean RPM {rpm} root ({SUITE_OF[rpm]}), buildsys built from this tree and installed...",
          flush=True)
    root = BuildRoot(SUITE_OF[rpm], workdir, install=False)
    install_tools_bridge(root)
    rpms = build_self(root)
    root.install([rpms.srpm_macros, rpms.main])
    return root


def _copy_out(paths: Sequence[Path], out: Path) -> List[Path]:
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in paths:
        shutil.copy2(path, out / path.name)
        copied.append(out / path.name)
    return copied


def self_rpms(out: Path, srpm_only: bool) -> int:
    """buildsys's own packages (buildsys, buildsys-srpm-macros) and its
    SRPM, from the work tree, with RPM 4.20.1."""
    with tempfile.TemporaryDirectory(prefix="buildsys-self-") as tmp:
        root = BuildRoot("trixie", Path(tmp), install=False)
        install_tools_bridge(root)
        rpms = build_self(root)
        built = sorted(root.path("/root/rpmbuild/SRPMS").glob("*.src.rpm"))
        if not srpm_only:
            built += [rpms.main, rpms.srpm_macros]
        for path in _copy_out(built, out):
            print(f"wrote {path}")
    return 0


def build_spec(spec: Path, rpm: str, sources: Optional[Path], out: Path) -> int:
    sources = sources or spec.parent
    with tempfile.TemporaryDirectory(prefix="buildsys-build-") as tmp:
        root = _root(rpm, Path(tmp))
        root.path(SOURCES).mkdir(parents=True, exist_ok=True)
        for path in sorted(sources.iterdir()):
            if path.is_file() and path.suffix != ".spec":
                shutil.copy2(path, root.path(SOURCES) / path.name)
        inside = f"/root/specs/{spec.name}"
        root.write(inside, spec.read_bytes())
        print(f"buildsys: rpmbuild -ba {spec.name} with RPM {rpm} ...", flush=True)
        proc = root.rpmbuild(inside, "-ba", "--define '_rpmdir /root/out/spec'",
                             "--define '_srcrpmdir /root/out/spec'", check=False)
        if proc.returncode != 0:
            print(proc.stdout[-6000:] + proc.stderr[-6000:])
            print(f"buildsys: rpmbuild failed (exit {proc.returncode})")
            return 1
        built = sorted(root.path("/root/out/spec").rglob("*.rpm"))
        for path in _copy_out(built, out / rpm):
            print(f"wrote {path}")
            if not path.name.endswith(".src.rpm"):
                h = Header(path)
                for cap in h.provides:
                    print(f"  Provides: {cap}")
                for cap in h.requires:
                    print(f"  Requires: {cap}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="rpmbuild_here.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    me = sub.add_parser("self", help="buildsys's own RPMs and SRPM from this work tree")
    me.add_argument("--srpm", action="store_true", help="only the SRPM")
    me.add_argument("--out", default="dist")
    sp = sub.add_parser("spec", help="rpmbuild -ba of SPEC in a clean root of the chosen RPM")
    sp.add_argument("spec")
    sp.add_argument("--rpm", choices=sorted(SUITE_OF), default="4.20")
    sp.add_argument("--sources", help="the directory of the crate and other sources (default: the spec's)")
    sp.add_argument("--out", default="dist")
    args = parser.parse_args(argv)
    if args.what == "self":
        return self_rpms(Path(args.out), args.srpm)
    return build_spec(Path(args.spec), args.rpm, Path(args.sources) if args.sources else None, Path(args.out))


if __name__ == "__main__":
    sys.exit(main())
