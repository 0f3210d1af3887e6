"""Crate text made safe for spec files and specparts.

RPM expands macros in every line it parses, specparts included, so a ``%``
from a crate's metadata could run code in the packager's build
(``%(cmd)``, ``%{lua:...}``). And after expansion, a line that begins with a
section keyword (``%files``, ``%package``...) opens that section. Leading
whitespace keeps a line from being read as a section header (checked with
rpmbuild 4.20 and 6.1 in tests/test_rpmbuild.py).
"""

from __future__ import annotations

import re
import textwrap
from typing import List, Optional

# A file name we can list in %files without quoting or glob escapes.
PLAIN_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
WIDTH = 72


def escape(text: str) -> str:
    """``text`` as RPM will show it after one round of macro expansion."""
    return text.replace("%", "%%")


def paragraph_lines(text: Optional[str]) -> List[str]:
    """Free text for a %description body: wrapped, escaped, and with no line
    that RPM could take for a section header."""
    lines: List[str] = []
    for para in re.split(r"\n\s*\n", (text or "").strip()):
        words = " ".join(para.split())
        if not words:
            continue
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(words, WIDTH, break_long_words=False, break_on_hyphens=False))
    return [(" " + line if line.startswith("%") else line) for line in map(escape, lines)]
