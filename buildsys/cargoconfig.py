"""The cargo configuration %cargo_prep writes: offline builds from a
directory source (the RPM registry, or an application's vendored crates)
and the ``rpm`` build profile."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

_TEMPLATE = """\
# Written by buildsys (%cargo_prep): offline builds from {what}.
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


def write(srcdir: Path, registry: str, vendored: Optional[str]) -> None:
    """``vendored``: the directory of the vendored crates, relative to
    ``srcdir``; else cargo reads ``registry``."""
    if vendored is not None:
        config = _TEMPLATE.format(what="the vendored crates", source="vendored-sources", directory=vendored)
    else:
        config = _TEMPLATE.format(what="the RPM registry", source="rpm-registry", directory=registry)
    (srcdir / ".cargo").mkdir(exist_ok=True)
    (srcdir / ".cargo" / "config.toml").write_text(config, encoding="utf-8")
