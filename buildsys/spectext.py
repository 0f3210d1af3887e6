"""Crate text made safe for spec files and specparts.

RPM expands macros in every line it parses, specparts included, so a ``%``
from a crate's metadata could run code in the packager's build
(``%(cmd)``, ``%{lua:...}``): every ``%`` is doubled. And RPM looks at the
*expanded* line, leading whitespace skipped, for ``%if``/``%else``/``%endif``
and ``%include``: so no line of crate text may begin with ``%`` at all. Nor
with ``#``: RPM drops such a line from a %description as a comment. Lines
break only before words that start with neither (checked with rpmbuild
4.16, 4.20 and 6.1 in tests/test_hostile.py).
"""

from __future__ import annotations

import re
from typing import List, Optional

from buildsys.errors import BuildsysError

# A file name we can list in %files without quoting or glob escapes.
PLAIN_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
WIDTH = 72
# What no line of crate text may begin with: '%' (RPM reads %if, %include
# ... on the expanded line) and '#' (RPM drops such a line from %description
# as a comment, leading blanks or not: seen with RPM 4.18).
LINE_STARTS = {"%": "a spec directive", "#": "a comment"}


def leading_problem(text: str) -> str:
    """Why ``text`` cannot begin a description on its own, or ''."""
    first = text.strip()[:1]
    return f"begins with '{first}', which RPM would read as {LINE_STARTS[first]}" if first in LINE_STARTS else ""


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


def paragraph_lines(text: Optional[str], crate: Optional[str] = None) -> List[str]:
    """Free text for a %description body: reflowed to WIDTH, escaped, with
    no line that starts with ``%`` or ``#``. Such a word stays on the line
    before it, and a paragraph that starts with one continues the paragraph
    before it. Text that starts with ``#`` (``#[derive] support for asn1``,
    a real crate's) begins after ``CRATE:``; text that starts with ``%`` has
    nowhere to go."""
    lines: List[str] = []
    for para in re.split(r"\n\s*\n", (text or "").strip()):
        words = para.split()
        if not words:
            continue
        if words[0][:1] in LINE_STARTS:
            if not lines and words[0].startswith("#") and crate:
                lines.append(f"{crate}:")
            elif not lines:
                raise BuildsysError(f"the description {leading_problem(words[0])}")
        elif lines:
            lines.append("")
        for word in words:
            if lines and lines[-1] and (word[:1] in LINE_STARTS or len(lines[-1]) + 1 + len(word) <= WIDTH):
                lines[-1] += " " + word
            else:
                lines.append(word)
    return [escape(line) for line in lines]
