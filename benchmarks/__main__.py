"""``python -m benchmarks PART [options] [--record]``, from the repository
root: runs one part (or all), prints its table, and with ``--record``
writes it into docs/benchmarks.md with the date, the load and the command."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Callable, Dict, List, Optional, Sequence

from benchmarks import REPO, machine, report
from benchmarks.table import Table

DOC = REPO / "docs" / "benchmarks.md"


def _ints(text: str) -> List[int]:
    return [int(x) for x in text.split(",") if x]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--record", action="store_true", help=f"write the table into {DOC.relative_to(REPO)}")
    sub = parser.add_subparsers(dest="part", required=True)
    s = sub.add_parser("scaling", parents=[common], help="synthetic crates of growing size: time, memory, growth exponent")
    s.add_argument("--sizes", type=_ints, default=[10, 100, 1000, 2000, 5000], help="feature counts (comma-separated)")
    s.add_argument("--reps", type=int, default=5)
    v = sub.add_parser("versus", parents=[common], help="real crates: buildsys one pass vs cargo2rpm per subpackage")
    v.add_argument("--crates", type=int, default=3, help="how many of the crates with the most features")
    v.add_argument("--reps", type=int, default=5)
    v.add_argument("--sample", type=int, default=40, help="subpackages timed per repetition (extrapolated)")
    v.add_argument("--full-check", default="", help="crate names to sweep once unsampled (comma-separated)")
    b = sub.add_parser("build", parents=[common], help="rpmbuild -bb on RPM 4.20: BuildSystem: cargo vs static spec + cargo2rpm")
    b.add_argument("--crate", default="winapi-0.3.9", help="crate directory in the Debian corpus")
    b.add_argument("--reps", type=int, default=2)
    c = sub.add_parser("corpus", parents=[common], help="buildsys metadata over the whole Debian corpus")
    c.add_argument("--limit", type=int, default=0, help="only the first N crates (0: all)")
    c.add_argument("--reps", type=int, default=3)
    c.add_argument("--jobs", type=int, default=0, help="CLI processes at a time (default: nproc)")
    c.add_argument("--sample", type=int, default=30, help="crates cargo2rpm runs on")
    c.add_argument("--cap", type=int, default=40, help="at most this many subpackages per sampled crate")
    st = sub.add_parser("startup", parents=[common], help="each call a build makes, whole processes, vs cargo2rpm")
    st.add_argument("--reps", type=int, default=11)
    pt = sub.add_parser("parse", parents=[common], help="rpmspec -P on RPM 4.16: buildsys new spec vs rust2rpm's")
    pt.add_argument("--crate", default="winapi-0.3.9", help="crate directory in the Debian corpus")
    pt.add_argument("--reps", type=int, default=7)
    sub.add_parser("all", parents=[common], help="every part with its defaults")
    return parser


# imported inside: each part pulls in only what it needs (rpm bindings, roots)
def _scaling(args: argparse.Namespace) -> Table:
    from benchmarks import scaling

    return scaling.benchmark(args.sizes, args.reps)


def _versus(args: argparse.Namespace) -> Table:
    from benchmarks import versus

    return versus.benchmark(args.crates, args.reps, args.sample, [x for x in args.full_check.split(",") if x])


def _build(args: argparse.Namespace) -> Table:
    from benchmarks import wholebuild

    return wholebuild.benchmark(args.crate, args.reps)


def _corpus(args: argparse.Namespace) -> Table:
    from benchmarks import corpus

    return corpus.benchmark(args.limit, args.reps, args.jobs, args.sample, args.cap)


def _startup(args: argparse.Namespace) -> Table:
    from benchmarks import startup

    return startup.benchmark(args.reps)


def _parse(args: argparse.Namespace) -> Table:
    from benchmarks import parsetime

    return parsetime.benchmark(args.crate, args.reps)


RUNNERS: Dict[str, Callable[[argparse.Namespace], Table]] = {
    "scaling": _scaling, "versus": _versus, "build": _build, "corpus": _corpus, "startup": _startup,
    "parse": _parse,
}
# `all`: every part with its defaults, and one unsampled cargo2rpm sweep of
# winapi to check the extrapolation against
ALL = (["scaling"], ["versus", "--full-check", "winapi"], ["build"], ["corpus"], ["startup"], ["parse"])


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    command = shlex.join([".venv/bin/python", "-m", "benchmarks", *argv])
    parts = [parser.parse_args(part) for part in ALL] if args.part == "all" else [args]
    for part in parts:
        before, date, revision = machine.load(), machine.now(), machine.revision()
        table = RUNNERS[part.part](part)
        section = report.Section(part.part, table, command, date, revision, before, machine.load())
        print(section.markdown(), flush=True)
        if args.record:  # from the command line, also for `all`
            report.record(DOC, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
