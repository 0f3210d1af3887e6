"""Property tests (hypothesis) of the manifest reader, the feature resolver,
the version translator and the specparts renderer.

- Any TOML text, any Cargo-shaped document and any requirement string give
  a result or a BuildsysError with a one-line message: nothing else.
- Specparts made from any accepted document parse with real rpm (the
  machine's rpm bindings) into exactly the plan's packages, with the crate's
  description shown as written and no macro run.

The bounded campaign runs in CI; a longer one on demand:

    BUILDSYS_HYPOTHESIS=long make check PYTEST_ARGS=tests/test_properties.py

Example counts are printed with the measured figures.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import rpm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buildsys import features as features_mod
from buildsys import manifest as manifest_mod
from buildsys import plan as plan_mod
from buildsys import specparts
from buildsys.errors import BuildsysError
from buildsys.semver import Requirement, Version
from buildsys.tomlwrite import dumps

settings.register_profile("ci", max_examples=1000, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile("long", max_examples=20_000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
PROFILE = os.environ.get("BUILDSYS_HYPOTHESIS", "ci")
settings.load_profile(PROFILE)

CANARY = Path(tempfile.gettempdir()) / "buildsys-property-canary"
REGISTRY = "/usr/share/cargo/registry"

# Text with what breaks spec files: macros, section keywords, newlines.
HOSTILE_WORDS = st.sampled_from([
    f"%(touch {CANARY})", f'%{{lua:io.open("{CANARY}","w")}}', "%{?x:y}", "%define", "%global", "%if", "%endif",
    "%include", "%package", "%files", "%post", "%changelog", "\n", "\n\n", "\\", "%", "%%", "{", "}", "(", ")",
])
TEXT = st.one_of(st.text(max_size=60), st.lists(st.one_of(HOSTILE_WORDS, st.text(max_size=8)), max_size=12).map(" ".join))
NAME = st.one_of(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), st.text(max_size=6))
NUM = st.sampled_from(["0", "1", "2", "10"])
VERSION = st.builds(lambda a, b, c, pre: f"{a}.{b}.{c}" + (f"-{pre}" if pre else ""), NUM, NUM, NUM,
                    st.sampled_from(["", "", "alpha", "rc.1", "0"]))
REQUIREMENT = st.one_of(
    st.text(alphabet=" ,.-+*^~<>=0123456789abxX", max_size=20),
    st.lists(st.builds(lambda op, v: op + v, st.sampled_from(["", "^", "~", "=", ">", ">=", "<", "<="]),
                       st.one_of(VERSION, NUM, st.builds(lambda a, b: f"{a}.{b}", NUM, NUM), st.just("1.*"))),
             min_size=1, max_size=3).map(", ".join),
    st.text(max_size=20),
)
ANY = st.one_of(st.booleans(), st.integers(-3, 3), st.text(max_size=5), st.lists(st.text(max_size=5), max_size=2))


VALID_NAME = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
VALID_REQUIREMENT = st.builds(lambda op, v: op + v, st.sampled_from(["", "^", "~", "=", ">=", "<"]), VERSION)


@st.composite
def well_formed_documents(draw):
    """Documents cargo would accept, so that most reach rpm."""
    deps = draw(st.dictionaries(VALID_NAME, st.fixed_dictionaries(
        {"version": VALID_REQUIREMENT, "optional": st.booleans()},
        optional={"default-features": st.booleans(), "features": st.lists(VALID_NAME, max_size=2)}), max_size=4))
    optional = [k for k, spec in deps.items() if spec["optional"]]
    feature_names = draw(st.lists(VALID_NAME.filter(lambda n: n not in deps), max_size=8, unique=True))
    choices = [st.sampled_from(feature_names)] if feature_names else []
    if optional:
        choices.append(st.sampled_from(optional).map(lambda k: "dep:" + k))
    if deps:
        choices.append(st.builds(lambda k, f, weak: f"{k}{'?' if weak else ''}/{f}", st.sampled_from(sorted(deps)),
                                 VALID_NAME, st.booleans()))
    values = st.lists(st.one_of(*choices), max_size=4) if choices else st.just([])
    table = {name: draw(values) for name in feature_names}
    package = {"name": draw(VALID_NAME), "version": draw(VERSION), "edition": "2021", "description": draw(TEXT)}
    return {"package": package, "dependencies": deps, "features": table}


@st.composite
def arbitrary_documents(draw):
    """Cargo-shaped, with anything in any field."""
    deps = draw(st.dictionaries(NAME, st.one_of(
        REQUIREMENT,
        st.fixed_dictionaries({"version": REQUIREMENT}, optional={
            "optional": st.one_of(st.booleans(), ANY), "default-features": st.one_of(st.booleans(), ANY),
            "features": st.one_of(st.lists(NAME, max_size=3), ANY), "package": NAME}),
        ANY), max_size=4))
    keys = list(deps)
    feature_names = draw(st.lists(NAME, max_size=6, unique=True))
    value = st.one_of(
        st.sampled_from(feature_names or ["x"]),
        st.sampled_from(keys or ["y"]).map(lambda k: "dep:" + k),
        st.builds(lambda k, f, weak: f"{k}{'?' if weak else ''}/{f}", st.sampled_from(keys or ["y"]), NAME, st.booleans()),
        st.text(max_size=6),
    )
    table = {name: draw(st.one_of(st.lists(value, max_size=4), ANY)) for name in feature_names}
    package = {"name": draw(NAME), "version": draw(st.one_of(VERSION, st.text(max_size=6))),
               "edition": draw(st.sampled_from(["2021", "2018", "2015", "1999"]))}
    if draw(st.booleans()):
        package["description"] = draw(TEXT)
    return {"package": package, "dependencies": deps, "features": table}


def cargo_documents():
    return st.one_of(well_formed_documents(), well_formed_documents(), arbitrary_documents())


def one_line_error(exc: BuildsysError) -> None:
    assert str(exc) and "\n" not in str(exc)


def load_text(tmp: Path, text: str):
    (tmp / "Cargo.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    (tmp / "src").mkdir(exist_ok=True)
    (tmp / "src" / "lib.rs").write_text("")
    return manifest_mod.load(str(tmp))


@pytest.fixture(scope="module")
def count(figures):
    def bump(what: str) -> None:
        figures[f"hypothesis ({PROFILE}): {what}"] += 1
    return bump


@given(text=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_as_cargo_toml_is_read_or_refused_with_one_line(tmp_path, count, text):
    count("arbitrary Cargo.toml texts")
    try:
        load_text(tmp_path, text)
    except BuildsysError as exc:
        one_line_error(exc)


@given(req=REQUIREMENT, version=st.one_of(VERSION, st.text(max_size=12)))
def test_any_requirement_or_version_string_is_translated_or_refused(count, req, version):
    count("arbitrary requirement and version strings")
    for parse in (lambda: Requirement.parse(req).to_range(), lambda: Version.parse(version)):
        try:
            parse()
        except BuildsysError as exc:
            one_line_error(exc)


def rpm_parse(spec_text: str, tmp: Path) -> "rpm.spec":
    path = tmp / "probe.spec"
    path.write_text(spec_text, encoding="utf-8")
    return rpm.spec(str(path))


@given(doc=cargo_documents())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_cargo_document_gives_specparts_rpm_parses_as_the_plan(tmp_path, count, doc):
    count("Cargo-shaped documents")
    try:
        manifest = load_text(tmp_path, dumps(doc))
        plan = plan_mod.plan(manifest)
        parts = specparts.render(plan, REGISTRY, ["Cargo.toml", "src/lib.rs"])
    except BuildsysError as exc:
        one_line_error(exc)
        return
    count("Cargo-shaped documents accepted and parsed by rpm")
    main = ("Name: rust-probe\nVersion: 1\nRelease: 1\nSummary: probe\nLicense: MIT\n"
            "BuildArch: noarch\n%description\nprobe\n")
    spec = rpm_parse(main + "".join("\n" + parts[name] for name in sorted(parts)), tmp_path)
    names = sorted(p.header[rpm.RPMTAG_NAME] for p in spec.packages)
    assert names == sorted(["rust-probe"] + [s.name for s in plan.subpackages])
    assert not CANARY.exists()
    devel = next(p.header for p in spec.packages if p.header[rpm.RPMTAG_NAME] == f"rust-{manifest.name}-devel")
    shown = " ".join((manifest.description or "").split())
    assert shown in " ".join(devel[rpm.RPMTAG_DESCRIPTION].split())
    for package in spec.packages:
        sub = next((s for s in plan.subpackages if s.name == package.header[rpm.RPMTAG_NAME]), None)
        if sub is not None:
            provides = [d.DNEVR()[2:] for d in rpm.ds(package.header, rpm.RPMTAG_PROVIDENAME)]
            assert set(sub.provides) <= set(provides)


@given(doc=cargo_documents(), picks=st.lists(st.integers(0, 20), max_size=3))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_feature_resolution_is_a_monotone_closure(tmp_path, count, doc, picks):
    try:
        manifest = load_text(tmp_path, dumps(doc))
    except BuildsysError:
        return
    names = list(manifest.features)
    if not names:
        return
    count("feature selections resolved")
    chosen = tuple(sorted({names[i % len(names)] for i in picks}))
    some = features_mod.resolve(manifest, features_mod.Selection(no_default_features=True, features=chosen))
    everything = features_mod.resolve(manifest, features_mod.Selection(all_features=True))
    assert set(chosen) <= some.features <= everything.features == set(names)
    assert some.optional <= everything.optional
    again = features_mod.resolve(manifest, features_mod.Selection(no_default_features=True, features=tuple(sorted(some.features))))
    assert again.features == some.features and again.optional == some.optional
