"""Performance benchmarks for buildsys (issue 6): not tests, never timed in CI.

``python -m benchmarks --help`` lists the parts; docs/benchmarks.md holds the
recorded results.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The corpus fetcher and the RPM root helpers live with the tests; they are
# shared rather than copied so that both measure the same crates and roots.
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))
