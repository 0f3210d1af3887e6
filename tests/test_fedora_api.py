"""Fedora's Rust macro API as buildsys-cargo-rpm-macros implements it
(macros.d/macros.cargo, macros.rust, cargo_vendor.attr; docs/fedora-api.md),
with real rpmbuild: a spec written as Fedora's packagers write them, on a
small crate made here (a library with a feature, two binaries, a
dependency and a dev-dependency from Debian's registry, a test that fails
unless the spec skips it).

Each expected value comes from the spec's inputs or from rpm itself
(``rpm --eval`` in the same root), never from buildsys's output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Dict, List

import pytest

from helpers import REGISTRY, crate_archive, reproducible_tar
from rpmroot import SOURCES, BuildRoot, Header, payload_file

try:
    import tomllib  # type: ignore[import-not-found]
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

pytestmark = pytest.mark.rpmbuild

CRATE, VERSION = "fapi", "0.3.0"
DEP, DEV_DEP = "cfg-if", "itoa"

CARGO_TOML = f"""[package]
name = "{CRATE}"
version = "{VERSION}"
edition = "2021"
license = "MIT"
description = "A probe of Fedora's Rust macro API"

[features]
extra = []

[dependencies]
{DEP} = "1"

[dev-dependencies]
{DEV_DEP} = "1"
"""
LIB_RS = """pub fn answer() -> u32 { cfg_if::cfg_if! { if #[cfg(unix)] { 42 } else { 0 } } }

#[cfg(test)]
mod tests {
    #[test]
    fn must_be_skipped() { panic!("%cargo_test -- -- --skip did not reach the harness"); }
    #[test]
    fn runs() { assert_eq!(super::answer(), 42); let _ = itoa::Buffer::new(); }
}
"""
BIN_RS = "fn main() { println!(\"{}\", fapi::answer()); }\n"


def crate_dir(where: Path, extra_dev_dependency: str = "") -> Path:
    src = where / f"{CRATE}-src"
    (src / "src" / "bin").mkdir(parents=True, exist_ok=True)
    (src / "Cargo.toml").write_text(CARGO_TOML + (f'{extra_dev_dependency} = "1"\n' if extra_dev_dependency else ""))
    # what cargo package puts into every .crate; Fedora's %cargo_prep removes it
    (src / "Cargo.toml.orig").write_text(CARGO_TOML)
    (src / "Cargo.lock").write_text("# a lock file the crate ships\nversion = 3\n")
    (src / "src" / "lib.rs").write_text(LIB_RS)
    (src / "src" / "bin" / "one.rs").write_text(BIN_RS)
    (src / "src" / "bin" / "two.rs").write_text(BIN_RS)
    return src


def spec(globals_: str = "", prep: str = "%cargo_prep", build: str = "%cargo_build -- --bin one",
         extra_sources: str = "", license_files: str = "") -> str:
    """Fedora's layout; the probe files record what %prep and %build left."""
    return f"""%bcond_without check
%global debug_package %{{nil}}
%global crate {CRATE}
{globals_}
Name:           rust-{CRATE}
Version:        {VERSION}
Release:        1
Summary:        Probe of the Fedora Rust macro API
License:        MIT
URL:            https://example.invalid/{CRATE}
Source:         %{{crates_source}}
{extra_sources}
ExclusiveArch:  %{{rust_arches}}

%description
Probe.

%package        devel
Summary:        Probe library sources
BuildArch:      noarch

%description    devel
Probe.

%prep
%autosetup -n %{{crate}}-%{{version_no_tilde}} -p1
{prep}
ls -a > prep-left.txt

%generate_buildrequires
%cargo_generate_buildrequires

%build
{build}
for b in one two; do test -e target/rpm/$b && echo $b; done > built.txt || :

%install
%cargo_install
mkdir -p %{{buildroot}}/usr/share/fapi-probe
cp -p .cargo/config.toml prep-left.txt built.txt %{{buildroot}}/usr/share/fapi-probe/
(cd %{{buildroot}} && find . ! -type d | sed -e 's|^\\.||') > all-files.list
mkdir -p %{{buildroot}}/usr/share/fapi-probe-devel && touch %{{buildroot}}/usr/share/fapi-probe-devel/marker
echo /usr/share/fapi-probe-devel/marker > devel-files.list
grep '^%{{cargo_registry}}/' all-files.list >> devel-files.list || :
grep -v '^%{{cargo_registry}}/' all-files.list > main-files.list

%if %{{with check}}
%check
%cargo_test -- -- --skip must_be_skipped
%endif

%files -f main-files.list
{license_files}

%files devel -f devel-files.list

%changelog
* Mon Dec 07 2026 Probe <probe@example.invalid> - 0.3.0-1
- probe
"""


def registry_crate(root: BuildRoot, name: str) -> Path:
    found = sorted((root.lower / REGISTRY.lstrip("/")).glob(f"{name}-[0-9]*"))
    assert found, f"{name} is not in the root's registry"
    return found[-1]


def built_probe(root: BuildRoot, workdir: Path, text: str, *args: str):
    crate_archive(crate_dir(workdir), root.path(SOURCES), CRATE, VERSION)
    root.write("/root/rust-fapi.spec", text.encode())
    proc = root.rpmbuild("/root/rust-fapi.spec", "-ba", *args, check=False)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    built = root.built()
    return proc, Both(built[f"rust-{CRATE}"], built[f"rust-{CRATE}-devel"])


class Both:
    """The main package (binaries, probe files) and -devel (the registry)."""

    def __init__(self, main: Header, devel: Header) -> None:
        self.main, self.devel = main, devel
        self.path = main.path
        self.files = main.files + devel.files
        self.provides = main.provides


def probe(package: Header, name: str) -> bytes:
    return payload_file(package.path, f"/usr/share/fapi-probe/{name}")


def evaluated(root: BuildRoot, *names: str) -> Dict[str, str]:
    out = root.run("rpm " + " ".join(f"--eval '%{{{n}}}'" for n in names)).stdout.splitlines()
    return dict(zip(names, out))


# --- the build from the registry, and the install switches ---------------------

SWITCHES = {
    # spec line -> (library into the registry, binaries into /usr/bin)
    "": (True, True),
    "%global cargo_install_lib 0": (False, True),
    "%global cargo_install_bin 0": (True, False),
    "%global __cargo_is_lib() false": (False, True),
    "%global __cargo_is_bin() false": (True, False),
}


@pytest.mark.parametrize("switch", list(SWITCHES), ids=lambda s: s or "default")
def test_cargo_install_installs_library_and_binaries_unless_switched_off(switch, tmp_path):
    lib, bins = SWITCHES[switch]
    with BuildRoot("trixie", tmp_path) as root:
        proc, package = built_probe(root, tmp_path, spec(globals_=switch))
        registry_dir = f"{REGISTRY}/{CRATE}-{VERSION}"
        files = set(package.files)
        assert (f"{registry_dir}/Cargo.toml" in files) == lib, sorted(files)
        assert (f"{registry_dir}/src/lib.rs" in files) == lib
        if lib:
            assert payload_file(package.devel.path, f"{registry_dir}/.cargo-checksum.json") == b'{"files":{},"package":""}'
            # Fedora installs no Cargo.toml.orig, nor the lock file
            assert f"{registry_dir}/Cargo.toml.orig" not in files
            assert f"{registry_dir}/Cargo.lock" not in files
        assert ({"/usr/bin/one", "/usr/bin/two"} <= files) == bins
        assert bins or not [f for f in files if f.startswith("/usr/bin/")]


def test_build_and_test_pass_everything_after_the_options_to_cargo(tmp_path):
    with BuildRoot("trixie", tmp_path) as root:
        proc, package = built_probe(root, tmp_path, spec())
        # %cargo_build -- --bin one: only one, in the rpm profile's directory
        assert probe(package, "built.txt").split() == [b"one"]
        # %cargo_test -- -- --skip must_be_skipped: the harness got it (else
        # the panicking test fails the build), and the other test ran
        log = proc.stdout + proc.stderr
        assert re.search(r"test tests::runs \.\.\. ok", log), log[-3000:]
        assert "test tests::must_be_skipped" not in log


@pytest.mark.parametrize("suite", ["trixie", "bullseye"], ids=["rpm-4.20.1", "rpm-4.16.1.2"])
def test_cargo_prep_writes_fedoras_configuration_and_removes_what_cargo_wrote(suite, tmp_path):
    with BuildRoot(suite, tmp_path) as root:
        _, package = built_probe(root, tmp_path, spec())
        config = tomllib.loads(probe(package, "config.toml").decode())
        rpm = evaluated(root, "__rustc", "__rustdoc", "?build_cflags", "?build_cxxflags", "?build_ldflags",
                        "cargo_registry", "_prefix", "rustflags_opt_level", "rustflags_debuginfo",
                        "rustflags_codegen_units")
        assert config["build"] == {"rustc": rpm["__rustc"], "rustdoc": rpm["__rustdoc"]}
        assert config["env"] == {"CFLAGS": rpm["?build_cflags"], "CXXFLAGS": rpm["?build_cxxflags"],
                                 "LDFLAGS": rpm["?build_ldflags"]}
        assert config["install"]["root"].endswith(rpm["_prefix"]) and "/BUILDROOT/" in config["install"]["root"]
        assert config["term"] == {"verbose": True}
        assert config["profile"]["rpm"] == {
            "inherits": "release", "opt-level": int(rpm["rustflags_opt_level"]),
            "codegen-units": int(rpm["rustflags_codegen_units"]), "debug": int(rpm["rustflags_debuginfo"]),
            "strip": "none"}
        replaced_by = config["source"]["crates-io"]["replace-with"]
        assert config["source"][replaced_by] == {"directory": rpm["cargo_registry"]}
        left = probe(package, "prep-left.txt").decode().split()
        assert "Cargo.toml.orig" not in left and "Cargo.lock" not in left and "Cargo.toml" in left


# --- dev-dependencies follow the check bcond --------------------------------------

# a dev-dependency no registry has: asked for, rpmbuild -br stops and names it
MISSING_DEV = "fapi-probe-missing-dev"


@pytest.mark.parametrize("check", ["--with check", "--without check"])
def test_generate_buildrequires_asks_for_dev_dependencies_when_check_is_on(check, tmp_path):
    with BuildRoot("trixie", tmp_path) as root:
        crate_archive(crate_dir(tmp_path, MISSING_DEV), root.path(SOURCES), CRATE, VERSION)
        root.write("/root/rust-fapi.spec", spec().encode())
        proc = root.rpmbuild("/root/rust-fapi.spec", "-br", check, check=False)
        missing = re.findall(r"^\s+\(?(crate\(\S+)", proc.stderr, re.M)
        if check == "--with check":
            assert proc.returncode == 11, proc.stdout[-3000:] + proc.stderr[-3000:]
            assert [m for m in missing if m.startswith(f"crate({MISSING_DEV}/")], proc.stderr
        else:
            # the normal dependency and the packaged dev-dependency are there
            assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
            assert not missing


# --- vendored: -v DIR, -V N, and cargo-vendor.txt -----------------------------------

VENDOR_PREP = {
    "-v vendor": f"mkdir -p vendor && cp -a %{{_datadir}}/cargo/registry/{DEP}-* vendor/{DEP} && "
                 f"cp -a %{{_datadir}}/cargo/registry/{DEV_DEP}-* vendor/{DEV_DEP}\n%cargo_prep -v vendor",
    "-V 1": "%cargo_prep -V 1",
}


@pytest.mark.parametrize("how", list(VENDOR_PREP))
def test_vendored_build_uses_the_vendor_directory_and_ships_cargo_vendor_txt(how, tmp_path):
    with BuildRoot("trixie", tmp_path) as root:
        versions = {}
        members = []
        for name in (DEP, DEV_DEP):
            src = registry_crate(root, name)
            versions[name] = tomllib.loads((src / "Cargo.toml").read_text())["package"]["version"]
            members += [(f"vendor/{name}/{p.relative_to(src)}", p) for p in sorted(src.rglob("*")) if p.is_file()]
        reproducible_tar(root.path(SOURCES) / "fapi-vendor.tar.gz", members)
        # as vendored applications do (a vendored build records no registry install)
        text = spec(globals_="%global cargo_install_lib 0", prep=VENDOR_PREP[how], build="%cargo_build -- --bin one\n%cargo_vendor_manifest",
                    extra_sources="Source1:        fapi-vendor.tar.gz", license_files="%license cargo-vendor.txt")
        # the registry must play no part: the crate's own lock file is kept, and the vendor directory is used
        _, package = built_probe(root, tmp_path, text)
        config = tomllib.loads(probe(package, "config.toml").decode())
        replaced_by = config["source"]["crates-io"]["replace-with"]
        assert config["source"][replaced_by]["directory"] in ("vendor", "./vendor")
        assert "Cargo.lock" in probe(package, "prep-left.txt").decode().split()
        # cargo2rpm's form: NAME vVERSION, sorted, every edge (the dev-dependency too)
        (vendor_txt,) = [f for f in package.files if f.endswith("/cargo-vendor.txt")]
        expected = sorted(f"{n} v{v}" for n, v in versions.items())
        assert payload_file(package.path, vendor_txt).decode().splitlines() == expected
        bundled = sorted(p for p in package.provides if p.startswith("bundled("))
        assert bundled == sorted(f"bundled(crate({n})) = {v}" for n, v in versions.items())


def test_cargo_prep_dash_n_replaces_no_source_and_keeps_the_lock_file(tmp_path):
    with BuildRoot("trixie", tmp_path) as root:
        crate_archive(crate_dir(tmp_path), root.path(SOURCES), CRATE, VERSION)
        root.write("/root/rust-fapi.spec", spec(prep="%cargo_prep -N").encode())
        root.rpmbuild("/root/rust-fapi.spec", "-bp")
        (config_path,) = root.path("/root/rpmbuild/BUILD").rglob(f"{CRATE}-{VERSION}/.cargo/config.toml")
        config = tomllib.loads(config_path.read_text())
        assert "source" not in config and "net" not in config
        assert config["build"]["rustc"] == evaluated(root, "__rustc")["__rustc"]
        assert (config_path.parent.parent / "Cargo.lock").exists()
        assert not (config_path.parent.parent / "Cargo.toml.orig").exists()


# --- parse-time names ----------------------------------------------------------------

EVALS = [
    # expression, defines, expected (Fedora's documented semantics)
    ("%{version_no_tilde}", {"version": "1.0~rc.1"}, "1.0-rc.1"),
    ("%{version_no_tilde _}", {"version": "1.0~rc.1"}, "1.0_rc.1"),
    ("%{version_no_tilde %{quote:%nil}}", {"version": "1.0~rc1"}, "1.0rc1"),
    ("%{version_no_tilde . 2.0~beta}", {"version": "1.0"}, "2.0.beta"),
    ("%{crates_source}", {"name": "rust-foo", "version": "1.0~a", "crate": "foo", "real_crate": "Foo"},
     "https://crates.io/api/v1/crates/Foo/1.0-a/download#/Foo-1.0-a.crate"),
    ("%{crates_source}", {"name": "rust-foo", "version": "2.1", "crate": "foo"},
     "https://crates.io/api/v1/crates/foo/2.1/download#/foo-2.1.crate"),
    ("%{crates_source bar 0.1~x}", {"name": "rust-foo", "version": "2.1"},
     "https://crates.io/api/v1/crates/bar/0.1-x/download#/bar-0.1-x.crate"),
    ("%{__cargo_skip_build}", {}, "0"),
    ("%{__cargo_common_opts}", {"_smp_mflags": "-j4"}, "-j4 -Z avoid-dev-deps"),
    ("%{crate_instdir}", {"crate": "foo", "version": "1.0~b"}, "/usr/share/cargo/registry/foo-1.0-b"),
    ("%{build_rustflags}", {"_include_frame_pointers": "0", "_package_note_status": "0"},
     "-Copt-level=3 -Cdebuginfo=2 -Ccodegen-units=1 -Clink-arg=-Wl,-z,relro -Clink-arg=-Wl,-z,now --cap-lints=warn"),
    ("%{build_rustflags}", {"_include_frame_pointers": "1", "_package_note_status": "0", "rustflags_opt_level": "2"},
     "-Copt-level=2 -Cdebuginfo=2 -Ccodegen-units=1 -Cforce-frame-pointers=yes -Clink-arg=-Wl,-z,relro "
     "-Clink-arg=-Wl,-z,now --cap-lints=warn"),
]


@pytest.fixture(scope="module", params=["trixie", "bullseye"])
def eval_root(request, tmp_path_factory):
    with BuildRoot(request.param, tmp_path_factory.mktemp(f"eval-{request.param}")) as root:
        yield root


@pytest.mark.parametrize("expression,defines,expected", EVALS, ids=[e[0] for e in EVALS])
def test_parse_time_macros_have_fedoras_semantics(eval_root, expression, defines, expected):
    arch = eval_root.run("rpm --eval '%{_arch}'").stdout.strip()
    if "frame-pointers=yes" in expected and arch in ("ppc64le", "s390x", "i386"):
        pytest.skip("no frame pointers on this architecture")
    options = " ".join(f"--define '{k} {v}'" for k, v in defines.items())
    assert eval_root.run(f"rpm {options} --eval '{expression}'").stdout.strip() == expected


def test_rust_arches_names_fedoras_architectures(eval_root):
    arches = eval_root.run("rpm --eval '%{rust_arches}'").stdout.split()
    ix86 = eval_root.run("rpm --eval '%{ix86}'").stdout.split()
    assert arches == ["x86_64", *ix86, "armv7hl", "aarch64", "ppc64", "ppc64le", "riscv64", "s390x"]


def test_generators_are_buildsys_in_cargo2rpms_place(eval_root):
    got = evaluated(eval_root, "__cargo_to_rpm", "__cargo_vendor_provides", "__cargo_path")
    assert got["__cargo_to_rpm"] == "/usr/bin/buildsys"
    assert got["__cargo_vendor_provides"].startswith("/usr/bin/buildsys parse-vendor-manifest")
    assert got["__cargo_path"].startswith("^/usr/share/cargo/registry/")
