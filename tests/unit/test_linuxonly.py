"""buildsys.linuxonly: the dependency tables of other operating systems taken
out of a manifest's text, and nothing else."""

import pytest

from buildsys.errors import BuildsysError
from buildsys.manifest import tomllib
from buildsys.prepare import without_foreign_targets


WINDOWS_NORMALIZED = """\
[package]
name = "x"
version = "1.0.0"

[dependencies.libc]
version = "0.2"

[target."cfg(windows)".dependencies.winapi]
version = "0.3"
features = [
    "winbase",
]

[target.'cfg(unix)'.dependencies.nix]
version = "0.29"

[target.wasm32-unknown-unknown.dependencies]
js-sys = "0.3"
"""

WINDOWS_REMOVED = """\
[package]
name = "x"
version = "1.0.0"

[dependencies.libc]
version = "0.2"

[target.'cfg(unix)'.dependencies.nix]
version = "0.29"

"""


def test_foreign_target_tables_are_removed_and_nothing_else():
    text, removed = without_foreign_targets(WINDOWS_NORMALIZED, tomllib.loads(WINDOWS_NORMALIZED), "Cargo.toml")
    assert removed == ["cfg(windows)", "wasm32-unknown-unknown"]
    assert text == WINDOWS_REMOVED


@pytest.mark.parametrize(
    "header",
    [
        '[target."cfg(windows\\u0029".dependencies]',
        # as 37 crates of Debian trixie write it (web-sys, errno, hostname...)
        '[target."cfg(target_os = \\"windows\\")".dependencies.winapi]',
    ],
)
def test_escapes_in_a_quoted_target_header_are_read(header):
    text = f'[package]\nname = "x"\nversion = "1.0.0"\n{header}\nversion = "0.3"\n[dependencies]\nlog = "0.4"\n'
    result, removed = without_foreign_targets(text, tomllib.loads(text), "Cargo.toml")
    assert len(removed) == 1 and result == '[package]\nname = "x"\nversion = "1.0.0"\n[dependencies]\nlog = "0.4"\n'


def test_manifest_without_foreign_targets_is_left_byte_identical():
    text = '[package]\nname = "x"\nversion = "1.0.0"\n# comment\n'
    assert without_foreign_targets(text, tomllib.loads(text), "C") == (text, [])


@pytest.mark.parametrize(
    "text",
    [
        # a dotted key under [target]: not a table of its own, cannot be cut out by lines
        '[package]\nname = "x"\nversion = "1.0.0"\n[target]\n\'cfg(windows)\'.dependencies.winapi = "0.3"\n',
    ],
    ids=["dotted-key"],
)
def test_a_layout_that_cannot_be_edited_safely_is_an_error(text):
    with pytest.raises(BuildsysError, match="patch them out in %prep"):
        without_foreign_targets(text, tomllib.loads(text), "Cargo.toml")


WASM = "target.'cfg(target_arch = \"wasm32\")'"
FEATURES = """\
[package]
name = "x"
version = "1.0.0"

[dependencies.log]
version = "0.4"
optional = true

[features]
default = ["std"]
std = []
# as chrono 0.4.39 writes it: a feature of wasm32's dependencies
wasmbind = [
    "wasm-bindgen",
    "js-sys",
]
mixed = ["std", "log", "wasm-bindgen/serde", "js-sys?/x", "dep:wasm-bindgen"]
"""


CASES = [
    # only the wasm32 table names them: the references go, the features stay
    (f'\n[{WASM}.dependencies]\nwasm-bindgen = {{ version = "0.2", optional = true }}\n'
     'js-sys = { version = "0.3", optional = true }\n',
     {"default": ["std"], "std": [], "wasmbind": [], "mixed": ["std", "log"]}),
    # js-sys is also a Linux dependency: only wasm-bindgen's references go
    (f'\n[{WASM}.dependencies]\nwasm-bindgen = {{ version = "0.2", optional = true }}\n'
     '\n[target."cfg(unix)".dependencies]\njs-sys = { version = "0.3", optional = true }\n',
     {"default": ["std"], "std": [], "wasmbind": ["js-sys"], "mixed": ["std", "log", "js-sys?/x"]}),
]


@pytest.mark.parametrize("extra, features", CASES)
def test_features_lose_only_their_references_to_dependencies_of_other_systems(extra, features):
    text = FEATURES + extra
    result, removed = without_foreign_targets(text, tomllib.loads(text), "Cargo.toml")
    assert removed == ['cfg(target_arch = "wasm32")']
    assert tomllib.loads(result)["features"] == features
    # the comment and the other features' lines are as they were
    assert "# as chrono 0.4.39 writes it" in result and 'default = ["std"]\n' in result
