import collections
import sys
import time
from pathlib import Path
from typing import List

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import helpers  # noqa: E402

# Figures the corpus tests measure, printed at the end of every run so that
# closing notes quote what was seen.
FIGURES: "collections.Counter[str]" = collections.Counter()

# A test that takes longer than this (its setup, with the shared fixtures it
# is the first to need, and its call) belongs under the `slow` marker.
SLOW_SECONDS = 20.0
_UNMARKED_SLOW: List[str] = []


def pytest_addoption(parser):
    parser.addoption("--fedora-specs", action="append", default=[], metavar="DIR", dest="fedora_specs",
                     help="more spec files for tests/test_fedora_specs.py, read as ../shared/fedora-specs is")


@pytest.fixture(scope="session")
def figures():
    return FIGURES


@pytest.fixture(scope="session")
def corpus_registry() -> Path:
    """The Debian corpus's registry directory (NAME-VERSION/ per crate),
    fetched on first use; for tests marked `corpus`."""
    from debian_corpus import ensure_corpus

    return ensure_corpus()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Let rpmroot.ensure_root and debian_corpus.ensure_corpus see which test
    asks (helpers.require_mark), fixtures included."""
    helpers.RUNNING[:] = [item]
    start = time.monotonic()
    try:
        yield
    finally:
        helpers.RUNNING.clear()
        if time.monotonic() - start > SLOW_SECONDS and item.get_closest_marker("slow") is None:
            _UNMARKED_SLOW.append(f"{item.nodeid} ({time.monotonic() - start:.0f} s)")


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("buildsys measured figures")
        for key in sorted(FIGURES):
            terminalreporter.write_line(f"{key}: {FIGURES[key]}")
    if _UNMARKED_SLOW:
        terminalreporter.section("slow tests without the `slow` marker")
        for line in _UNMARKED_SLOW:
            terminalreporter.write_line(line)
