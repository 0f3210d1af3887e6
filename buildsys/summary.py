"""One-line RPM summaries from free-form crate descriptions."""

from __future__ import annotations

import re
from typing import Optional

# Summaries are one line in every RPM tool's listing; rpmlint warns past 79.
MAX_SUMMARY = 79


def summary(description: Optional[str], crate: str) -> str:
    """The description's first sentence, on one line, without a final period."""
    text = " ".join((description or "").replace("`", "").split())
    if not text:
        return f"Rust crate {crate!s}"
    match = re.search(r"(?<=[.!?])\s", text)
    if match and match.start() > 0:
        text = text[: match.start()]
    text = text.rstrip(".").strip() or f"Rust crate {crate}"
    if len(text) > MAX_SUMMARY:
        cut = text[: MAX_SUMMARY - 3]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "..."
    return text[0].upper() + text[1:]
