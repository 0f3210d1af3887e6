"""BuildSystem: cargo, the option side (rpm-lua/buildsys/cargo.lua), run
under every Lua that a supported rpm embeds (5.2, 5.3, 5.4) through lupa.

Every expected value below is written out by hand from the documented
behaviour of the module, never copied from its output. M.section needs rpm's
``rpm`` global and is exercised by the rpmbuild tests, not here.
"""

from pathlib import Path

import pytest

lupa = pytest.importorskip("lupa", reason="lupa is installed by make check (test extra)")
from lupa import lua52, lua53, lua54  # noqa: E402

from buildsys.rpmdeps import rpm2semver, semver2rpm  # noqa: E402
from buildsys.semver import Version  # noqa: E402

RPM_LUA = Path(__file__).resolve().parents[1] / "rpm-lua"

RUNTIMES = {"lua5.2": lua52, "lua5.3": lua53, "lua5.4": lua54}


class Cargo:
    """buildsys.cargo loaded into one Lua runtime, with Python-side helpers."""

    def __init__(self, runtime_module):
        self.runtime_module = runtime_module
        self.LuaError = runtime_module.LuaError
        self.lua = runtime_module.LuaRuntime(unpack_returned_tuples=True)
        self.lua.globals().package.path = str(RPM_LUA / "?.lua")
        # require returns a second value (the loader data) from Lua 5.4 on;
        # the parentheses keep only the module.
        self.M = self.lua.eval('(require("buildsys.cargo"))')

    def table(self, words):
        return self.lua.table_from(list(words))

    def parse_raw(self, section, words):
        return self.M.parse(section, self.table(words))

    def parse(self, section, words):
        return to_python(self.parse_raw(section, words))

    def effective(self, conf_words, section, own_words):
        conf = self.parse_raw("conf", conf_words)
        own = self.parse_raw(section, own_words)
        return to_python(self.M.effective(conf, own))

    def body(self, section, conf_words, own_words=(), tests_off=None, hooks=False):
        """The generated commands of a section (``hooks``: with the
        packager's hook macros around them, as the section gets them)."""
        conf = self.parse_raw("conf", conf_words)
        # As in M.section: conf's own options are the conf options.
        own = conf if section == "conf" else self.parse_raw(section, own_words)
        return (self.M.body if hooks else self.M.generated)(section, conf, own, tests_off)

    def error(self, call, *args):
        """The message of the Lua error that call(*args) raises, without the
        stack traceback lupa appends."""
        with pytest.raises(self.LuaError) as excinfo:
            call(*args)
        return str(excinfo.value).split("\nstack traceback:")[0]


def to_python(table):
    """A parse/effective result table as a plain dict (absent keys: None)."""
    out = {}
    for key in ("features", "all", "no_default", "no_check", "selects"):
        out[key] = table[key]
    harness = table["harness"]
    out["harness"] = [harness[i] for i in range(1, len(harness) + 1)]
    return out


@pytest.fixture(scope="module", params=sorted(RUNTIMES))
def cargo(request):
    return Cargo(RUNTIMES[request.param])


def options(features=None, all=False, no_default=False, no_check=False, harness=(), selects=None):
    """An expected parse result; selects defaults to "any of -a/-n/-f"."""
    if selects is None:
        selects = bool(all or no_default or features is not None)
    return {
        "features": features,
        "all": all,
        "no_default": no_default,
        "no_check": no_check,
        "harness": list(harness),
        "selects": selects,
    }


def test_each_runtime_is_the_lua_it_claims(cargo):
    expected = {lua52: "Lua 5.2", lua53: "Lua 5.3", lua54: "Lua 5.4"}[cargo.runtime_module]
    assert cargo.lua.eval("_VERSION") == expected


def test_sections_are_the_five_buildsystem_sections(cargo):
    sections = sorted(cargo.M.SECTIONS.keys())
    assert sections == sorted(["conf", "generate_buildrequires", "build", "install", "check"])


# --------------------------------------------------------------------------
# M.parse: the feature selection, accepted by every section


@pytest.mark.parametrize("section", ["conf", "generate_buildrequires", "build", "install", "check"])
def test_no_words_select_nothing(cargo, section):
    assert cargo.parse(section, []) == options(selects=False)


@pytest.mark.parametrize("section", ["conf", "generate_buildrequires", "build", "install", "check"])
@pytest.mark.parametrize(
    "words, expected",
    [
        (["-a"], options(all=True)),
        (["--all-features"], options(all=True)),
        (["-n"], options(no_default=True)),
        (["--no-default-features"], options(no_default=True)),
        (["-f", "foo"], options(features="foo")),
        (["-f", "foo,bar"], options(features="foo,bar")),
        (["--features", "foo,bar"], options(features="foo,bar")),
        (["--features=foo,bar"], options(features="foo,bar")),
        (["-n", "-f", "std"], options(no_default=True, features="std")),
        (["-f", "std", "-n"], options(no_default=True, features="std")),
        (["--no-default-features", "--features=alloc"], options(no_default=True, features="alloc")),
        # repeating a flag changes nothing
        (["-n", "-n"], options(no_default=True)),
        (["-a", "--all-features"], options(all=True)),
    ],
)
def test_selection_options_parse(cargo, section, words, expected):
    assert cargo.parse(section, words) == expected


