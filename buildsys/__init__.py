"""buildsys: Rust crates to RPM packages, from one reading of Cargo.toml."""

__version__ = "0.1.0"
