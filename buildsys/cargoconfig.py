"""The cargo configuration %cargo_prep writes: offline builds from a
directory source (the RPM registry, or an application's vendored crates)
and the ``rpm`` build profile. It is the only one in the crate's
``.cargo/``: a crate may ship its own (cargo prefers the legacy
``.cargo/config`` over ``config.toml``, and it may point cargo at
crates.io or a vendor directory), and that one is set aside."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

# cargo's names for the configuration in a directory's .cargo/
CONFIG_NAMES = ("config", "config.toml")
_HEADER = "# Written by buildsys (%cargo_prep)"
_TEMPLATE = _HEADER + """: offline builds from {what}.
[source.crates-io]
replace-with = "{source}"

[source.{source}]
directory = "{directory}"

[net]
offline = true

[term]
verbose = true

[profile.rpm]
inherits = "release"
opt-level = 3
codegen-units = 1
debug = 2
strip = "none"
"""


def write(srcdir: Path, registry: str, vendored: Optional[str], aside: Path) -> List[str]:
    """``vendored``: the directory of the vendored crates, relative to
    ``srcdir``; else cargo reads ``registry``. The crate's own configuration
    files go to ``aside``; returns their names."""
    if vendored is not None:
        config = _TEMPLATE.format(what="the vendored crates", source="vendored-sources", directory=vendored)
    else:
        config = _TEMPLATE.format(what="the RPM registry", source="rpm-registry", directory=registry)
    cargo_dir = srcdir / ".cargo"
    moved = []
    if cargo_dir.is_symlink() or (cargo_dir.exists() and not cargo_dir.is_dir()):
        # what would be written through a link could land outside the build
        aside.mkdir(parents=True, exist_ok=True)
        cargo_dir.replace(aside / "dot-cargo")
        moved.append("")
    for name in CONFIG_NAMES:
        found = cargo_dir / name
        if (found.is_file() or found.is_symlink()) and not _ours(found):
            aside.mkdir(parents=True, exist_ok=True)
            found.replace(aside / name)
            moved.append(name)
    cargo_dir.mkdir(exist_ok=True)
    (cargo_dir / "config.toml").write_text(config, encoding="utf-8")
    return moved


def _ours(path: Path) -> bool:
    """Written by an earlier %cargo_prep here (a -br round runs it again)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.readline().startswith(_HEADER)
    except OSError:
        return False