@pytest.mark.parametrize(
    "value",
    [
        "serde",
        "serde/derive",  # DEP/FEATURE
        "tokio-util/io",
        "dep_name/feat-x",
        "_private",
        "1st",
        "v1.2",
        "c++",
        "a,b,c",
        "std,serde/std,alloc",
    ],
)
def test_cargo_feature_names_are_accepted(cargo, value):
    assert cargo.parse("build", ["-f", value])["features"] == value
    assert cargo.parse("build", ["--features=" + value])["features"] == value


# --------------------------------------------------------------------------
# M.parse: --no-check (conf, check) and the harness words (check)


@pytest.mark.parametrize("section", ["conf", "check"])
def test_no_check_parses_in_conf_and_check(cargo, section):
    # --no-check is not a feature selection
    assert cargo.parse(section, ["--no-check"]) == options(no_check=True, selects=False)
    assert cargo.parse(section, ["-n", "--no-check"]) == options(no_default=True, no_check=True)


@pytest.mark.parametrize("section", ["generate_buildrequires", "build", "install"])
def test_no_check_is_unknown_outside_conf_and_check(cargo, section):
    message = cargo.error(cargo.parse, section, ["--no-check"])
    assert f"BuildOption({section}): unknown option '--no-check'" in message


@pytest.mark.parametrize(
    "words, expected",
    [
        (["--skip", "foo"], options(harness=["--skip", "foo"])),
        (["--skip", "tests::net::slow"], options(harness=["--skip", "tests::net::slow"])),
        (
            ["--skip", "a", "--skip", "b"],
            options(harness=["--skip", "a", "--skip", "b"]),
        ),
        (
            ["-n", "--skip", "online", "-f", "x"],
            options(no_default=True, features="x", harness=["--skip", "online"]),
        ),
        (["--no-check", "--skip", "x"], options(no_check=True, harness=["--skip", "x"], selects=False)),
    ],
)
def test_skip_collects_harness_words_in_check(cargo, words, expected):
    assert cargo.parse("check", words) == expected


@pytest.mark.parametrize(
    "words, expected",
    [
        (["--"], options(selects=False)),
        (["--", "--test-threads=1"], options(harness=["--test-threads=1"])),
        (["--", "--exact", "a::b"], options(harness=["--exact", "a::b"])),
        # after "--" nothing is an option of ours any more
        (["--", "-a", "--no-check", "-f"], options(harness=["-a", "--no-check", "-f"], selects=False)),
        (["--", "--skip"], options(harness=["--skip"])),
        (
            ["-f", "net", "--skip", "x", "--", "--nocapture"],
            options(features="net", harness=["--skip", "x", "--nocapture"]),
        ),
    ],
)
def test_harness_arguments_follow_double_dash(cargo, words, expected):
    assert cargo.parse("check", words) == expected


@pytest.mark.parametrize("section", ["conf", "generate_buildrequires", "build", "install"])
@pytest.mark.parametrize("words, word", [(["--skip", "x"], "--skip"), (["--", "--exact"], "--")])
def test_harness_words_are_unknown_outside_check(cargo, section, words, word):
    message = cargo.error(cargo.parse, section, words)
    assert f"BuildOption({section}): unknown option '{word}'" in message


# --------------------------------------------------------------------------
# M.parse: errors


@pytest.mark.parametrize(
    "section, words, word",
    [
        ("conf", ["-x"], "-x"),
        ("build", ["--release"], "--release"),
        ("install", ["-n", "--locked"], "--locked"),
        ("check", ["--skip", "x", "--ignored"], "--ignored"),
        ("generate_buildrequires", ["-t"], "-t"),
        ("build", ["features"], "features"),
        ("build", ["--all"], "--all"),
        ("build", ["-f=x"], "-f=x"),
        ("check", ["--skip=x"], "--skip=x"),
    ],
)
def test_unknown_option_is_an_error_naming_it(cargo, section, words, word):
    message = cargo.error(cargo.parse, section, words)
    assert f"BuildOption({section}): unknown option '{word}'" in message


@pytest.mark.parametrize(
    "words, expected",
    [
        (["-f"], "BuildOption(build): -f needs a comma-separated list of features"),
        (["-n", "--features"], "BuildOption(build): --features needs a comma-separated list of features"),
        (["--features="], "BuildOption(build): --features needs a comma-separated list of features"),
    ],
)
def test_features_without_a_value_is_an_error(cargo, words, expected):
    assert cargo.error(cargo.parse, "build", words) == expected


NOT_A_LIST = " is not a list of feature names (letters, digits and _.+/- between commas)"


