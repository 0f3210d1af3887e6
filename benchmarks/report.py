"""docs/benchmarks.md: each part's table goes between its own markers, with
the date, the load and the exact command of its run; the machine block is
refreshed on every record. Text outside the markers is written by people
and left alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from benchmarks import machine
from benchmarks.table import Table

PARTS = ("scaling", "versus", "build", "corpus")


@dataclass(frozen=True)
class Section:
    part: str
    table: Table
    command: str
    date: str
    revision: str
    load_before: machine.Load
    load_after: machine.Load

    def markdown(self) -> str:
        return (
            f"Run {self.date}, buildsys {self.revision}: `{self.command}` (from the repository root); load average "
            f"(1, 5, 15 min) {self.load_before} at the start, {self.load_after} at the end.\n\n"
            + self.table.markdown()
        )


def machine_block() -> str:
    lines = ["| | |", "| --- | --- |"] + [f"| {key} | {value} |" for key, value in machine.facts()]
    return "\n".join(lines) + "\n"


def _replace(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{body}{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    return text.rstrip("\n") + f"\n\n{block}\n"


def record(path: Path, section: Section) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    text = _replace(text, "machine", machine_block())
    text = _replace(text, section.part, section.markdown())
    path.write_text(text, encoding="utf-8")
