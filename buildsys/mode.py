"""Which way the subpackages are made, decided from the running RPM.

- ``buildsystem``: ``BuildSystem: cargo`` with specparts (RPM 4.20 and newer);
- ``specparts``: explicit sections, subpackages written as specparts during
  %build (RPM 4.19, EPEL 10);
- ``static``: explicit sections, subpackages expanded into the spec at parse
  time from the crate archive (RPM 4.16, EPEL 9; works on every RPM).

This module is the one place that compares RPM versions for that choice.
"""

from __future__ import annotations

from buildsys.errors import BuildsysError

TYPE_CHECKING = False  # %cargo_buildsystem asks at every parse: no typing
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

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
    import subprocess

    try:
        out = subprocess.run(["rpm", "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BuildsysError(f"cannot tell which RPM this is (rpm --version: {exc})") from None
    return out.split()[-1]


def _parse(rpm_version: str) -> Tuple[int, ...]:
    """RPM's own versions are dotted numbers (4.19.1.1, 4.19.90 for 4.20's
    alphas, 6.0.1), and compare number by number as rpm compares them. A
    suffix after the numbers (4.20.0~rc1, 4.18.0-3) does not move a version
    across the thresholds above."""
    numbers = []
    for part in rpm_version.split("."):
        digits = len(part) - len(part.lstrip("0123456789"))
        if digits == 0:
            break
        numbers.append(int(part[:digits]))
        if digits < len(part):
            break
    if not numbers:
        raise BuildsysError(f"cannot read RPM version {rpm_version!r}")
    return tuple(numbers)


def supports(mode: str, rpm_version: str) -> bool:
    return _parse(rpm_version) >= _parse(MINIMUM_RPM[mode])


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
