"""Fedora's names for a crate's packages (``rust-NAME-devel`` and
``rust-NAME+FEATURE-devel``, both ways) and for its place in the registry."""

from __future__ import annotations

from buildsys.errors import BuildsysError

TYPE_CHECKING = False  # typing is not imported on the generator's fast path
if TYPE_CHECKING:
    from typing import Optional

    from buildsys.model import Manifest


def subpackage_name(crate: str, feature: Optional[str]) -> str:
    return f"rust-{crate}+{feature}-devel" if feature is not None else f"rust-{crate}-devel"


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