@pytest.mark.parametrize(
    "words, bad",
    [
        # what a shell or rpm would read: refused before any macro sees it
        (["-f", "a;b"], "-f: 'a;b'"),
        (["-f", "$(x)"], "-f: '$(x)'"),
        (["-f", "%{x}"], "-f: '%{x}'"),
        (["-f", "a`id`"], "-f: 'a`id`'"),
        (["-f", "a'b"], "-f: 'a'b'"),
        (["-f", "a>b"], "-f: 'a>b'"),
        (["-f", "ok,a;b"], "-f: 'ok,a;b'"),
        (["-f", "a b"], "-f: 'a b'"),
        # buildsys's argparse would read it as an option
        (["-f", "-n"], "-f: '-n'"),
        (["--features", "a;b"], "--features: 'a;b'"),
        (["--features=$(x)"], "--features: '$(x)'"),
    ],
)
def test_feature_lists_with_unsafe_characters_are_errors(cargo, words, bad):
    assert cargo.error(cargo.parse, "build", words) == "BuildOption(build): " + bad + NOT_A_LIST


@pytest.mark.parametrize("value", ["/x", ".x", "a,,b", "a,", ",a", "x//y"])
def test_feature_syntax_is_left_to_buildsys(cargo, value):
    # Only buildsys knows the crate's features: it refuses these with the
    # file and the features it has (tests/test_errors_in_rpmbuild.py and
    # the CLI tests); Lua checks only what a shell would read.
    assert cargo.parse("build", ["-f", value])["features"] == value


@pytest.mark.parametrize("section", ["conf", "build", "check"])
@pytest.mark.parametrize(
    "words",
    [
        ["-a", "-n"],
        ["-n", "-a"],
        ["-a", "-f", "x"],
        ["-f", "x", "-a"],
        ["--all-features", "--features=x"],
        ["--all-features", "--no-default-features"],
        ["-a", "-n", "-f", "x"],
    ],
)
def test_all_features_with_other_selection_is_an_error(cargo, section, words):
    expected = f"BuildOption({section}): -a cannot be combined with -n or -f"
    assert cargo.error(cargo.parse, section, words) == expected


@pytest.mark.parametrize("section", ["prep", "files", "Build", ""])
def test_unknown_section_is_an_error(cargo, section):
    expected = f"BuildOption({section}): '{section}' is not a section BuildSystem: cargo knows"
    assert cargo.error(cargo.parse, section, []) == expected


@pytest.mark.parametrize(
    "words, bad",
    [
        (["--skip", "a;b"], "a;b"),
        (["--skip", "$(x)"], "$(x)"),
        (["--skip", "%{x}"], "%{x}"),
        (["--skip", "a'b"], "a'b"),
        (["--skip", 'a"b'], 'a"b'),
        (["--skip", "a`b`"], "a`b`"),
        (["--skip", "a|b"], "a|b"),
        (["--skip", "a>b"], "a>b"),
        (["--skip", "a*"], "a*"),
        (["--", "--exact", "a&b"], "a&b"),
        (["--", "\\x"], "\\x"),
        (["--", "${x}"], "${x}"),
    ],
)
def test_harness_words_with_forbidden_characters_are_errors(cargo, words, bad):
    expected = f"BuildOption(check): test harness argument '{bad}' has characters that are not allowed"
    assert cargo.error(cargo.parse, "check", words) == expected


@pytest.mark.parametrize(
    "word",
    ["--test-threads=1", "a::b::c", "--skip", "x_y-z", "path/to/t", "a+b", "a,b", "v1.2"],
)
def test_harness_words_with_allowed_characters_parse(cargo, word):
    assert cargo.parse("check", ["--", word])["harness"] == [word]


def test_skip_without_a_name_is_an_error(cargo):
    assert cargo.error(cargo.parse, "check", ["--skip"]) == "BuildOption(check): --skip needs a test name"
    assert cargo.error(cargo.parse, "check", ["-n", "--skip"]) == "BuildOption(check): --skip needs a test name"


# --------------------------------------------------------------------------
# M.words


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("   ", []),
        ("-n -f a,b", ["-n", "-f", "a,b"]),
        ("  --skip\tx\n--  --exact ", ["--skip", "x", "--", "--exact"]),
        # quotes do not group words (rpm does not group them either)
        ("--skip 'a b'", ["--skip", "'a", "b'"]),
    ],
)
def test_words_split_on_whitespace(cargo, text, expected):
    words = cargo.M.words(text)
    assert [words[i] for i in range(1, len(words) + 1)] == expected


def test_words_of_nil_is_empty(cargo):
    assert len(cargo.M.words(None)) == 0


# --------------------------------------------------------------------------
# M.effective and M.flags


