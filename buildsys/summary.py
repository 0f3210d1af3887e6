"""One-line RPM summaries from free-form crate descriptions: the one rule
for every Summary buildsys writes (spec, subpackages, metadata)."""

from __future__ import annotations

import re
from typing import Optional

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
