"""The option table (rpm-lua/buildsys/options.lua) against everything else
that spells an option: the %cargo_* macros' getopt strings and what they pass
to buildsys (macros.d/, compat/epel9/), buildsys's argparse, the conf options
the project record keeps, and docs/buildoptions.md.

A new BuildOption that is missing from any one of them fails here, with a
message naming the option and the place. Nothing here is read from the Lua
parser's output: the table is data, and each check reads the other side's
own text.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

lupa = pytest.importorskip("lupa", reason="lupa is installed by make check (test extra)")
from lupa import lua54  # noqa: E402

from buildsys import record  # noqa: E402
from buildsys.cli import build_parser  # noqa: E402
from helpers import REPO  # noqa: E402

MACRO_FILES = [REPO / "macros.d" / "macros.buildsys", REPO / "macros.d" / "macros.buildsys-srpm",
               REPO / "compat" / "epel9" / "macros.buildsys-compat"]
BUILDOPTIONS_MD = REPO / "docs" / "buildoptions.md"


# --- the table, as Python data -------------------------------------------------


def lua_list(table) -> list:
    return [table[i] for i in range(1, len(table) + 1)] if table is not None else []


def lua_map(table) -> dict:
    return dict(table.items()) if table is not None else {}


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    scope: str
    macros: Dict[str, str]
    unset: Dict[str, str]
    cli: Dict[str, str]
    parse_time: str


@dataclasses.dataclass(frozen=True)
class Option:
    words: Tuple[str, ...]
    field: str
    value: str
    sections: Tuple[str, ...]


def load_table(path: Path = REPO / "rpm-lua"):
    lua = lua54.LuaRuntime()
    lua.globals().package.path = str(path / "?.lua")
    t = lua.eval('(require("buildsys.options"))')
    fields = [Field(f.name, f.scope, lua_map(f.macros), lua_map(f.unset), lua_map(f.cli), f.parse_time or "")
              for f in lua_list(t.FIELDS)]
    options = [Option(tuple(lua_list(o.words)), o.sets or o.adds or o.collects, o.value or "", tuple(lua_list(o.sections)))
               for o in lua_list(t.OPTIONS)]
    return lua_list(t.SECTIONS), fields, options


SECTIONS, FIELDS, OPTIONS = load_table()


# --- the macro files ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Macro:
    name: str
    getopt: str  # "" for a macro without options
    parametric: bool
    body: str


def read_macros(paths: List[Path]) -> Dict[str, Macro]:
    macros: Dict[str, Macro] = {}
    for path in paths:
        lines = path.read_text().splitlines()
        i = 0
        while i < len(lines):
            # (Fedora's files write "%cargo_license(naf:)\\" with no blank)
            m = re.match(r"%(\w+)(\(([^)]*)\))?(?:\s*(.*))?$", lines[i])
            i += 1
            if not m:
                continue
            body = [m.group(4) or ""]
            while body[-1].endswith("\\") and i < len(lines):
                body[-1] = body[-1][:-1]
                body.append(lines[i])
                i += 1
            macros[m.group(1)] = Macro(m.group(1), m.group(3) or "", m.group(2) is not None, "\n".join(body))
    return macros


MACROS = read_macros(MACRO_FILES)


def getopt_letters(getopt: str) -> Dict[str, bool]:
    """Each option letter of a getopt string, and whether it takes a value."""
    return {letter: colon == ":" for letter, colon in re.findall(r"(\w)(:?)", getopt)}


def inlined(body: str, depth: int = 0) -> str:
    """The body with the helper macros it expands (%{__NAME}, defined here
    without parameters) written out: they see the calling macro's options."""
    def sub(m: re.Match) -> str:
        macro = MACROS.get(m.group(1))
        if macro is None or macro.parametric or m.group(1) == "__buildsys" or depth > 5:
            return m.group(0)
        return inlined(macro.body, depth + 1)
    return re.sub(r"%\{(__\w+)\}", sub, body)


# %{-X} passes -X (and its value); %{-X:TEXT} passes TEXT. One level of
# nested braces: %{-v:--vendor "%{-v*}"}.
FORWARD = re.compile(r"%\{-(\w)(?::((?:[^{}]|\{[^{}]*\})*))?\}")
INVOCATION = re.compile(r"%\{__buildsys\}(?:\s+-p\s+\S+)?\s+([a-z][a-z0-9-]*)([^|;>\n]*)")