@pytest.mark.parametrize(
    "conf, section, own, expected",
    [
        # a section's own selection replaces conf's entirely
        (["-f", "a"], "build", ["-n"], {"all": False, "no_default": True, "features": None}),
        (["-n", "-f", "a"], "install", ["-f", "b"], {"all": False, "no_default": False, "features": "b"}),
        (["-a"], "build", ["-f", "b"], {"all": False, "no_default": False, "features": "b"}),
        (["-n"], "check", ["-a"], {"all": True, "no_default": False, "features": None}),
        (["-f", "x"], "generate_buildrequires", ["--features=y,z"], {"all": False, "no_default": False, "features": "y,z"}),
    ],
)
def test_section_options_override_conf_selection(cargo, conf, section, own, expected):
    got = cargo.effective(conf, section, own)
    assert {k: got[k] for k in ("all", "no_default", "features")} == expected


@pytest.mark.parametrize(
    "conf, section, own, expected",
    [
        ([], "build", [], {"all": False, "no_default": False, "features": None}),
        (["-n", "-f", "x"], "build", [], {"all": False, "no_default": True, "features": "x"}),
        (["-a"], "install", [], {"all": True, "no_default": False, "features": None}),
        # --no-check and harness words are not a selection of their own
        (["-f", "x"], "check", ["--no-check", "--skip", "t"], {"all": False, "no_default": False, "features": "x"}),
        (["-n", "--no-check"], "generate_buildrequires", [], {"all": False, "no_default": True, "features": None}),
    ],
)
def test_sections_without_selection_inherit_conf_selection(cargo, conf, section, own, expected):
    got = cargo.effective(conf, section, own)
    assert {k: got[k] for k in ("all", "no_default", "features")} == expected


@pytest.mark.parametrize(
    "conf, section, own, no_check",
    [
        ([], "check", [], False),
        (["--no-check"], "check", [], True),
        ([], "check", ["--no-check"], True),
        (["--no-check"], "check", ["--no-check"], True),
        (["--no-check"], "build", ["-n"], True),
        (["--no-check"], "generate_buildrequires", [], True),
    ],
)
def test_no_check_from_conf_or_the_section_applies(cargo, conf, section, own, no_check):
    assert cargo.effective(conf, section, own)["no_check"] is no_check


@pytest.mark.parametrize(
    "conf, own, harness",
    [
        ([], [], []),
        ([], ["--skip", "x"], ["--skip", "x"]),
        (["-n"], ["--", "--exact", "t"], ["--exact", "t"]),
    ],
)
def test_harness_comes_from_the_section(cargo, conf, own, harness):
    assert cargo.effective(conf, "check", own)["harness"] == harness


@pytest.mark.parametrize(
    "words, expected",
    [
        ([], ""),
        (["-a"], "-a"),
        (["--all-features"], "-a"),
        (["-n"], "-n"),
        (["--no-default-features"], "-n"),
        (["-f", "a,b"], "-f a,b"),
        (["--features", "a"], "-f a"),
        (["--features=serde/std"], "-f serde/std"),
        (["-n", "-f", "std"], "-n -f std"),
        # always -a, -n, -f in that order, whatever order they were written in
        (["-f", "std", "-n"], "-n -f std"),
        (["--features=x", "--no-default-features"], "-n -f x"),
    ],
)
def test_a_macro_call_renders_the_selection(cargo, words, expected):
    call = cargo.M.call("__buildsys_license", cargo.parse_raw("build", words))
    assert call == ("%__buildsys_license " + expected).rstrip()


@pytest.mark.parametrize("macro", ["__buildsys_prep", "no_such_macro"])
def test_a_macro_the_table_gives_no_selection_flags_gets_none(cargo, macro):
    assert cargo.M.call(macro, cargo.parse_raw("build", ["-n", "-f", "x"])) == "%" + macro


# --------------------------------------------------------------------------
# M.body

BUILD_PLAIN = "\n".join(
    [
        "%__buildsys_build",
        "%__buildsys_license_summary",
        "%{__buildsys_license} > LICENSE.dependencies",
        "%__buildsys_specparts",
    ]
)


@pytest.mark.parametrize(
    "conf, tests_off",
    [([], None), (["-a"], None), (["-n", "-f", "x", "--no-check"], None), ([], True)],
)
def test_conf_body_is_cargo_prep(cargo, conf, tests_off):
    assert cargo.body("conf", conf, tests_off=tests_off) == "%__buildsys_prep"


@pytest.mark.parametrize(
    "conf, own, tests_off, expected",
    [
        ([], [], None, "%__buildsys_generate_buildrequires -t"),
        ([], [], False, "%__buildsys_generate_buildrequires -t"),
        (["-a"], [], None, "%__buildsys_generate_buildrequires -a -t"),
        (["-n", "-f", "x,y"], [], None, "%__buildsys_generate_buildrequires -n -f x,y -t"),
        (["-a"], ["-n", "-f", "x"], None, "%__buildsys_generate_buildrequires -n -f x -t"),
        (["--no-check"], [], None, "%__buildsys_generate_buildrequires"),
        (["--no-check", "-n"], [], None, "%__buildsys_generate_buildrequires -n"),
        ([], [], True, "%__buildsys_generate_buildrequires"),
        ([], ["-f", "x"], True, "%__buildsys_generate_buildrequires -f x"),
    ],
)
def test_generate_buildrequires_body(cargo, conf, own, tests_off, expected):
    assert cargo.body("generate_buildrequires", conf, own, tests_off) == expected


