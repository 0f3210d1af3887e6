"""A spec's patches applied to the crate read at parse time (the static
mode of RPM 4.16), as ``%autosetup -p1`` will apply them in %prep: so that
a fix-metadata patch, the commonest patch of Fedora's Rust specs, changes
the subpackages expanded into the spec exactly as it changes the crate.

A patch file is untrusted text: it is parsed here, never handed to a
shell or to patch(1). Only what decides the subpackages is applied: the
hunks of every ``Cargo.toml``, and files a patch creates or deletes (target
discovery sees them; the skeleton's other files are empty anyway). A hunk
must apply as GNU patch applies it without fuzz: its context and removed
lines exactly, at its line or the nearest offset; anything else fails,
naming the patch and the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import List, Sequence, Tuple

from buildsys.errors import BuildsysError

# -p1, as %autosetup -p1 (BuildSystem's default %prep, %cargo_compat's)
STRIP = 1
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
DEV_NULL = "/dev/null"


@dataclass(frozen=True)
class Hunk:
    old_start: int  # 1-based; 0 for an empty file
    lines: Tuple[str, ...]  # each with its " ", "-" or "+" mark


@dataclass(frozen=True)
class FilePatch:
    path: str  # relative to the crate, -p1 stripped; the new name ("+++")
    old_path: str  # "" for a file created from /dev/null
    new_path: str  # "" for a file deleted to /dev/null
    hunks: Tuple[Hunk, ...]


def _name(header: str, where: str) -> str:
    """The file named on a ---/+++ line, -p1 stripped ("" for /dev/null)."""
    name = header[4:].split("\t", 1)[0].strip()
    if name.startswith('"'):
        raise BuildsysError(f"a quoted file name in the patch is not supported: {name}", where)
    if name == DEV_NULL:
        return ""
    # patch -p1: everything up to the first slash goes
    rest = name.split("/", STRIP)[STRIP:] if name.count("/") >= STRIP else []
    parts = [p for p in (rest[0].split("/") if rest else []) if p not in ("", ".")]
    if not parts or ".." in parts:
        raise BuildsysError(f"the patch names {name!r}, which -p{STRIP} leaves nowhere in the crate", where)
    return "/".join(parts)


def parse(text: str, where: str) -> List[FilePatch]:
    """The files of a unified diff (git's or diff -u's) and their hunks."""
    lines = text.splitlines()
    out: List[FilePatch] = []
    i = 0
    while i < len(lines):
        if not (lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")):
            i += 1  # commentary, git's "diff --git" and "index" lines
            continue
        old, new = _name(lines[i], where), _name(lines[i + 1], where)
        i += 2
        hunks: List[Hunk] = []
        while i < len(lines) and lines[i].startswith("@@"):
            m = _HUNK.match(lines[i])
            if not m:
                raise BuildsysError(f"a hunk header the parse-time step cannot read: {lines[i]!r}", where)
            old_len = int(m.group(2)) if m.group(2) is not None else 1
            new_len = int(m.group(4)) if m.group(4) is not None else 1
            i += 1
            body: List[str] = []
            seen_old = seen_new = 0
            while i < len(lines) and (seen_old < old_len or seen_new < new_len):
                line = lines[i]
                mark = line[:1] if line else " "  # an empty context line lost its blank
                if mark not in " -+\\":
                    raise BuildsysError(f"a hunk of {new or old} ends before its header says: {line!r}", where)
                if mark != "\\":
                    body.append(mark + line[1:])
                    seen_old += mark in " -"
                    seen_new += mark in " +"
                i += 1
            if seen_old != old_len or seen_new != new_len:
                raise BuildsysError(f"a hunk of {new or old} is shorter than its header says", where)
            while i < len(lines) and lines[i].startswith("\\"):
                i += 1  # "\ No newline at end of file"
            hunks.append(Hunk(int(m.group(1)), tuple(body)))
        out.append(FilePatch(new or old, old, new, tuple(hunks)))
    return out


def _apply_hunk(lines: List[str], hunk: Hunk, offset: int, name: str, where: str) -> Tuple[List[str], int]:
    """``lines`` with the hunk applied at its line or the nearest place its
    old lines match (patch's offset); the offset found, carried to the
    file's next hunk as patch carries it."""
    old = [line[1:] for line in hunk.lines if line[0] in " -"]
    new = [line[1:] for line in hunk.lines if line[0] in " +"]
    start = max(hunk.old_start - 1, 0) + offset if old else max(hunk.old_start, 0) + offset
    # patch's anchoring: a hunk with less context before its change than
    # after it belongs at the start of the file, one with less after at
    # the end (diff wrote no more context because the file ended there)
    marks = "".join(line[0] for line in hunk.lines)
    before, after = len(marks) - len(marks.lstrip(" ")), len(marks) - len(marks.rstrip(" "))
    anchored = 0 if before < after else len(lines) - len(old) if after < before else None
    for distance in range(len(lines) + 1):
        for at in ((start,) if distance == 0 else (start - distance, start + distance)):
            if anchored is not None and at != anchored:
                continue
            if 0 <= at <= len(lines) - len(old) and lines[at:at + len(old)] == old:
                return lines[:at] + new + lines[at + len(old):], at - (start - offset)
    raise BuildsysError(f"a hunk at line {hunk.old_start} of {name} does not apply to the crate's file "
                        "(the parse-time step applies patches as patch does, without fuzz)", where)


def apply(root: Path, patch: Path) -> List[str]:
    """Apply ``patch`` to the crate skeleton in ``root``; the files it
    changed there."""
    where = str(patch)
    try:
        text = patch.read_bytes().decode("utf-8")
    except OSError as exc:
        raise BuildsysError(f"cannot read the patch: {exc.strerror}", where) from None
    except UnicodeDecodeError:
        raise BuildsysError("the patch is not UTF-8 text", where) from None
    changed = []
    for fp in parse(text, where):
        target = root / fp.path
        # a new file: from /dev/null, or (as patch reads it) hunks at line 0 for a file not there
        creates = not fp.old_path or (not target.exists() and all(h.old_start == 0 for h in fp.hunks))
        if not fp.new_path:
            if target.is_file():
                target.unlink()
                changed.append(fp.path)
            continue
        if PurePosixPath(fp.path).name != "Cargo.toml":
            if creates:  # discovery sees it; its text does not matter here
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
                changed.append(fp.path)
            continue
        before = "" if creates else target.read_text(encoding="utf-8") if target.is_file() else None
        if before is None:
            raise BuildsysError(f"the patch changes {fp.path}, which the crate does not have", where)
        lines, offset = before.splitlines(), 0  # type: ignore[union-attr]
        for hunk in fp.hunks:
            lines, offset = _apply_hunk(lines, hunk, offset, fp.path, where)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        changed.append(fp.path)
    return changed


def apply_all(root: Path, patches: Sequence[Path]) -> List[str]:
    """Every patch in order, as %autosetup applies them."""
    changed: List[str] = []
    for patch in patches:
        changed += apply(root, patch)
    return changed
