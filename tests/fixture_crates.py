"""The fixture crates and their specs, as (name, version, source dir, spec)."""

from pathlib import Path

from rpmroot import REPO

FIXTURES = Path(__file__).parent / "fixtures"
SPECS = FIXTURES / "specs"

# name, version, source dir, spec
LEAF = ("leaf", "1.2.0", FIXTURES / "leaf", SPECS / "rust-leaf.spec")
MID = ("mid", "0.4.0", FIXTURES / "mid", SPECS / "rust-mid.spec")
APP = ("app", "2.0.0", FIXTURES / "app", SPECS / "app.spec")
EXAMPLE = ("hello-features", "0.3.1-beta.2", REPO / "examples" / "hello-features", REPO / "examples" / "rust-hello-features.spec")
