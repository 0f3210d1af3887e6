"""Fedora's names for a crate's packages (``rust-NAME-devel`` and
``rust-NAME+FEATURE-devel``, both ways) and for its place in the registry."""

from __future__ import annotations

from buildsys.errors import BuildsysError

TYPE_CHECKING = False  # typing is not imported on the generator's fast path
if TYPE_CHECKING:
    from typing import Optional

    from buildsys.model import Manifest


def subpackage_name(crate: str, feature: Optional[str], base: str = "") -> str:
    """``base``: the packages' common start, ``rust-CRATE`` unless a compat
    spec names it otherwise (package_base)."""
    base = base or f"rust-{crate}"
    return f"{base}+{feature}-devel" if feature is not None else f"{base}-devel"


def compat_name(crate: str, major: int, minor: int, patch: int) -> str:
    """Fedora's Name for an older version kept beside the current one: the
    part of the version that semver keeps compatible (rust-nom7,
    rust-foo0.4, rust-bar0.0.3)."""
    suffix = str(major) if major else (f"0.{minor}" if minor else f"0.0.{patch}")
    return f"rust-{crate}{suffix}"


def package_base(spec_name: str, crate: str) -> str:
    """What a crate's package names start with: the spec's Name where it is
    a compat version's (``rust-foo0.4``, ``rust-bitflags1``: Fedora ships an
    older semver-incompatible version beside the current one under such a
    name, so that both can be in one repository and installed together),
    else ``rust-CRATE``."""
    own = f"rust-{crate}"
    suffix = spec_name[len(own):] if spec_name.startswith(own) else ""
    if suffix and suffix[0].isdigit() and all(part.isdigit() for part in suffix.split(".")):
        return spec_name
    return own


def feature_from_subpackage(name: str) -> Optional[str]:
    """``rust-NAME+FEATURE-devel`` -> FEATURE; ``rust-NAME-devel`` -> None.

    The crate part is not compared with the crate name: compat packages such
    as ``rust-foo0.3-devel`` carry a version in it.
    """
    if not (name.startswith("rust-") and name.endswith("-devel")):
        raise BuildsysError(f"subpackage {name!r} is not named rust-CRATE[+FEATURE]-devel")
    middle = name[len("rust-") : -len("-devel")]
    crate, plus, feature = middle.partition("+")
    if not crate:
        raise BuildsysError(f"subpackage {name!r} has an empty crate name")
    return feature if plus else None


def crate_dir(registry: str, manifest: Manifest) -> str:
    """Where cargo looks for NAME at VERSION: ``REGISTRY/NAME-VERSION``."""
    return f"{registry.rstrip('/')}/{manifest.name}-{manifest.version.without_build}"
