"""Markdown tables: what every benchmark prints and what docs/benchmarks.md
records, so that the printed and the recorded form are the same text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple


@dataclass(frozen=True)
class Table:
    title: str
    headers: Tuple[str, ...]
    rows: Tuple[Tuple[str, ...], ...]
    notes: Tuple[str, ...] = ()

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "|".join(" --- " for _ in self.headers) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def make(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], notes: Sequence[str] = ()) -> Table:
    text_rows = tuple(tuple(str(cell) for cell in row) for row in rows)
    for row in text_rows:
        if len(row) != len(headers):
            raise ValueError(f"{title}: row {row} has {len(row)} cells for {len(headers)} columns")
    return Table(title, tuple(headers), text_rows, tuple(notes))


def parse_tables(text: str) -> List[List[List[str]]]:
    """Every markdown table in ``text`` as rows of cells (header first, the
    separator line left out); the smoke test's check of what was printed."""
    tables: List[List[List[str]]] = []
    current: List[List[str]] = []
    for line in text.splitlines() + [""]:
        if line.startswith("|") and line.endswith("|"):
            cells = [c.strip() for c in line[1:-1].split("|")]
            if not all(set(c) <= {"-", " "} and c for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def seconds(value: float) -> str:
    if value >= 100:
        return f"{value:.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def ratio(value: float) -> str:
    return f"{value:.0f}×" if value >= 10 else f"{value:.1f}×"


def mebibytes(kib: float) -> str:
    if kib < 1024:
        return f"{kib:.0f} KiB"
    return f"{kib / 1024:.1f} MiB"
