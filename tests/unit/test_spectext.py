"""buildsys.spectext: crate text made safe for spec files (every '%' doubled,
no line that starts with '%' or '#'), with expectations written by hand."""

import pytest

from buildsys.errors import BuildsysError
from buildsys.spectext import escape, paragraph_lines


@pytest.mark.parametrize(
    "text, expected",
    [
        ("100%", "100%%"),
        ("%(touch x)", "%%(touch x)"),
        ("%{lua: os.exit()}", "%%{lua: os.exit()}"),
        ("%%", "%%%%"),
        ("plain", "plain"),
    ],
)
def test_every_percent_is_doubled(text, expected):
    assert escape(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("one\ntwo", ["one two"]),
        # RPM reads %if/%else/%endif/%include at the start of an expanded
        # line even after spaces: a % word never starts a line
        ("a\n\n%files\n\n%package -n x", ["a %%files %%package -n x"]),
        ("a\n\nb\n\n%if 0", ["a", "", "b %%if 0"]),
        ("x" * 70 + " %endif y", ["x" * 70 + " %%endif", "y"]),
        ("x" * 70 + " %include /etc/passwd", ["x" * 70 + " %%include", "/etc/passwd"]),
        ("word " * 20, ["word " * 13 + "word", "word " * 5 + "word"]),
        ("", []),
        (None, []),
        ("x \\", ["x \\"]),
        # RPM drops a %description line that starts with '#' (a comment), blanks or not
        ("a\n\n# Heading\n\nb", ["a # Heading", "", "b"]),
        ("x" * 70 + " #tag y", ["x" * 70 + " #tag", "y"]),
    ],
)
def test_description_lines_never_start_with_a_percent_or_hash(text, expected):
    assert paragraph_lines(text) == expected


@pytest.mark.parametrize("text, message", [
    ("%if 0", "begins with '%', which RPM would read as a spec directive"),
    ("  %prep", "begins with '%', which RPM would read as a spec directive"),
    ("\n\n%include x", "begins with '%', which RPM would read as a spec directive"),
    # without a crate name to begin the line with
    ("# Title", "begins with '#', which RPM would read as a comment"),
    ("  #", "begins with '#', which RPM would read as a comment"),
])
def test_description_that_starts_with_a_percent_or_hash_is_an_error(text, message):
    with pytest.raises(BuildsysError) as exc:
        paragraph_lines(text)
    assert exc.value.message == "the description " + message


@pytest.mark.parametrize("text, expected", [
    # Debian's asn1_derive 0.20.0 says "#[derive] support for asn1"
    ("#[derive] support for asn1", ["asn1_derive: #[derive] support for asn1"]),
    ("  #x\n\n#y z", ["asn1_derive: #x #y z"]),
    ("plain #x", ["plain #x"]),
])
def test_description_that_starts_with_a_hash_begins_after_the_crate_name(text, expected):
    assert paragraph_lines(text, "asn1_derive") == expected


def test_description_that_starts_with_a_percent_fails_even_with_the_crate_name():
    with pytest.raises(BuildsysError, match="begins with '%'"):
        paragraph_lines("%if 0", "x")
