"""Target tables: which apply to a Fedora/EPEL Linux build (rpm-facts §1)."""

import pytest

from buildsys.cfg import target_applies
from buildsys.errors import BuildsysError


@pytest.mark.parametrize(
    "target, applies",
    [
        ("cfg(unix)", True),
        ("cfg(windows)", False),
        ("cfg(not(windows))", True),
        ('cfg(target_os = "linux")', True),
        ('cfg(target_os = "macos")', False),
        ('cfg(any(target_os = "macos", target_os = "ios"))', False),
        ('cfg(target_family = "unix")', True),
        ('cfg(target_family = "wasm")', False),
        ('cfg(target_env = "gnu")', True),
        ('cfg(target_env = "")', True),
        ('cfg(target_env = "musl")', False),
        ('cfg(target_env = "msvc")', False),
        ('cfg(all(unix, not(target_os = "linux")))', False),
        ('cfg(all(target_arch = "x86_64", target_os = "linux"))', True),
        # noarch -devel: an arch-specific dependency is needed on that arch
        ('cfg(target_arch = "aarch64")', True),
        ('cfg(target_arch = "s390x")', True),
        ('cfg(target_arch = "wasm32")', False),
        ('cfg(not(target_arch = "x86_64"))', True),
        ('cfg(target_pointer_width = "32")', True),
        ('cfg(target_endian = "big")', True),
        ('cfg(not(target_has_atomic = "64"))', False),
        ('cfg(target_os = "android")', False),
        ("cfg(loom)", False),
        ("cfg(any())", False),
        ("cfg(all())", True),
        ("x86_64-unknown-linux-gnu", True),
        ("aarch64-unknown-linux-gnu", True),
        ("x86_64-pc-windows-msvc", False),
        ("wasm32-unknown-unknown", False),
        ("aarch64-linux-android", False),
    ],
)
def test_target_table_applies_on_linux(target, applies):
    assert target_applies(target) is applies


@pytest.mark.parametrize("target", ["cfg(", "cfg(all(unix)", 'cfg(target_os = )', "cfg(not(unix, windows))", "cfg(unix windows)", 'cfg("x")'])
def test_malformed_cfg_is_a_clear_error(target):
    with pytest.raises(BuildsysError, match="invalid target expression"):
        target_applies(target)