@pytest.mark.parametrize(
    "conf, own, expected",
    [
        ([], [], BUILD_PLAIN),
        (["--no-check"], [], BUILD_PLAIN),
        (
            ["-f", "a,b"],
            [],
            "%__buildsys_build -f a,b\n"
            "%__buildsys_license_summary -f a,b\n"
            "%{__buildsys_license -f a,b} > LICENSE.dependencies\n"
            "%__buildsys_specparts -f a,b",
        ),
        (
            ["-f", "a,b"],
            ["-a"],
            "%__buildsys_build -a\n"
            "%__buildsys_license_summary -a\n"
            "%{__buildsys_license -a} > LICENSE.dependencies\n"
            "%__buildsys_specparts -a",
        ),
        (
            [],
            ["--no-default-features", "--features=std"],
            "%__buildsys_build -n -f std\n"
            "%__buildsys_license_summary -n -f std\n"
            "%{__buildsys_license -n -f std} > LICENSE.dependencies\n"
            "%__buildsys_specparts -n -f std",
        ),
    ],
)
def test_build_body_is_build_license_and_specparts(cargo, conf, own, expected):
    body = cargo.body("build", conf, own)
    assert body == expected
    assert len(body.split("\n")) == 4


def test_build_body_does_not_depend_on_tests_off(cargo):
    assert cargo.body("build", [], [], True) == BUILD_PLAIN


@pytest.mark.parametrize(
    "conf, own, expected",
    [
        ([], [], "%__buildsys_install"),
        (["-a"], [], "%__buildsys_install -a"),
        (["-a"], ["-n"], "%__buildsys_install -n"),
        (["--no-check"], ["-f", "cli"], "%__buildsys_install -f cli"),
    ],
)
def test_install_body(cargo, conf, own, expected):
    assert cargo.body("install", conf, own) == expected
    assert cargo.body("install", conf, own, True) == expected


@pytest.mark.parametrize(
    "conf, own, expected",
    [
        ([], [], "%__buildsys_test"),
        ([], ["--skip", "x"], "%__buildsys_test -- -- --skip x"),
        (["-n"], [], "%__buildsys_test -n"),
        (["-n"], ["--skip", "x"], "%__buildsys_test -n -- -- --skip x"),
        (["-n"], ["-a", "--skip", "x"], "%__buildsys_test -a -- -- --skip x"),
        ([], ["--", "--test-threads=1"], "%__buildsys_test -- -- --test-threads=1"),
        (
            ["-f", "net"],
            ["--skip", "a::b", "--skip", "c", "--", "--exact"],
            "%__buildsys_test -f net -- -- --skip a::b --skip c --exact",
        ),
        # "--" with nothing after it adds no harness separator
        ([], ["--"], "%__buildsys_test"),
    ],
)
def test_check_body_runs_cargo_test_with_harness(cargo, conf, own, expected):
    assert cargo.body("check", conf, own) == expected
    assert cargo.body("check", conf, own, False) == expected


TESTS_OFF = "echo 'buildsys: tests switched off'"


@pytest.mark.parametrize(
    "conf, own, tests_off",
    [
        (["--no-check"], [], None),
        (["--no-check"], ["--skip", "x"], None),
        (["--no-check", "-n"], ["-f", "x"], None),
        ([], ["--no-check"], None),
        ([], [], True),
        (["-a"], ["--skip", "x", "--", "--exact"], True),
    ],
)
def test_check_body_when_tests_are_off(cargo, conf, own, tests_off):
    assert cargo.body("check", conf, own, tests_off) == TESTS_OFF


@pytest.mark.parametrize(
    "conf, tests_off, gbr, check",
    [
        ([], None, "%__buildsys_generate_buildrequires -t", "%__buildsys_test"),
        (["--no-check"], None, "%__buildsys_generate_buildrequires", TESTS_OFF),
        (["-n", "--no-check"], None, "%__buildsys_generate_buildrequires -n", TESTS_OFF),
        ([], True, "%__buildsys_generate_buildrequires", TESTS_OFF),
    ],
)
def test_no_check_drops_test_buildrequires_and_tests(cargo, conf, tests_off, gbr, check):
    assert cargo.body("generate_buildrequires", conf, [], tests_off) == gbr
    assert cargo.body("check", conf, [], tests_off) == check


def test_body_of_unknown_section_is_an_error(cargo):
    conf = cargo.parse_raw("conf", [])
    own = cargo.parse_raw("build", [])
    assert cargo.error(cargo.M.body, "prep", conf, own, None) == "BuildOption(prep): no such section"


# --------------------------------------------------------------------------
# M.crate_name


