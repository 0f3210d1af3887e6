"""``buildsys new --from-rust2rpm SPEC``: what a packager added to a
rust2rpm-generated spec, so that the minimal spec keeps it.

Kept: the preamble tags the packager curates (Release, Summary, License,
URL, arch restrictions), every other preamble line of theirs (extra Source
and Patch lines, BuildRequires, Requires, Provides, Obsoletes ..., Epoch,
``%global`` lines and other macros) with the comments above it and the
``%if`` around it, the description, the application's ``%files``, the
``%changelog``; the feature selection and test skips of
``%cargo_build``/``%cargo_test`` become BuildOption words, and a check
switched off by ``%bcond`` becomes ``--no-check``. Other commands in the
build sections are kept as the hook macros (``%cargo_build_post``...) that
BuildSystem: cargo and ``%cargo_compat`` run before or after the generated
step on every RPM; :attr:`Carried.warnings` names every preamble line that
cannot be kept. Dropped: what BuildSystem: cargo generates (the
``-devel`` and feature packages, the standard macro calls, the toolchain and
crate() BuildRequires, rust2rpm's own ``%global`` lines), and an ``%if``
left with nothing in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from buildsys.errors import BuildsysError

# The packager's hooks are named after the generated step they surround:
# %conf's is %cargo_prep's (BuildSystem: cargo runs it in %conf).
HOOK_OF = {"conf": "prep"}
SECTIONS = ("package", "description", "files", "prep", "conf", "generate_buildrequires", "build", "install",
            "check", "changelog")
BUILD_SECTIONS = ("prep", "conf", "generate_buildrequires", "build", "install", "check")
KEPT_TAGS = ("Release", "Summary", "License", "URL", "BuildArch", "ExcludeArch", "ExclusiveArch")
# newspec writes each of these once, from Carried.tags: under an %if, where
# another branch may set it again, there is no place for it.
ONE_VALUE_TAGS = ("Release", "Summary", "License", "URL")
# Tags of the minimal spec's own gate: next to it, one more would break it.
GATE_TAGS = ("BuildSystem", "BuildOption")
# The calls BuildSystem: cargo makes itself, per section.
STANDARD = {
    "prep": re.compile(r"%(autosetup|setup|cargo_prep)\b.*"),
    "conf": re.compile(r"%cargo_prep\b.*"),
    "generate_buildrequires": re.compile(r"%cargo_generate_buildrequires\b.*"),
    "build": re.compile(r"%\{?cargo_(build|license_summary|license)\b.*"),
    "install": re.compile(r"%cargo_install\b.*"),
    "check": re.compile(r"%cargo_test\b.*"),
}
_SELECTION = re.compile(r"(?:^|\s)(-a|-n|-f\s+\S+)")
# BuildRequires that BuildSystem: cargo makes itself, wherever they stand:
# the toolchain (rust-toolset is its name on RHEL) and the crate()
# dependencies, which it reads from Cargo.toml.
_GENERATED_BUILDREQUIRES = re.compile(r"\(?\s*((cargo-rpm-macros|rust-packaging|rust-toolset)(?![\w.+-])|crate\()")
# rust2rpm's %global lines; rust2rpm writes them outside any %if, so one
# under an %if is the packager's and is kept.
_GENERATED_GLOBALS = ("crate", "debug_package", "cargo_install_lib")
_TAG = re.compile(r"(?P<tag>[A-Za-z][A-Za-z0-9]*)(?P<qualifier>\([^)]*\))?\s*:(?P<value>.*)", re.S)
_CONDITIONAL = re.compile(r"%(?P<word>if|ifarch|ifnarch|ifos|ifnos|elif|elifarch|elifos|else|endif)(?![\w])")
_CHECK_BCOND = re.compile(r"%bcond(_with|_without)?\s+check\b")
_SPELLING = {tag.lower(): tag for tag in KEPT_TAGS + GATE_TAGS}


@dataclass(frozen=True)
class Carried:
    """What a packager added to a rust2rpm spec, kept for the new one."""

    name: str
    crate: Optional[str]
    # (tag, value) of KEPT_TAGS outside any %if, in spec order; a value
    # continued over several lines (%{shrink: ...}) holds their newlines
    tags: Tuple[Tuple[str, str], ...]
    # the packager's preamble lines (Source/Patch, dependencies, %global,
    # other macros) with the comments above them and the %if around them
    preamble: Tuple[str, ...]
    conf_options: Tuple[str, ...]
    check_options: Tuple[str, ...]
    description: Tuple[str, ...]
    files: Tuple[str, ...]  # the main package's %files body, when it has one
    # (hook, commands): the packager's commands before or after the
    # generated ones of a section, as %cargo_HOOK macros (``build_post``),
    # which BuildSystem: cargo and %cargo_compat run alike
    extras: Tuple[Tuple[str, Tuple[str, ...]], ...]
    changelog: Tuple[str, ...]
    warnings: Tuple[str, ...] = field(default=())


def _section_of(line: str) -> Optional[Tuple[str, str]]:
    match = re.match(r"%(\w+)\b(.*)", line)
    if match and match.group(1) in SECTIONS:
        return match.group(1), match.group(2).strip()
    return None


def _logical_line(lines: List[str], start: int) -> Tuple[str, int]:
    """The line at ``start`` with the lines that continue it (a ``%{`` still
    open, a trailing backslash), as RPM reads them; and where the next
    starts."""
    text, end = lines[start], start + 1
    while end < len(lines) and not text.lstrip().startswith("#") and (_open_braces(text) or text.endswith("\\")):
        text, end = text + "\n" + lines[end], end + 1
    return text, end


def _open_braces(text: str) -> int:
    """How many ``%{`` of ``text`` are not closed; a brace counts only
    inside one (RPM's rule), ``%%`` is no macro."""
    depth, i = 0, 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair == "%%":
            i += 2
            continue
        if pair == "%{":
            depth, i = depth + 1, i + 2
            continue
        if depth and text[i] in "{}":
            depth += 1 if text[i] == "{" else -1
        i += 1
    return depth


@dataclass
class _Block:
    """One open %if while the preamble is read (mutable: it grows line by
    line). ``lines`` are (text, role): "kept" for what is carried, "branch"
    for an %else/%elif of this %if, "other" for the %if itself and the
    comments with no kept line after them."""

    number: int
    lines: List[Tuple[str, str]]

    def kept(self) -> bool:
        return any(role == "kept" for _, role in self.lines)

    def closed(self, endif: str) -> List[str]:
        """What the block carries once ``endif`` closes it: all of it, less
        a last %else with nothing kept under it; nothing when it keeps
        nothing."""
        if not self.kept():
            return []
        lines = list(self.lines)
        branches = [i for i, (_, role) in enumerate(lines) if role == "branch"]
        if branches and lines[branches[-1]][0].lstrip().startswith("%else") and \
                not any(role == "kept" for _, role in lines[branches[-1]:]):
            lines = lines[:branches[-1]]
        return [text for text, _ in lines] + [endif]


@dataclass
class _Preamble:
    """What the lines before the first %package/%description carry; filled
    in line by line by :func:`_read_preamble` (so mutable)."""

    where: str
    name: str = ""
    globals_: Dict[str, str] = field(default_factory=dict)
    tags: List[Tuple[str, str]] = field(default_factory=list)
    top: List[str] = field(default_factory=list)
    open_blocks: List[_Block] = field(default_factory=list)
    comments: List[str] = field(default_factory=list)
    description: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    def keep(self, text: str) -> None:
        """``text`` carried, with the comments above it."""
        self._carry(self.comments + [text])
        self.comments = []

    def _carry(self, lines: List[str]) -> None:
        if self.open_blocks:
            self.open_blocks[-1].lines.extend((line, "kept") for line in lines)
        else:
            self.top.extend(lines)

    def drop(self) -> None:
        self.comments = []  # they were about the line dropped

    def leave_out(self, number: int, text: str, why: str) -> None:
        self.comments = []
        self.warnings.append(f"line {number}: {_shown(text)} is left out: {why}")

    def conditional(self, number: int, text: str, word: str) -> None:
        comments, self.comments = self.comments, []
        if word.startswith("if"):
            self.open_blocks.append(_Block(number, [(line, "other") for line in comments + [text]]))
            return
        if not self.open_blocks:
            raise BuildsysError(f"line {number}: %{word} without %if", self.where)
        block = self.open_blocks[-1]
        block.lines.extend((line, "other") for line in comments)
        if word != "endif":
            block.lines.append((text, "branch"))
            return
        self.open_blocks.pop()
        self._carry(block.closed(text))  # whole, in the block around it

    def finish(self) -> None:
        """Blocks still open where the preamble ends (their %endif is among
        the sections) cannot be carried: what they would keep is said."""
        for block in reversed(self.open_blocks):
            if block.kept():
                first = next(text for text, role in block.lines if role == "kept")
                self.warnings.append(f"line {block.number}: {_shown(block.lines[0][0])} ends after the "
                                     f"preamble, so what it holds is left out, from {_shown(first)}")
        self.open_blocks = []


def _shown(text: str) -> str:
    """A spec line in a one-line warning."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return repr(first + (" ..." if "\n" in text.strip() else ""))


def _read_preamble(lines: List[str], where: str) -> Tuple[_Preamble, int]:
    """The preamble, and the index of the first section's line."""
    pre = _Preamble(where)
    i = 0
    while i < len(lines) and not _section_of(lines[i]):
        text, end = _logical_line(lines, i)
        _preamble_line(pre, i + 1, text)
        i = end
    pre.finish()
    return pre, i


def _preamble_line(pre: _Preamble, number: int, text: str) -> None:
    line = text.lstrip()
    conditional = _CONDITIONAL.match(line)
    tag = _TAG.match(line)
    if not line.strip():
        pre.drop()
    elif line.startswith("#"):
        pre.comments = [] if line.startswith("# Generated by rust2rpm") else pre.comments + [text]
    elif conditional:
        pre.conditional(number, text, conditional.group("word"))
    elif line.startswith(("%global", "%define")):
        _macro_definition(pre, text)
    elif _CHECK_BCOND.match(line):
        # it becomes --no-check, for every branch
        if pre.open_blocks:
            pre.leave_out(number, text, "the new spec's check switch (BuildOption --no-check) holds for "
                          "every build, under no %if")
        else:
            pre.drop()
    elif line.startswith("%"):
        pre.keep(text)  # %bcond of their own, %{?systemd_requires}, %forgemeta ...
    elif tag:
        _tag_line(pre, number, text, tag)
    else:
        pre.leave_out(number, text, "not a tag, macro or comment")


def _macro_definition(pre: _Preamble, text: str) -> None:
    parts = text.split(None, 2)
    name = parts[1] if len(parts) >= 2 else ""
    if len(parts) == 3:
        pre.globals_[name] = parts[2]
    if name == "_description":
        pre.description = _description_global(parts[2] if len(parts) == 3 else "")
        pre.drop()
    elif name in _GENERATED_GLOBALS and not pre.open_blocks:
        pre.drop()
    else:
        pre.keep(text)


def _description_global(value: str) -> List[str]:
    """The text of ``%global _description %{expand: TEXT}``, its paragraphs
    kept apart."""
    value = value.strip()
    if value.startswith("%{expand:") and value.endswith("}"):
        value = value[len("%{expand:"):-1]
    body = value.splitlines()
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return body


def _tag_line(pre: _Preamble, number: int, text: str, match: "re.Match[str]") -> None:
    tag, value = match.group("tag"), match.group("value").strip()
    lowered = tag.lower()
    # RPM's tag names are case-insensitive; "Summary(de)" is no Summary
    known = None if match.group("qualifier") else _SPELLING.get(lowered)
    if lowered == "name":
        pre.name = value
        pre.drop()
    elif lowered == "version":
        pre.drop()  # the crate's, always
    elif lowered in ("source", "source0"):
        if "%{crates_source}" in value:
            pre.drop()
        else:
            pre.leave_out(number, text, "the new spec's Source is the crate, %{crates_source}")
    elif lowered == "buildrequires" and _GENERATED_BUILDREQUIRES.match(value):
        pre.drop()
    elif known in GATE_TAGS:
        pre.leave_out(number, text, f"the new spec sets {known} itself")
    elif known == "BuildArch" and pre.open_blocks:
        pre.drop()  # the new spec's BuildArch follows the crate's targets
    elif known in ONE_VALUE_TAGS and pre.open_blocks:
        pre.leave_out(number, text, f"the new spec has one {known}, outside any %if; set it there by hand")
    elif known and not pre.open_blocks:
        pre.tags.append((known, value))
        pre.drop()
    else:
        pre.keep(text)  # Patch, Source1, dependencies, Epoch, ExcludeArch under an %if ...


def read(text: str, where: str) -> Carried:
    lines = text.splitlines()
    pre, first_section = _read_preamble(lines, where)
    if not pre.name:
        raise BuildsysError("no Name: in this spec; is it a rust2rpm spec?", where)
    blocks: List[Tuple[str, str, List[str]]] = []  # (section, its arguments, body)
    for line in lines[first_section:]:
        section = _section_of(line)
        if section:
            blocks.append((section[0], section[1], []))
        else:
            blocks[-1][2].append(line)

    conf: List[str] = []
    check: List[str] = []
    warnings: List[str] = list(pre.warnings)
    extras: List[Tuple[str, Tuple[str, ...]]] = []
    description: List[str] = []
    files: List[str] = []
    changelog: List[str] = []
    if re.search(r"^%bcond\s+check\s+0\b|^%bcond_with\s+check\b", text, re.M):
        conf.append("--no-check")
    for section, args, body in blocks:
        main_package = not args or args.startswith("%{_description}")
        if section == "description" and main_package:
            description = [b for b in body if not b.startswith("%")] if body else []
            if args.startswith("%{_description}") or not "".join(description).strip():
                description = pre.description
        elif section == "files" and main_package:
            files = [b for b in body if b.strip()]
        elif section == "changelog":
            changelog = body
        elif section in BUILD_SECTIONS:
            before: List[str] = []
            after: List[str] = []
            generated = False  # past the section's generated step
            unpacked = section != "prep"
            for raw in body:
                line = raw.strip()
                if not line or line.startswith("#") or line.startswith(("%if", "%endif", "%else")):
                    continue
                standard = STANDARD.get(section)
                if standard and standard.fullmatch(line):
                    if section == "build" and line.startswith("%cargo_build"):
                        conf.extend(m.group(1) for m in _SELECTION.finditer(line[len("%cargo_build"):]))
                    if section == "check":
                        check.extend(_test_options(line, where))
                    # in %prep the generated step is %cargo_prep; commands
                    # between unpacking and it come before it
                    generated = generated or section != "prep" or line.startswith("%cargo_prep")
                    unpacked = True
                    continue
                if not unpacked:
                    warnings.append(f"%prep runs {line!r} before the crate is unpacked; it is kept to run after "
                                    "(%cargo_prep_pre)")
                (after if generated else before).append(line)
            hook = HOOK_OF.get(section, section)
            for when, commands in (("pre", before), ("post", after)):
                if commands:
                    extras.append((f"{hook}_{when}", tuple(commands)))
    return Carried(
        name=pre.name,
        crate=pre.globals_.get("crate"),
        tags=tuple(pre.tags),
        preamble=tuple(line for entry in pre.top for line in entry.split("\n")),
        conf_options=tuple(dict.fromkeys(conf)),
        check_options=tuple(check),
        description=tuple(description),
        files=tuple(files),
        extras=tuple(extras),
        changelog=tuple(changelog),
        warnings=tuple(warnings),
    )


def _test_options(line: str, where: str) -> List[str]:
    """``%cargo_test [-f X] -- [CARGO ARGS] -- HARNESS ARGS``: the harness
    words (``--skip NAME`` and the rest) as BuildOption(check) words."""
    words = line.split()
    seps = [i for i, w in enumerate(words) if w == "--"]
    if len(seps) < 2:
        return []
    cargo_args = words[seps[0] + 1:seps[1]]
    if cargo_args:
        raise BuildsysError(f"%cargo_test passes {' '.join(cargo_args)!r} to cargo; BuildOption cannot", where)
    harness = words[seps[1] + 1:]
    skips_only = all(w == "--skip" or (i > 0 and harness[i - 1] == "--skip") for i, w in enumerate(harness))
    return harness if skips_only else ["--"] + harness
