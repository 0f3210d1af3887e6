"""Which way the subpackages are made, decided from the running RPM.

- ``buildsystem``: ``BuildSystem: cargo`` with specparts (RPM 4.20 and newer);
- ``specparts``: explicit sections, subpackages written as specparts during
  %build (RPM 4.19, EPEL 10);
- ``static``: explicit sections, subpackages expanded into the spec at parse
  time from the crate archive (RPM 4.16, EPEL 9; works on every RPM).

This module is the one place that compares RPM versions for that choice.
"""

from __future__ import annotations

import subprocess
from typing import Dict, Optional

from packaging.version import InvalidVersion, Version

from buildsys.errors import BuildsysError

# The first RPM each mode works on. 4.19.90 and 4.18.90 are the alphas of
# 4.20 and 4.19, where BuildSystem and specparts first appeared.
MINIMUM_RPM: Dict[str, str] = {
    "buildsystem": "4.19.90",
    "specparts": "4.18.90",
    "static": "4.16",
}
# Best first: what an RPM gets when nobody forces a mode.
PREFERENCE = ("buildsystem", "specparts", "static")


def installed_rpm_version() -> str:
    """The RPM on this machine: its Python bindings, else ``rpm --version``."""
    try:
        import rpm  # type: ignore[import-not-found]

        return str(rpm.__version__)
    except ImportError:
        pass
    try:
        out = subprocess.run(["rpm", "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BuildsysError(f"cannot tell which RPM this is (rpm --version: {exc})") from None
    return out.split()[-1]


def _parse(rpm_version: str) -> Version:
    try:
        return Version(rpm_version)
    except InvalidVersion:
        raise BuildsysError(f"cannot read RPM version {rpm_version!r}") from None


def supports(mode: str, rpm_version: str) -> bool:
    return _parse(rpm_version) >= Version(MINIMUM_RPM[mode])


def select(rpm_version: str, forced: Optional[str] = None) -> str:
    """The best mode this RPM supports, or the forced one if it can do it."""
    if forced:
        if forced not in MINIMUM_RPM:
            raise BuildsysError(f"unknown mode {forced!r} (buildsys_mode): use one of {', '.join(PREFERENCE)}")
        if not supports(forced, rpm_version):
            raise BuildsysError(
                f"mode {forced!r} needs RPM {MINIMUM_RPM[forced]} or newer, and this is RPM {rpm_version}: "
                "it would lose the feature subpackages; use the static mode (compat/epel9)"
            )
        return forced
    for mode in PREFERENCE:
        if supports(mode, rpm_version):
            return mode
    raise BuildsysError(f"RPM {rpm_version} is too old: buildsys needs RPM {MINIMUM_RPM['static']} or newer")
