"""Crate text made safe for spec files and specparts.

RPM expands macros in every line it parses, specparts included, so a ``%``
from a crate's metadata could run code in the packager's build
(``%(cmd)``, ``%{lua:...}``): every ``%`` is doubled. And RPM looks at the
*expanded* line, leading whitespace skipped, for ``%if``/``%else``/``%endif``
and ``%include``: so no line of crate text may begin with ``%`` at all. Lines
break only before words that do not start with ``%`` (checked with rpmbuild
4.16, 4.20 and 6.1 in tests/test_hostile.py).
"""

from __future__ import annotations

import re
from typing import List, Optional

from buildsys.errors import BuildsysError

# A file name we can list in %files without quoting or glob escapes.
PLAIN_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
WIDTH = 72
LEADING_PERCENT = "begins with '%', which RPM would read as a spec directive"


def escape(text: str) -> str:
    """``text`` as RPM will show it after one round of macro expansion."""
    return text.replace("%", "%%")


def one_line(text: str) -> str:
    """Crate text for a tag value or a comment: one line, escaped (RPM
    expands macros in comments too)."""
    return escape(" ".join(text.split()))


def spdx(license_: str) -> str:
    """Cargo's license field for a License tag: one line, escaped, and
    cargo's old ``MIT/Apache-2.0`` form written as the OR it means."""
    return one_line(" OR ".join(part.strip() for part in license_.split("/")))


def paragraph_lines(text: Optional[str]) -> List[str]:
    """Free text for a %description body: reflowed to WIDTH, escaped, with
    no line that starts with ``%``. A ``%`` word stays on the line before it,
    and a paragraph that starts with one continues the paragraph before it;
    only text that starts with ``%`` has nowhere to go."""
    lines: List[str] = []
    for para in re.split(r"\n\s*\n", (text or "").strip()):
        words = para.split()
        if not words:
            continue
        if words[0].startswith("%"):
            if not lines:
                raise BuildsysError(f"the description {LEADING_PERCENT}")
        elif lines:
            lines.append("")
        for word in words:
            if lines and lines[-1] and (word.startswith("%") or len(lines[-1]) + 1 + len(word) <= WIDTH):
                lines[-1] += " " + word
            else:
                lines.append(word)
    return [escape(line) for line in lines]
