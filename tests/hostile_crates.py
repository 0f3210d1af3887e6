"""Crates written by an attacker, for tests/test_hostile.py.

Every text a crate controls that can reach spec text carries macros
(``%(...)``, ``%{lua:...}``, ``%{?...}``, ``%define``, ``%global``,
``%{expand:...}``), section keywords after newlines (``%package``,
``%files``, ``%post``, ``%changelog``...), very long lines, NUL and other
control bytes, and non-UTF-8 bytes. Each macro that could run would create a
file named ``CANARY*`` in the build root's /tmp.

A crate either builds, with each attack shown literally in the package
description, or fails with one clear line: which is right for each is
documented in docs/security.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Tuple

from buildsys.tomlwrite import basic_string

CANARY = "/tmp/buildsys-canary"

MACROS = (
    f"%(touch {CANARY}-shell)",
    f"%(sh -c 'touch {CANARY}-sh')",
    f'%{{lua: io.open("{CANARY}-lua", "w"):close()}}',
    f'%{{lua:os.execute("touch {CANARY}-luaos")}}',
    f"%{{?_topdir:%(touch {CANARY}-cond)}}",
    f"%{{!?nothing_here:%(touch {CANARY}-notcond)}}",
    f"%{{expand:%%(touch {CANARY}-expand)}}",
    f"%define pwned %(touch {CANARY}-define)",
    f"%global pwned2 %(touch {CANARY}-global)",
    f"%{{load:{CANARY}-load}}",
    "%{pwned} %pwned2 %{_bindir} %name %{version} 100% %% %%%",
    f"%[ %(touch {CANARY}-expr) ]",
    f"%{{shrink:%(touch {CANARY}-shrink)}}",
)

SECTIONS = (
    "\n%package -n evil\nSummary: evil\n%description -n evil\nevil\n%files -n evil\n/etc/passwd\n",
    f"\n%post\ntouch {CANARY}-post\n",
    f"\n%pretrans -p <lua>\nio.open('{CANARY}-pretrans', 'w')\n",
    "\n%files\n/etc/shadow\n",
    "\n%changelog\n* Mon Jan 01 2024 Evil <evil@example.com> - 6.6.6\n- evil\n",
    f"\n%prep\ntouch {CANARY}-prep\n",
    f"\n%build\ntouch {CANARY}-build\n",
    f"\n%install\ntouch {CANARY}-install\n",
    "\n%description -n rust-evil-devel\nevil\n",
    f"\\\n%post\ntouch {CANARY}-continued\n",
    "\nProvides: crate(serde) = 99.0.0\nRequires: evil\nBuildArch: x86_64\n",
    "\n%if 0\n%endif\n%else\n%endif\n",
    "\n%include /etc/passwd\n",
    # RPM drops a %description line starting with '#' as a comment
    "\n# a line RPM would drop\n  #another\n",
)


@dataclass(frozen=True)
class Hostile:
    """A crate: its Cargo.toml text and its other files (bytes names allowed).
    ``shown`` are texts that must reach the -devel package's description
    (compared with whitespace collapsed); ``error`` is the message of a
    crate that must fail instead."""

    name: str
    description: str
    extra_toml: str = ""
    features_toml: str = 'default = ["std"]\nstd = []\n'
    files: Dict[bytes, bytes] = field(default_factory=dict)
    links: Dict[str, str] = field(default_factory=dict)  # name -> target, never followed
    # what Cargo.toml claims, where it is not what the spec and archive say
    toml_name: str = ""
    toml_version: str = ""
    shown: Tuple[str, ...] = ()
    error: str = ""

    @property
    def version(self) -> str:
        return "1.0.0"

    def cargo_toml(self) -> str:
        return (
            "[package]\n"
            f'name = "{self.toml_name or self.name}"\nversion = "{self.toml_version or self.version}"\nedition = "2021"\n'
            f"description = {basic_string(self.description)}\n"
            # no "/" here: cargo's old "MIT/Apache-2.0" form would read as OR
            f"license = {basic_string('MIT AND %(touch buildsys-canary-license)')}\n"
            f"homepage = {basic_string('https://example.com/%{lua:os.exit(1)}')}\n"
            f"authors = [{basic_string('%(touch ' + CANARY + '-author) <a@b>')}]\n"
            f"keywords = [{basic_string('%{lua:x}')}]\n"
            + self.extra_toml
            + "\n[features]\n" + self.features_toml
        )

    def write(self, dest: Path) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "Cargo.toml").write_text(self.cargo_toml(), encoding="utf-8")
        (dest / "src").mkdir(exist_ok=True)
        (dest / "src" / "lib.rs").write_text("pub fn answer() -> u32 { 42 }\n")
        for rel, data in self.files.items():
            path = dest / os.fsdecode(rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for name, target in self.links.items():
            (dest / name).symlink_to(target)
        return dest

    @property
    def packages(self) -> Tuple[str, ...]:
        """Derived by hand: the crate, and its features default and std."""
        return (f"rust-{self.name}+default-devel", f"rust-{self.name}+std-devel", f"rust-{self.name}-devel")


# cargo hands the description to rustc in an environment variable, which
# Linux caps at 128 KiB: longer ones fail in cargo itself, whatever RPM does.
LONG_WORD = "A" * 60_000
BUILT = (
    Hostile(
        "macros",
        "Macros everywhere: " + " ".join(MACROS),
        shown=MACROS,
    ),
    Hostile(
        "sections",
        # a leading '#' (real: Debian's asn1_derive) is shown after the crate's name
        "#[derive] Sections after newlines:" + "".join(SECTIONS),
        shown=("sections: #[derive] Sections after newlines:",) + SECTIONS,
    ),
    Hostile(
        "odd-text",
        "Unicode 💥 ‮RTL‬ ｐａｃｋａｇｅ %ｆｉｌｅｓ \u2028%files\u2029%post and a long word: " + LONG_WORD + " and "
        + " ".join(["%(touch " + CANARY + "-many)"] * 1000),
        files={
            b"README.md": b"%(touch " + CANARY.encode() + b"-readme)\n%post\n\xff\xfe not UTF-8 \x00 NUL\n",
            b"LICENSE-%{lua:os.execute('touch buildsys-canary-filename')}": b"MIT\n",
            b"COPYING": b"%(touch " + CANARY.encode() + b"-copying)\n",
            b"docs/%(touch buildsys-canary-dir)/x.md": b"x\n",
        },
        links={"shadow": "/etc/shadow", "up": "../../../..", "inside": "src/lib.rs"},
        shown=("💥", "‮RTL‬", "ｐａｃｋａｇｅ %ｆｉｌｅｓ", LONG_WORD, "%(touch " + CANARY + "-many)"),
    ),
    # A crate's own #![deny(...)] must not fail a distribution's build when
    # a newer rustc warns about more (zerocopy 0.7.34 under rustc 1.85, in
    # make farm): the build caps lints at warnings, as Fedora's flags do.
    Hostile(
        "strict-lints",
        "Denies every warning of its own code",
        files={b"src/lib.rs": b"#![deny(warnings)]\npub fn answer() -> u32 {\n    let unused = 1;\n    42\n}\n"},
    ),
)

SERDE = '\n[dependencies]\nserde = { version = "1", optional = true }\n'
REJECTED = (
    Hostile("nul", "NUL \x00 %(touch " + CANARY + "-nul) inside",
            error="package.description contains the control character U+0000"),
    Hostile("escape", "ANSI \x1b[31m red", error="package.description contains the control character U+001B"),
    Hostile("dep-features", "x",
            extra_toml='\n[dependencies]\nserde = { version = "1", features = ["std\\n%post\\ntouch ' + CANARY + '"] }\n',
            error="dependency 'serde': invalid feature name 'std\\n%post\\ntouch " + CANARY + "'"),
    Hostile("weak-feature", "x", extra_toml=SERDE,
            features_toml='default = ["serde?/%(touch ' + CANARY + '-weak) x"]\n',
            error="invalid feature name '%(touch " + CANARY + "-weak) x'"),
    Hostile("lookalike", "x", features_toml='default = ["\u0455td"]\n"\u0455td" = []\n',
            error="invalid feature name '\u0455td'"),
    Hostile("traversal", "x", features_toml='default = []\n"../../../etc/evil" = []\n',
            error="invalid feature name '../../../etc/evil'"),
    Hostile("binary", "x", extra_toml='\n[[bin]]\nname = "../../usr/bin/evil"\npath = "src/lib.rs"\n',
            error="invalid binary name '../../usr/bin/evil'"),
    Hostile("newline-name", "x", files={b"x\n..": b"a newline, then a parent directory\n"},
            error="the crate has a file named 'x\\n..': RPM cannot package a name with control characters"),
    Hostile("latin1-name", "x", files={b"NOTICE \xe9t\xe9": b"a name that is not UTF-8\n"},
            error="the crate has a file named 'NOTICE \\xe9t\\xe9', which is not UTF-8"),
    # an archive whose Cargo.toml is another crate, or another version, than
    # the spec packages: its Provides would claim to be what it is not
    Hostile("impostor", "x", toml_name="serde",
            error="this is crate 'serde' version 1.0.0, and the spec builds 'impostor' version 1.0.0"),
    Hostile("wrong-version", "x", toml_version="9.9.9",
            error="this is crate 'wrong-version' version 9.9.9, and the spec builds 'wrong-version' version 1.0.0"),
    Hostile("renamed", "x", extra_toml='\n[dependencies]\nevil = { package = "serde; touch ' + CANARY + '", version = "1" }\n',
            error="dependency 'evil': invalid crate name 'serde; touch " + CANARY + "'"),
)