@pytest.mark.parametrize(
    "name, crate",
    [
        ("rust-foo", "foo"),
        ("ripgrep", "ripgrep"),
        ("rust-rust-x", "rust-x"),
        ("rust-serde_json", "serde_json"),
        ("rust-tokio-util", "tokio-util"),
        ("rustls", "rustls"),
        ("rust_foo", "rust_foo"),
        ("foo-rust-bar", "foo-rust-bar"),
        ("Rust-foo", "Rust-foo"),
    ],
)
def test_crate_name_drops_one_rust_prefix(cargo, name, crate):
    assert cargo.M.crate_name(name) == crate


# --------------------------------------------------------------------------
# M.version_no_tilde, the inverse of buildsys.rpmdeps.semver2rpm


@pytest.mark.parametrize(
    "rpm_version, semver",
    [
        ("1.0.0", "1.0.0"),
        ("0.0.1", "0.0.1"),
        ("10.20.30", "10.20.30"),
        ("1.0.0~rc.1", "1.0.0-rc.1"),
        ("1.0.0~alpha_1.x", "1.0.0-alpha-1.x"),
        ("0.3.1~beta.2", "0.3.1-beta.2"),
        ("2.0.0~alpha", "2.0.0-alpha"),
        ("1.0.0~0.3.7", "1.0.0-0.3.7"),
        ("1.0.0~x_y_z.__", "1.0.0-x-y-z.--"),
        ("1.0.0~rc_1", "1.0.0-rc-1"),
        ("0.1.0~pre.0", "0.1.0-pre.0"),
        ("4.0.0~beta.1_2", "4.0.0-beta.1-2"),
    ],
)
def test_version_no_tilde_agrees_with_rpm2semver(cargo, rpm_version, semver):
    assert cargo.M.version_no_tilde(rpm_version) == semver
    assert str(rpm2semver(rpm_version)) == semver


SEMVERS = [
    "0.0.0",
    "0.0.4",
    "1.2.3",
    "10.20.30",
    "18446744073709551615.0.1",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0-rc-1",
    "1.0.0-0.3.7",
    "1.0.0-x.7.z.92",
    "1.0.0-x-y-z.--",
    "1.0.0--",
    "1.0.0-0A.is.legal",
    "1.2.3----RC-SNAPSHOT.12.9.1--.12",
    "1.2.3----R-S.12.9.1--.12+meta",
    "0.1.0-pre.0",
    "0.3.1-beta.2",
    "2.0.0-alpha-1.x",
    "1.1.2-prerelease+meta",
    "1.0.0-alpha+001",
    "1.0.0+20130313144700",
    "1.0.0-beta+exp.sha.5114f85",
    "1.1.7+meta-valid",
    "0.10.0-dev",
    "4.0.0-beta.1-2",
    "1.0.0-alpha0.valid",
    "1.0.0-alpha.0valid",
    "1.0.0-a.b-c.d-e-f.1.2.3",
]


@pytest.mark.parametrize("text", SEMVERS)
def test_version_no_tilde_inverts_semver2rpm(cargo, text):
    rpm_version = semver2rpm(Version.parse(text))
    without_build = text.split("+", 1)[0]  # build metadata does not survive RPM
    assert "-" not in rpm_version
    assert cargo.M.version_no_tilde(rpm_version) == str(rpm2semver(rpm_version))
    assert cargo.M.version_no_tilde(rpm_version) == without_build


# --------------------------------------------------------------------------
# The compat mode: %cargo_compat's options and sections (M.compat and
# M.buildsystem_gate need rpm; the rpmbuild tests run them on RPM 4.16 and
# 4.20).


def compat_options(cargo, words):
    parsed = cargo.M.compat_options(cargo.table(words))
    return {section: to_python(parsed[section]) for section in cargo.M.SECTIONS.keys()}


def only(**sections):
    out = {s: options(selects=False) for s in ("conf", "generate_buildrequires", "build", "install", "check")}
    out.update(sections)
    return out


@pytest.mark.parametrize(
    "words, expected",
    [
        ([], only()),
        (["-f", "color"], only(conf=options(features="color"))),
        (["check:", "--skip", "slow"], only(check=options(harness=["--skip", "slow"]))),
        (["-n", "build:", "-a", "check:", "--no-check"],
         only(conf=options(no_default=True), build=options(all=True), check=options(no_check=True))),
        # a section named twice gathers both runs of words
        (["check:", "--skip", "a", "conf:", "--no-check", "check:", "--skip", "b"],
         only(conf=options(no_check=True), check=options(harness=["--skip", "a", "--skip", "b"]))),
    ],
)
def test_compat_options_split_by_section_words(cargo, words, expected):
    assert compat_options(cargo, words) == expected


@pytest.mark.parametrize(
    "once, words, expected",
    [
        # %global cargo_options alone: what a spec from buildsys new has
        (["-f", "color", "check:", "--skip", "slow"], [],
         only(conf=options(features="color"), check=options(harness=["--skip", "slow"]))),
        # %cargo_compat's own words come after, section by section: a "check:"
        # in cargo_options does not capture %cargo_compat's conf words
        (["check:", "--skip", "a"], ["--no-check", "check:", "--skip", "b"],
         only(conf=options(no_check=True), check=options(harness=["--skip", "a", "--skip", "b"]))),
        ([], ["-n"], only(conf=options(no_default=True))),
    ],
)
def test_options_written_once_come_before_the_compat_words(cargo, once, words, expected):
    parsed = cargo.M.compat_options(cargo.table(words), cargo.M.by_section(cargo.table(once)))
    assert {section: to_python(parsed[section]) for section in cargo.M.SECTIONS.keys()} == expected


