"""docs/quickstart.md, run as written: the block marked for this test is
executed line by line from the root of the clone, as a newcomer pastes it.
Two things differ, and only these: the crate comes from Debian's registry
(the same crate crates.io serves, without Debian's additions; this machine
has no crates.io), and work/ and dist/ are temporary directories (so that
the test leaves the clone as it found it)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import List

import pytest

from debian_corpus import DEBIAN_ONLY
from helpers import REPO, crate_archive

pytestmark = [pytest.mark.rpmbuild, pytest.mark.corpus, pytest.mark.slow]

DOC = REPO / "docs" / "quickstart.md"
MARK = "<!-- quickstart: run by tests/test_quickstart.py -->"
DOWNLOAD = re.compile(r"^curl -sSfL -o (work/(\S+)-(\d\S*)\.crate) https://crates\.io/api/v1/crates/(\S+)/(\S+)/download$")


def block() -> List[str]:
    text = DOC.read_text(encoding="utf-8")
    assert MARK in text, f"{DOC} lost the block this test runs"
    after = text.split(MARK, 1)[1]
    body = after.split("```", 2)[1]
    return [line for line in body.splitlines() if line.strip()]


def test_the_quick_start_builds_an_unseen_crate_on_420_and_416_as_written(tmp_path, corpus_registry):
    work, dist = tmp_path / "work", tmp_path / "dist"
    env = dict(os.environ, DIST=str(dist))
    ran = []
    for line in block():
        download = DOWNLOAD.match(line)
        if download:
            _, name, version, url_name, url_version = download.groups()
            # the URL is %{crates_source}'s, for the crate the file is named after
            assert (url_name, url_version) == (name, version)
            crate_archive(corpus_registry / f"{name}-{version}", work, name, version, skip=DEBIAN_ONLY)
            continue
        # work and dist, as words or at the start of a path, become the temporary ones
        command = re.sub(r"(?<![\w/.-])work(?=/|\s|$)", str(work), line)
        command = re.sub(r"(?<![\w/.-])dist(?=/|\s|$)", str(dist), command)
        proc = subprocess.run(["bash", "-c", command], cwd=REPO, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, f"{line}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        ran.append((line, proc.stdout))
    assert any(line.startswith("make build") for line, _ in ran)
    built = {rpm: sorted(p.name.split("-0.6.4-")[0] for p in (dist / rpm).glob("*.noarch.rpm")) for rpm in ("4.20", "4.16")}
    assert built["4.20"] == built["4.16"]
    assert {"rust-rand_core-devel", "rust-rand_core+default-devel", "rust-rand_core+std-devel"} <= set(built["4.20"])
    listing = ran[-1][1]
    assert "rust-rand_core-devel-0.6.4-1.noarch.rpm" in listing
    # the application crate: its program in the package named after it, on both RPMs
    for rpm in ("4.20", "4.16"):
        assert (dist / rpm / "msvc-demangler-0.10.1-1.x86_64.rpm").exists(), sorted(p.name for p in (dist / rpm).iterdir())
    assert "msvc-demangler-0.10.1-1.x86_64.rpm" in listing
