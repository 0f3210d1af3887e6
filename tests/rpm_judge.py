"""RPM's own dependency resolution as a judge: does a package providing
``crate(X) = V`` satisfy the dependency ``D``?

Each question becomes a pair of packages in one real RPM transaction: a
provider and a requirer. ``rpmtsCheck`` then resolves every requirement,
rich ``(A with B)`` dependencies included, exactly as ``rpm -U`` and dnf's
solver input do, and reports the requirers it could not satisfy. The
headers are cloned from two packages that the machine's real rpmbuild
builds once (headers made from nothing lack what rpm's resolver needs).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import rpm

from rpmroot import read_header

TEMPLATE_SPEC = """\
Name: judge-provider
Version: 1
Release: 1
Summary: template
License: MIT
BuildArch: noarch
Provides: crate(template) = 1.0.0
%description
template
%package -n judge-requirer
Summary: template
Requires: (crate(template) >= 1.0.0 with crate(template) < 2.0.0~)
%description -n judge-requirer
template
%files
%files -n judge-requirer
"""

# One transaction per chunk keeps rpm's problem list and memory small.
CHUNK = 10_000


def _templates(workdir: Path) -> Tuple["rpm.hdr", "rpm.hdr"]:
    (workdir / "judge.spec").write_text(TEMPLATE_SPEC)
    subprocess.run(["rpmbuild", "-bb", "--quiet", "--define", f"_topdir {workdir}", str(workdir / "judge.spec")],
                   check=True, capture_output=True)
    found = {}
    for path in sorted((workdir / "RPMS" / "noarch").glob("*.rpm")):
        hdr = read_header(path)
        found[hdr[rpm.RPMTAG_NAME]] = hdr
    return found["judge-provider"], found["judge-requirer"]


def _variant(template: "rpm.hdr", tags: Dict[int, object]) -> "rpm.hdr":
    hdr = rpm.hdr(template.unload())
    for tag, value in tags.items():
        if tag in hdr:
            del hdr[tag]
        hdr[tag] = value
    return hdr


class RpmJudge:
    def __init__(self) -> None:
        self._workdir = Path(tempfile.mkdtemp(prefix="rpm-judge-"))
        self.provider, self.requirer = _templates(self._workdir)
        self.rpm_version = rpm.__version__

    def satisfied(self, questions: Sequence[Tuple[str, str]]) -> List[bool]:
        """For each ``(dependency, version)``, where the dependency names
        ``crate(CRATE)``: is it met by a package providing
        ``crate(CRATE) = version``? ``CRATE`` is replaced by a name unique
        to the question, so that the questions cannot answer each other."""
        answers: List[bool] = []
        for start in range(0, len(questions), CHUNK):
            answers.extend(self._chunk(questions[start:start + CHUNK], start))
        return answers

    def _chunk(self, questions: Sequence[Tuple[str, str]], offset: int) -> List[bool]:
        db = tempfile.mkdtemp(prefix="rpmdb-", dir=self._workdir)
        rpm.addMacro("_dbpath", db)
        try:
            ts = rpm.TransactionSet()
            ts.initDB()
            names = []
            for index, (dependency, version) in enumerate(questions):
                crate = f"q{offset + index}"
                names.append(f"r-{crate}")
                provider = _variant(self.provider, {
                    rpm.RPMTAG_NAME: f"p-{crate}",
                    rpm.RPMTAG_PROVIDENAME: [f"crate({crate})"],
                    rpm.RPMTAG_PROVIDEFLAGS: [rpm.RPMSENSE_EQUAL],
                    rpm.RPMTAG_PROVIDEVERSION: [version],
                })
                requirer = _variant(self.requirer, {
                    rpm.RPMTAG_NAME: f"r-{crate}",
                    rpm.RPMTAG_REQUIRENAME: [_rename(dependency, crate)],
                    rpm.RPMTAG_REQUIREFLAGS: [_flags(dependency)],
                    rpm.RPMTAG_REQUIREVERSION: [_version_part(dependency)],
                })
                ts.addInstall(provider, f"p-{crate}", "i")
                ts.addInstall(requirer, f"r-{crate}", "i")
            unmet = {problem[0][0] for problem in ts.check()}
            ts.closeDB()
        finally:
            rpm.delMacro("_dbpath")
        return [name not in unmet for name in names]


def _rename(dependency: str, crate: str) -> str:
    """The dependency with its ``crate(...)`` name made unique; a simple
    dependency keeps only its name here (flags and version are separate
    header fields)."""
    renamed = re.sub(r"crate\([^)/]+", f"crate({crate}", dependency)
    if renamed.startswith("("):
        return renamed
    return renamed.split(" ", 1)[0]


_OPS = {"<": rpm.RPMSENSE_LESS, ">": rpm.RPMSENSE_GREATER, "=": rpm.RPMSENSE_EQUAL}


def _flags(dependency: str) -> int:
    if dependency.startswith("(") or " " not in dependency:
        return 0  # rich dependencies carry their operators inside the name
    flags = 0
    for ch in dependency.split(" ")[1]:
        flags |= _OPS[ch]
    return flags


def _version_part(dependency: str) -> str:
    if dependency.startswith("(") or " " not in dependency:
        return ""
    return dependency.split(" ")[2]

