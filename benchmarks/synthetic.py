"""Synthetic crates with N features and a feature graph shaped like real
ones: features that enable other features, optional dependencies switched
on through ``dep:`` (no implicit feature) or by name (implicit feature),
``X/f`` and weak ``X?/f`` references, renamed dependencies, target tables
for Linux and for Windows, build and dev dependencies.

Deterministic for a given N (seeded), and valid for cargo itself: the smoke
test has ``cargo metadata`` read one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import List

# Requirement shapes seen in the corpus: caret, tilde, exact, ranges, bare
# wildcard; each goes through the version translation.
REQUIREMENTS = ("1.{i}", "^0.{j}.3", "~2.{j}", "=0.4.{i}", ">=1.{j}, <3", "0.{j}", "*", "1.0.0-alpha.{j}")


@dataclass(frozen=True)
class Shape:
    """How many of each thing a crate with ``features`` features has."""

    features: int
    optional: int
    required: int

    @classmethod
    def for_features(cls, features: int) -> "Shape":
        return cls(features=features, optional=max(2, features // 5), required=max(2, features // 50))


def _requirement(i: int) -> str:
    return REQUIREMENTS[i % len(REQUIREMENTS)].format(i=i % 40, j=i % 9 + 1)


def _dependencies(shape: Shape) -> List[str]:
    lines = ["[dependencies]"]
    for i in range(shape.required):
        extra = ', default-features = false' if i % 3 == 0 else ""
        lines.append(f'base{i} = {{ version = "{_requirement(i)}", features = ["sub{i % 4}"]{extra} }}')
    for i in range(shape.optional):
        rename = f', package = "real-opt{i}"' if i % 7 == 3 else ""
        extra = ', default-features = false' if i % 5 == 0 else ""
        lines.append(f'opt{i} = {{ version = "{_requirement(i + 3)}", optional = true{rename}{extra} }}')
    lines += [
        "",
        "[target.'cfg(unix)'.dependencies]",
        'unixdep = "0.2"',
        "",
        "[target.'cfg(target_os = \"linux\")'.dependencies]",
        'linuxopt = { version = "1.3", optional = true }',
        "",
        "[target.'cfg(windows)'.dependencies]",
        'windep = { version = "0.3", features = ["everything"] }',
        "",
        "[build-dependencies]",
        'cc = "1.0.50"',
        "",
        "[dev-dependencies]",
        'proptest = "1"',
    ]
    return lines


def _value(rng: random.Random, i: int, shape: Shape) -> List[str]:
    """The entries of feature ``i``: earlier features (so the graph has no
    cycles, as cargo requires) and dependency references."""
    values = [f"feature-{k}" for k in sorted(set(rng.sample(range(i), min(i, rng.choice((0, 1, 1, 2, 3))))))]
    roll = rng.random()
    k = rng.randrange(shape.optional)
    if roll < 0.25:
        # even optional dependencies are only ever named through dep:
        values.append(f"dep:opt{k - k % 2}")
    elif roll < 0.5:
        values.append(f"opt{k}/sub{rng.randrange(4)}")
    elif roll < 0.65:
        values.append(f"opt{k}?/sub{rng.randrange(4)}")
    elif roll < 0.75:
        values.append(f"base{rng.randrange(shape.required)}/sub{rng.randrange(4)}")
    return values


def cargo_toml(features: int) -> str:
    shape = Shape.for_features(features)
    rng = random.Random(features)
    lines = [
        "[package]",
        'name = "synth"',
        'version = "1.2.3"',
        'edition = "2021"',
        'rust-version = "1.70"',
        'license = "MIT OR Apache-2.0"',
        f'description = "A synthetic crate with {features} features for the buildsys benchmarks."',
        'readme = "README.md"',
        "",
    ]
    lines += _dependencies(shape)
    lines += ["", "[features]", 'default = ["feature-0", "feature-1"]']
    # an umbrella feature, as many crates have ("full")
    lines.append("full = [" + ", ".join(f'"feature-{k}"' for k in range(0, features - 2, 10)) + ', "linuxopt"]')
    for i in range(features - 2):
        lines.append(f"feature-{i} = [" + ", ".join(f'"{v}"' for v in _value(rng, i, shape)) + "]")
    return "\n".join(lines) + "\n"


def write_crate(directory: Path, features: int) -> Path:
    """A crate directory as a .crate unpacks: manifest, library, license, readme."""
    (directory / "src").mkdir(parents=True, exist_ok=True)
    (directory / "Cargo.toml").write_text(cargo_toml(features), encoding="utf-8")
    (directory / "src" / "lib.rs").write_text("//! synthetic\n", encoding="utf-8")
    (directory / "LICENSE-MIT").write_text("MIT\n", encoding="utf-8")
    (directory / "README.md").write_text("synthetic\n", encoding="utf-8")
    return directory
