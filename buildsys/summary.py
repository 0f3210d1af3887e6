"""One-line RPM summaries from free-form crate descriptions: the one rule
for every Summary buildsys writes (spec, subpackages, metadata)."""

from __future__ import annotations

import re
from typing import Optional, Sequence

# Summaries are one line in every RPM tool's listing; rpmlint warns past 79.
MAX_SUMMARY = 79


def summary(description: Optional[str], crate: str) -> str:
    """The description on one line, without a final period (Fedora's
    rules); past MAX_SUMMARY, its first sentence, or else the words that
    fit (no "...": rpmlint warns of a Summary that ends with a dot).

    Only words without a ``%``: RPM sets %{summary} from a Summary as
    parsed, one expansion done, and expands it again where a subpackage
    says ``Summary: %{summary}``, so even an escaped ``%%(cmd)`` would run
    there."""
    text = " ".join(w for w in (description or "").split() if "%" not in w)
    if not text:
        return f"Rust crate {crate}"
    if len(text) > MAX_SUMMARY:
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        text = first if len(first) <= MAX_SUMMARY else text[:MAX_SUMMARY + 1].rsplit(" ", 1)[0]
    return text.rstrip(".").rstrip() or f"Rust crate {crate}"


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def program_summary(crate: str, binaries: Sequence[str]) -> str:
    """The Summary of the programs a library crate also builds: its own
    Summary speaks of the library."""
    tools = "tool" if len(binaries) == 1 else "tools"
    text = f"Command-line {tools} {_listed(binaries)} from the {crate} crate"
    return text if len(text) <= MAX_SUMMARY else f"Command-line {tools} from the {crate} crate"


def program_sentence(crate: str, binaries: Sequence[str]) -> str:
    """The %description line saying what the package holds."""
    tools = "tool" if len(binaries) == 1 else "tools"
    return f"This package contains the command-line {tools} {_listed(binaries)}, built from the {crate} crate."
