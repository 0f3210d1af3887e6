"""The licenses of what a build links statically: ``cargo tree`` over the
normal dependencies of a feature selection, for every target, in the two
forms Fedora's packages carry (cargo2rpm 0.4.0's ``license-breakdown``, the
content of LICENSE.dependencies, and ``license-summary``, printed into the
build log): one line per crate or per license expression, the old ``/``
separator written as SPDX's `` OR ``, sorted and without repeats."""

from __future__ import annotations

import re
import sys
from typing import List, Sequence, Tuple

from buildsys.cargotree import tree
from buildsys.features import Selection

SUMMARY_HEAD = "### BEGIN LICENSE SUMMARY ###"
SUMMARY_TAIL = "###  END LICENSE SUMMARY  ###"


def _spdx_or(text: str) -> str:
    return text.replace(" / ", "/").replace("/", " OR ")


def breakdown(lines: Sequence[str], cwd: str) -> List[str]:
    """``LICENSE: NAME vVERSION`` per crate, the crate being built without
    its path; cargo tree's ``(*)`` repeats left out."""
    return sorted({_spdx_or(line.replace(f" ({cwd})", "")) for line in lines if not line.endswith(" (*)")})


def summary(lines: Sequence[str]) -> List[str]:
    """The head line, ``# LICENSE`` per distinct expression, the tail line."""
    body = sorted({_spdx_or(line) for line in lines if not line.endswith(" (*)")})
    return [SUMMARY_HEAD, *body, SUMMARY_TAIL]


# The License of a package that is not a valid SPDX expression on purpose:
# rpmlint and Fedora's review refuse it, so it cannot ship unnoticed.
FIXME = "LicenseRef-FIXME"
_COMPOUND = re.compile(r"\s(OR|AND|WITH)\s")
# what an SPDX expression is made of; anything else (crate text is
# untrusted, and this lands in a macro's argument) counts as no license
_SPDX_TEXT = re.compile(r"[A-Za-z0-9.+:() -]+")


def _same_choice(expression: str) -> str:
    """One spelling for equal choices: the alternatives of a plain ``A OR
    B`` sorted (``Apache-2.0 OR MIT`` and ``MIT OR Apache-2.0`` are one
    license); anything with AND, WITH or parentheses as it is."""
    if "(" in expression or " AND " in expression or " WITH " in expression:
        return expression
    return " OR ".join(sorted(set(part.strip() for part in expression.split(" OR "))))


def linked_expression(breakdown_lines: Sequence[str]) -> Tuple[str, List[str]]:
    """The License of a binary from its ``LICENSE: NAME vVERSION`` lines (the
    crate's own among them): every distinct license ANDed, each compound one
    in parentheses, sorted; and the crates that declare no SPDX license (only
    a license-file, or one that is not SPDX text), for which the expression
    says FIXME."""
    found, unknown = set(), []
    for line in breakdown_lines:
        license_, _, crate = line.partition(": ")
        if _SPDX_TEXT.fullmatch(_spdx_or(license_.strip())):
            found.add(_same_choice(_spdx_or(license_.strip())))
        else:
            unknown.append(crate.strip() or line.strip())
    terms = sorted(found) + ([FIXME] if unknown or not found else [])
    if len(terms) == 1:
        return terms[0], sorted(unknown)
    return " AND ".join(f"({t})" if _COMPOUND.search(t) else t for t in terms), sorted(unknown)


def linked(selection: Selection, cwd: str) -> str:
    """The License of what the selection's binaries link, from cargo tree in
    the prepared tree ``cwd``; FIXME (said on stderr) where a crate has no
    SPDX license."""
    expression, unknown = linked_expression(breakdown(tree(selection, None, "{l}: {p}", cwd), cwd))
    if unknown:
        sys.stderr.write(f"buildsys: warning: these linked crates declare no SPDX license, so the application "
                         f"package's License says {FIXME}: {', '.join(unknown)}\n")
    return expression