def test_a_typo_in_the_options_written_once_is_an_error(cargo):
    once = cargo.M.by_section(cargo.table(["--no-chek"]))
    assert (cargo.error(cargo.M.compat_options, cargo.table([]), once)
            == "BuildOption(conf): unknown option '--no-chek' (see docs/buildoptions.md)")


@pytest.mark.parametrize(
    "words, message",
    [
        (["bogus:", "-a"], "BuildOption(bogus): 'bogus' is not a section BuildSystem: cargo knows"),
        (["build:", "--skip", "x"], "BuildOption(build): unknown option '--skip' (see docs/buildoptions.md)"),
    ],
)
def test_compat_options_reject_what_buildoption_rejects(cargo, words, message):
    assert cargo.error(cargo.M.compat_options, cargo.table(words)) == message


def test_compat_text_has_explicit_sections_with_buildsystem_bodies(cargo):
    opts = cargo.M.compat_options(cargo.table(["-f", "color", "check:", "--skip", "slow"]))
    text = cargo.M.compat_text(opts, False, True)
    assert text.split("\n") == [
        "%prep",
        "%autosetup -n %{cargo_source_dir} -p1",
        "%{?cargo_prep_pre}",
        "%__buildsys_prep",
        "%{?cargo_prep_post}",
        "%generate_buildrequires",
        "%{?cargo_generate_buildrequires_pre}",
        "%__buildsys_generate_buildrequires -f color -t",
        "%{?cargo_generate_buildrequires_post}",
        "%build",
        "%{?cargo_build_pre}",
        "%__buildsys_build -f color",
        "%__buildsys_license_summary -f color",
        "%{__buildsys_license -f color} > LICENSE.dependencies",
        "%__buildsys_sections_check -f color",
        "%{?cargo_build_post}",
        "%install",
        "%{?cargo_install_pre}",
        "%__buildsys_install -f color",
        "%{?cargo_install_post}",
        "%check",
        "%{?cargo_check_pre}",
        "%__buildsys_test -f color -- -- --skip slow",
        "%{?cargo_check_post}",
    ]


@pytest.mark.parametrize(
    "section, conf, tests_off, hooks",
    [
        ("conf", [], None, "prep"),
        ("generate_buildrequires", [], None, "generate_buildrequires"),
        ("build", ["-f", "x"], None, "build"),
        ("install", [], None, "install"),
        ("check", [], None, "check"),
        # tests switched off: so are the packager's commands around them
        ("check", ["--no-check"], None, None),
        ("check", [], True, None),
    ],
)
def test_each_section_runs_the_packagers_hooks_around_its_commands(cargo, section, conf, tests_off, hooks):
    generated = cargo.body(section, conf, tests_off=tests_off)
    body = cargo.body(section, conf, tests_off=tests_off, hooks=True)
    if hooks is None:
        assert body == generated
    else:
        assert body == f"%{{?cargo_{hooks}_pre}}\n{generated}\n%{{?cargo_{hooks}_post}}"


@pytest.mark.parametrize(
    "words, expected",
    [
        ([], []),
        (["-f", "color,std"], ["-f", "color,std"]),
        (["--workspace", "-n"], ["--workspace", "-n"]),
        # the build section's own selection wins over conf's, as in %build
        (["-f", "color", "build:", "-a"], ["-a"]),
        # another section's selection is not the build's
        (["check:", "-a"], []),
    ],
)
def test_parse_time_sections_get_the_build_sections_selection(cargo, words, expected):
    opts = cargo.M.compat_options(cargo.table(words))
    got = cargo.M.parse_time_words(cargo.M.effective(opts.conf, opts.build), cargo.table([]))
    assert [got[i] for i in range(1, len(got) + 1)] == expected


def test_compat_text_in_specparts_mode_writes_specparts(cargo):
    text = cargo.M.compat_text(cargo.M.compat_options(cargo.table([])), False, False)
    assert "%__buildsys_specparts" in text.split("\n") and "%__buildsys_sections_check" not in text


# --------------------------------------------------------------------------
# --workspace: a conf option that reaches cargo's --workspace in each section


@pytest.mark.parametrize(
    "section, own, expected",
    [
        ("conf", [], "%__buildsys_prep -w"),
        ("generate_buildrequires", [], "%__buildsys_generate_buildrequires -w -t"),
        ("generate_buildrequires", ["-a"], "%__buildsys_generate_buildrequires -w -a -t"),
        ("install", [], "%__buildsys_install"),
        ("check", [], "%__buildsys_test -w"),
        ("check", ["-n", "--skip", "slow"], "%__buildsys_test -w -n -- -- --skip slow"),
    ],
)
def test_workspace_option_reaches_every_section(cargo, section, own, expected):
    assert cargo.body(section, ["--workspace"], own) == expected


