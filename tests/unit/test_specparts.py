"""buildsys.specparts: the -devel and +FEATURE-devel packages as specparts
text, on small inputs with expectations written by hand."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from buildsys import manifest, plan, prepare, project, specparts
from buildsys.errors import BuildsysError
from buildsys.tomlwrite import dumps

from helpers import REGISTRY, WS, member, prepare_workspace, prepared_leaf, tree


def test_crate_text_of_members_is_escaped_in_specparts(tmp_path):
    description = "Evil %(touch /tmp/canary) text\n%package -n evil\n%{lua:os.exit(1)}"
    root = tree(tmp_path / "ws", {"Cargo.toml": WS, **member("b"),
                                  "a/Cargo.toml": '[package]\nname = "a"\nversion = "1.0.0"\nlicense = "MIT/%{x}"\n'
                                                  f'description = {dumps({"d": description})[4:].strip()}\n',
                                  "a/src/lib.rs": ""})
    prepare_workspace(root)
    parts = specparts.for_project(project.load(str(root)), REGISTRY)
    text = parts["10-cargo-a-devel.specpart"]
    # words with '%' are left out of a Summary: RPM expands %{summary} again
    assert "Summary:        Evil /tmp/canary) text -n evil" in text
    assert "Evil %%(touch /tmp/canary) text" in text
    assert "License:        MIT OR %%{x}" in text
    assert [line for line in text.splitlines() if line.startswith("%package")] == ["%package -n rust-a-devel"]
    assert sorted(parts) == ["10-cargo-a-devel.specpart", "10-cargo-b-devel.specpart",
                             "20-cargo-a-features.specpart", "20-cargo-b-features.specpart"]


def test_specparts_have_one_package_per_feature_each_noarch_with_files(tmp_path):
    crate = prepared_leaf(tmp_path)
    p = plan.plan(manifest.load(str(crate)))
    parts = specparts.render(p, "/usr/share/cargo/registry", ["Cargo.toml", "LICENSE", "README.md", "src/lib.rs"])
    assert sorted(parts) == ["10-cargo-devel.specpart", "20-cargo-features.specpart"]
    text = "".join(parts.values())
    names = ["rust-leaf-devel"] + [f"rust-leaf+{f}-devel" for f in ("default", "log", "serde", "std", "unix")]
    for name in names:
        assert f"%package -n {name}\n" in text and f"%files -n {name}\n" in text and f"%description -n {name}\n" in text
    assert text.count("BuildArch:      noarch") == len(names)
    assert [l for l in text.splitlines() if l.startswith("%package")] == [f"%package -n {n}" for n in names]
    assert "%license /usr/share/cargo/registry/leaf-1.2.0/LICENSE\n" in parts["10-cargo-devel.specpart"]
    assert "%doc /usr/share/cargo/registry/leaf-1.2.0/README.md\n" in parts["10-cargo-devel.specpart"]
    assert "%%(touch /tmp/pwned-shell)" in parts["10-cargo-devel.specpart"]
    assert " %%files %%package -n evil\n" in parts["10-cargo-devel.specpart"]
    # every part starts with a section line (RPM 4.19 requires it)
    assert all(t.startswith("%package -n ") for t in parts.values())


def test_specparts_are_byte_identical_across_runs(tmp_path):
    crate = prepared_leaf(tmp_path)
    env = dict(os.environ, RPM_SPECPARTS_DIR=str(tmp_path))
    outs = [
        subprocess.run([sys.executable, "-m", "buildsys", "-p", str(crate), "specparts", "--registry", "/r", "--stdout"],
                       capture_output=True, env=env, check=True).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and outs[0]


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "RPM_SPECPARTS_DIR is not set"),
        ({"RPM_SPECPARTS_DIR": "/nonexistent/SPECPARTS"}, "does not exist"),
    ],
)
def test_no_specparts_directory_is_an_error_naming_the_compat_mode(tmp_path, env, message):
    crate = prepared_leaf(tmp_path)
    environ = {k: v for k, v in os.environ.items() if k != "RPM_SPECPARTS_DIR"}
    environ.update(env)
    proc = subprocess.run([sys.executable, "-m", "buildsys", "-p", str(crate), "specparts", "--registry", "/r"],
                          capture_output=True, text=True, env=environ)
    assert proc.returncode == 1
    assert message in proc.stderr and "compat/epel9" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_description_that_starts_with_a_percent_is_the_renderers_error_not_the_models(tmp_path):
    """The model reads any description; only text that becomes a
    %description line is refused, naming the manifest."""
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "p"\nversion = "1.0.0"\ndescription = "%if 0"\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    m = manifest.load(str(tmp_path))
    assert plan.provides(m, None) == "crate(p) = 1.0.0"
    prepare.prepare(tmp_path, "/usr/share/cargo/registry")
    from buildsys import project
    with pytest.raises(BuildsysError) as exc:
        specparts.for_project(project.load(str(tmp_path)), "/usr/share/cargo/registry")
    assert exc.value.path == str(tmp_path / "Cargo.toml")
    assert exc.value.message == "package.description begins with '%', which RPM would read as a spec directive"


@pytest.mark.parametrize("spec_name, base", [
    ("rust-leaf", "rust-leaf"),
    ("rust-leaf1", "rust-leaf1"),  # Fedora's compat names: rust-bitflags1, rust-nom7
    ("rust-leaf0.4", "rust-leaf0.4"),
    ("rust-leaf1.2.3", "rust-leaf1.2.3"),
    ("", "rust-leaf"),  # the generator's callers that know no spec
    ("leaf", "rust-leaf"),  # an application's spec named after itself
    ("rust-leafy", "rust-leaf"),  # another crate's name, not a version
    ("rust-leaf-ng", "rust-leaf"),
    ("rust-leaf1.", "rust-leaf"),
    ("rust-leaf.1", "rust-leaf"),
])
def test_a_compat_specs_name_names_its_packages(tmp_path, spec_name, base):
    crate = prepared_leaf(tmp_path)
    (member_plan,) = plan.packages(project.load(str(crate)), spec_name)
    p = member_plan.plan
    names = [s.name for s in p.subpackages]
    assert names[0] == f"{base}-devel"
    assert names[1:] == [f"{base}+{f}-devel" for f in ("default", "log", "serde", "std", "unix")]
    # the capabilities stay the crate's: only the names carry the version
    assert [s.provides for s in p.subpackages][0] == ("crate(leaf) = 1.2.0",)