def forwarded(macro: Macro) -> Set[Tuple[str, str, str]]:
    """(letter, buildsys action, buildsys option) for every flag of the
    macro that reaches buildsys."""
    out = set()
    for m in INVOCATION.finditer(inlined(macro.body)):
        action, args = m.groups()
        for f in FORWARD.finditer(args):
            letter, text = f.groups()
            out.add((letter, action, (text.split()[0] if text else "-" + letter)))
    return out


def table_macros() -> Set[str]:
    return {m for f in FIELDS for m in (*f.macros, *f.unset)}


def flags_of(field: Field, macro: str) -> List[str]:
    return [flag for flag in (field.macros.get(macro), field.unset.get(macro)) if flag]


# --- argparse -------------------------------------------------------------------


def action_options() -> Dict[str, Set[str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: {s for a in p._actions for s in a.option_strings} for name, p in sub.choices.items()}


# --- docs/buildoptions.md -------------------------------------------------------


def documented() -> Dict[Tuple[str, ...], Set[str]]:
    """The reference table: option words -> the sections it names. "same"
    means the row above's sections; one option may take several rows."""
    rows: Dict[Tuple[str, ...], Set[str]] = {}
    previous: Set[str] = set()
    for line in BUILDOPTIONS_MD.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or len(cells) != 3:
            continue
        words = tuple(dict.fromkeys(re.split(r"[ =]", w)[0] for w in re.findall(r"`([^`]+)`", cells[0])))
        sections = previous if cells[1] == "same" else {s.strip() for s in cells[1].split(",")}
        rows.setdefault(words, set()).update(sections)
        previous = sections
    return rows


def equals_forms() -> Set[str]:
    """The words documented with an attached value (--features=A,B)."""
    return {m for m in re.findall(r"`(--[\w-]+)=", BUILDOPTIONS_MD.read_text())}


# --- the checks -----------------------------------------------------------------


def test_every_option_sets_a_field_of_the_table():
    names = {f.name for f in FIELDS}
    for option in OPTIONS:
        assert option.field in names, f"{option.words}: sets '{option.field}', which FIELDS does not declare"
        assert set(option.sections) <= set(SECTIONS), f"{option.words}: sections {option.sections}"
    assert names <= {o.field for o in OPTIONS}, "a field no option sets"


def test_no_word_means_two_options_in_one_section():
    seen: Dict[Tuple[str, str], Tuple[str, ...]] = {}
    for option in OPTIONS:
        for section in option.sections:
            for word in option.words:
                assert (section, word) not in seen, f"{word} in {section}: {seen.get((section, word))}"
                seen[(section, word)] = option.words


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_each_macro_flag_of_the_table_is_in_that_macros_getopt(field):
    for macro in (*field.macros, *field.unset):
        assert macro in MACROS, f"{field.name}: %{macro} is not defined in {[p.name for p in MACRO_FILES]}"
        letters = getopt_letters(MACROS[macro].getopt)
        for flag in flags_of(field, macro):
            if flag.startswith("--"):
                # after "--", past getopt: the macro must pass its arguments on
                assert "%*" in MACROS[macro].body, f"{field.name}: %{macro} drops the words after --"
                continue
            letter = flag[1]
            assert letter in letters, f"{field.name}: %{macro}({MACROS[macro].getopt}) has no -{letter}"
            takes = "%s" in flag
            assert letters[letter] == takes, (
                f"{field.name}: %{macro}'s -{letter} {'needs' if takes else 'must not have'} a ':' in getopt")


@pytest.mark.parametrize("macro", sorted(table_macros()))
def test_every_getopt_letter_of_a_table_macro_is_a_field_of_the_table(macro):
    claimed = {flag[1] for f in FIELDS for flag in flags_of(f, macro) if not flag.startswith("--")}
    letters = set(getopt_letters(MACROS[macro].getopt))
    assert letters == claimed, (f"%{macro}({MACROS[macro].getopt}): getopt letters not in the table: "
                                f"{sorted(letters - claimed)}, table flags not in getopt: {sorted(claimed - letters)}")


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_the_macros_pass_each_field_to_buildsys_as_the_table_says(field):
    passed = set()
    for macro in (*field.macros, *field.unset):
        letters = {flag[1] for flag in flags_of(field, macro) if not flag.startswith("--")}
        passed |= {(action, option) for letter, action, option in forwarded(MACROS[macro]) if letter in letters}
    assert passed == set(field.cli.items()), f"{field.name}: the macros pass {sorted(passed)}"


def test_every_flag_a_macro_passes_to_buildsys_comes_from_the_table():
    declared = {(macro, flag[1]) for f in FIELDS for macro in (*f.macros, *f.unset)
                for flag in flags_of(f, macro) if not flag.startswith("--")}
    for name, macro in MACROS.items():
        for letter, action, option in forwarded(macro):
            # the build steps; their non-parametric helpers see the step's flags
            if name.startswith("__buildsys_") and macro.parametric:
                assert (name, letter) in declared, f"%{name} passes -{letter} to buildsys {action} as {option}"


# --- the public names: thin aliases of the private steps -------------------------

# %cargo_NAME(GETOPT) %{__buildsys_NAME FORWARDED}
ALIAS = re.compile(r"%\{(__buildsys_\w+)\s*(.*)\}$")


def aliases() -> Dict[str, Tuple[str, str]]:
    """Public macro -> (the private step it calls, what it passes)."""
    out = {}
    for name, macro in MACROS.items():
        m = ALIAS.match(macro.body.strip())
        if name.startswith("cargo_") and macro.parametric and m and m.group(1) in MACROS:
            out[name] = (m.group(1), m.group(2))
    return out


def test_each_step_of_the_table_has_its_public_alias():
    # %cargo_prep for %__buildsys_prep...: what hand-written sections call
    called = {private for private, _ in aliases().values()}
    missing = {m for m in table_macros() if m not in called}
    assert not missing, f"steps without a public %cargo_* alias: {sorted(missing)}"


@pytest.mark.parametrize("public", sorted(aliases()))
def test_a_public_alias_takes_and_passes_exactly_its_steps_options(public):
    private, passed = aliases()[public]
    assert public == private.replace("__buildsys_", "cargo_", 1), f"%{public} calls %{private}"
    assert MACROS[public].getopt == MACROS[private].getopt, f"%{public}({MACROS[public].getopt}) vs %{private}"
    letters = set(getopt_letters(MACROS[private].getopt))
    given = re.findall(r"%\{-(\w)\}", passed)
    assert sorted(given) == sorted(letters), f"%{public} passes {given} to %{private}({MACROS[private].getopt})"
    if "%*" in MACROS[private].body:
        # getopt took the first "--": given again, the words after it stay
        # past the step's own getopt
        assert passed.endswith("-- %*"), f"%{public} must pass its arguments on after --"
    else:
        assert "%*" not in passed, f"%{public} passes arguments %{private} drops"


# --- the machinery's names: none that Fedora's macro files define ----------------

CARGO_LUA = REPO / "rpm-lua" / "buildsys" / "cargo.lua"
# What BuildSystem: cargo and %cargo_compat expand first: the sections, the
# gate, and the steps the table names.
ENTRY_POINTS = ("buildsystem_cargo_conf", "buildsystem_cargo_generate_buildrequires", "buildsystem_cargo_build",
                "buildsystem_cargo_install", "buildsystem_cargo_check", "cargo_buildsystem", "cargo_compat")
# Read from the distribution on purpose: the compiler flags (docs/buildsystem.md).
DISTRIBUTIONS_OWN = {"build_rustflags"}
REFERENCE = re.compile(r"%\{?[?!]*([A-Za-z_]\w*)")


def fedora_names() -> Set[str]:
    """Every macro Fedora's rust-packaging files define (the shared copy)."""
    from rpmroot import shared_upstream

    upstream = shared_upstream() / "fedora-rust-packaging-24pre"
    return set(read_macros(sorted((upstream / "macros.d").iterdir()) + sorted((upstream / "fileattrs").iterdir())))


def lua_references(path: Path) -> Set[str]:
    """The macros the Lua's string literals name."""
    # comments (a whole line each here) may quote macros the code never expands
    text = re.sub(r"(?m)^\s*--.*$", "", path.read_text())
    return {name for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', text) for name in REFERENCE.findall(literal)}


def machinery_names(roots: Set[str]) -> Set[str]:
    """The roots and every name their bodies expand, through buildsys's own
    definitions."""
    seen: Set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in MACROS:
            todo.extend(REFERENCE.findall(MACROS[name].body.replace("%%", "")))
    return seen


def test_the_machinery_expands_no_name_fedoras_files_define():
    assert all(m.startswith("__buildsys_") for m in table_macros()), sorted(table_macros())
    names = machinery_names(set(ENTRY_POINTS) | table_macros() | lua_references(CARGO_LUA))
    fedoras = fedora_names()
    assert {"cargo_prep", "cargo_install", "crates_source", "__cargo_path"} <= fedoras, "not Fedora's files"
    clash = (names & fedoras) - DISTRIBUTIONS_OWN
    assert not clash, f"BuildSystem: cargo and %cargo_compat expand names Fedora's files define: {sorted(clash)}"


def test_a_public_name_in_the_lua_fails_the_check(tmp_path):
    lua = tmp_path / "cargo.lua"
    lua.write_text(CARGO_LUA.read_text().replace("%{__buildsys_registry}", "%{cargo_registry}", 1))
    assert "cargo_registry" in lua_references(lua) & fedora_names()


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_buildsys_accepts_each_option_the_table_passes_it(field):
    options = action_options()
    for action, option in field.cli.items():
        assert action in options, f"{field.name}: buildsys has no action '{action}'"
        assert option in options[action], f"{field.name}: buildsys {action} has no {option}"
    if field.parse_time:
        assert field.parse_time in options["sections"], f"{field.name}: buildsys sections has no {field.parse_time}"


def test_the_record_keeps_exactly_the_conf_fields():
    conf = {f.name for f in FIELDS if f.scope == "conf"}
    kept = {f.name for f in dataclasses.fields(record.Options)}
    assert conf == kept, f"conf fields of the table {sorted(conf)}, record.Options keeps {sorted(kept)}"


def test_buildoptions_md_documents_every_option_in_its_sections():
    docs = documented()
    table = {o.words: set(o.sections) for o in OPTIONS}
    for words, sections in table.items():
        assert words in docs, f"docs/buildoptions.md has no row for {' / '.join(words)}"
        assert docs[words] == sections, f"docs/buildoptions.md: {' / '.join(words)} in {sorted(docs[words])}"
    assert set(docs) <= set(table), f"documented but not in the table: {set(docs) - set(table)}"
    assert equals_forms() == {w for o in OPTIONS if o.value == "features" for w in o.words if w.startswith("--")}


def test_a_throwaway_option_only_in_the_table_fails_these_checks(tmp_path):
    # A table with a throwaway option nothing else knows: each check that
    # reads another place must fail.
    (tmp_path / "buildsys").mkdir()
    text = (REPO / "rpm-lua" / "buildsys" / "options.lua").read_text()
    text = text.replace('T.OPTIONS = {\n', 'T.OPTIONS = {\n  { words = { "--frobnicate" }, sets = "frob",'
                        ' value = "features", sections = { "conf" } },\n', 1)
    text = text.replace('T.FIELDS = {\n', 'T.FIELDS = {\n  { name = "frob", scope = "conf",'
                        ' macros = { cargo_prep = "-Z %s" }, cli = { prepare = "--frobnicate" } },\n', 1)
    (tmp_path / "buildsys" / "options.lua").write_text(text)
    global SECTIONS, FIELDS, OPTIONS
    saved = SECTIONS, FIELDS, OPTIONS
    SECTIONS, FIELDS, OPTIONS = load_table(tmp_path)
    try:
        frob = next(f for f in FIELDS if f.name == "frob")
        checks = [
            lambda: test_each_macro_flag_of_the_table_is_in_that_macros_getopt(frob),
            lambda: test_the_macros_pass_each_field_to_buildsys_as_the_table_says(frob),
            lambda: test_buildsys_accepts_each_option_the_table_passes_it(frob),
            test_the_record_keeps_exactly_the_conf_fields,
            test_buildoptions_md_documents_every_option_in_its_sections,
        ]
        for check in checks:
            with pytest.raises(AssertionError):
                check()
    finally:
        SECTIONS, FIELDS, OPTIONS = saved