def test_workspace_build_builds_every_member(cargo):
    assert cargo.body("build", ["--workspace", "-a"], []).split("\n")[0] == "%__buildsys_build -w -a"


@pytest.mark.parametrize("section", ["generate_buildrequires", "build", "install", "check"])
def test_workspace_is_unknown_outside_conf(cargo, section):
    expected = f"BuildOption({section}): unknown option '--workspace' (see docs/buildoptions.md)"
    assert cargo.error(cargo.parse, section, ["--workspace"]) == expected


def test_workspace_in_compat_mode_unpacks_the_source_dir_and_asks_for_workspace_sections(cargo):
    text = cargo.M.compat_text(cargo.M.compat_options(cargo.table(["--workspace"])), False, True)
    assert text.split("\n")[:5] == ["%prep", "%autosetup -n %{cargo_source_dir} -p1", "%{?cargo_prep_pre}",
                                    "%__buildsys_prep -w", "%{?cargo_prep_post}"]


def test_workspace_with_vendor_is_refused(cargo):
    expected = "BuildOption(conf): --workspace cannot be combined with --vendor (docs/workspaces.md)"
    assert cargo.error(cargo.parse, "conf", ["--workspace", "--vendor", "1"]) == expected


@pytest.mark.parametrize("conf, section, own", [(["--workspace", "-f", "x"], "build", []),
                                                (["--workspace"], "check", ["-f", "x"])])
def test_feature_lists_are_refused_with_workspace(cargo, conf, section, own):
    expected = f"BuildOption({section}): -f cannot be combined with --workspace; use -a or -n (docs/workspaces.md)"
    assert cargo.error(cargo.body, section, conf, own) == expected


@pytest.mark.parametrize("words", [["--vendor"], ["--vendor", "x"], ["--vendor", "1a"], ["--vendor", ""]])
def test_vendor_needs_a_source_number(cargo, words):
    expected = "BuildOption(conf): --vendor needs the number of the Source that holds the vendor tarball"
    assert cargo.error(cargo.parse, "conf", words) == expected


# --------------------------------------------------------------------------
# the packager's fixes: --requires, --feature-requires, --buildrequires,
# --hide-feature (conf, recorded by %__buildsys_prep)

FIXES = ["--requires", "pkgconfig(zlib)>=1.2.11", "--requires", "zlib-devel", "--feature-requires",
         "static:zlib-static", "--buildrequires", "pkgconfig(zlib)", "--hide-feature", "nightly,simd"]


def test_fixes_reach_cargo_prep_as_one_comma_joined_word_each(cargo):
    body = cargo.body("conf", FIXES)
    assert body == ("%__buildsys_prep -r pkgconfig(zlib)>=1.2.11,zlib-devel -R static:zlib-static "
                    "-b pkgconfig(zlib) -H nightly,simd")


def test_extra_buildrequires_reach_generate_buildrequires(cargo):
    assert cargo.body("generate_buildrequires", FIXES) == "%__buildsys_generate_buildrequires -t -b pkgconfig(zlib)"


def test_fixes_reach_the_parse_time_sections(cargo):
    opts = cargo.M.compat_options(cargo.table(FIXES))
    got = cargo.M.parse_time_words(cargo.M.effective(opts.conf, opts.build), cargo.table([]))
    assert [got[i] for i in range(1, len(got) + 1)] == [
        "--requires", "pkgconfig(zlib)>=1.2.11,zlib-devel", "--feature-requires", "static:zlib-static",
        "--hide-feature", "nightly,simd"]


@pytest.mark.parametrize(
    "words, message",
    [
        (["--requires", "a,b"], "BuildOption(conf): --requires: 'a,b' is not one RPM capability"),
        (["--requires", "%{pwn}"], "BuildOption(conf): --requires: '%{pwn}' is not one RPM capability"),
        (["--requires", "-x"], "BuildOption(conf): --requires: '-x' is not one RPM capability"),
        (["--requires"], "BuildOption(conf): --requires needs an RPM capability"),
        (["--feature-requires", "zlib"], "BuildOption(conf): --feature-requires needs FEATURE:CAPABILITY, not 'zlib'"),
        (["--feature-requires", "zlib:$(x)"], "BuildOption(conf): --feature-requires: '$(x)' is not one RPM capability"),
        (["--hide-feature", "a;b"], "BuildOption(conf): --hide-feature: 'a;b' is not a list of feature names"),
    ],
)
def test_fixes_refuse_what_a_shell_or_rpm_would_read(cargo, words, message):
    assert cargo.error(cargo.parse, "conf", words).startswith(message)


def test_fixes_are_conf_options_only(cargo):
    assert cargo.error(cargo.parse, "build", ["--requires", "x"]) == (
        "BuildOption(build): unknown option '--requires' (see docs/buildoptions.md)")
