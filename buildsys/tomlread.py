"""TOML files read once, with one kind of error for every problem."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, Tuple

from buildsys.errors import BuildsysError

if sys.version_info >= (3, 11):
    import tomllib
else:  # EL9 and Debian bullseye ship Python 3.9
    import tomli as tomllib

__all__ = ["tomllib", "read_toml"]


def read_toml(file: Path) -> Tuple[str, Dict[str, Any]]:
    """The text of a TOML file and what it parses to; any problem is a
    :class:`BuildsysError` naming the file."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise BuildsysError(f"cannot read: {exc.strerror or exc}", str(file)) from None
    try:
        text = raw.decode("utf-8")
        return text, tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise BuildsysError(f"not valid UTF-8 at byte {exc.start}", str(file)) from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildsysError(f"invalid TOML: {exc}", str(file)) from None
