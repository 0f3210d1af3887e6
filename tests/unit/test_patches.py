"""buildsys.patches: a spec's patches applied to the crate read at parse
time (RPM 4.16's static mode) as %autosetup -p1 applies them, or a clear
error naming the patch. GNU patch is the judge where one is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from buildsys import patches
from buildsys.errors import BuildsysError

MANIFEST = """[package]
name = "foo"
version = "1.0.0"

[dependencies.bar]
version = "1"
optional = true

[dependencies.log]
version = "0.4"

[features]
default = ["log"]
bar = ["dep:bar"]
"""

# rust2rpm's fix-metadata form: NAME-VERSION/ on both sides, timestamps
DROP_BAR = """--- foo-1.0.0/Cargo.toml\t2024-01-01 00:00:00.000000000 +0000
+++ foo-1.0.0/Cargo.toml\t2024-01-02 00:00:00.000000000 +0000
@@ -3,12 +3,7 @@
 version = "1.0.0"
 
-[dependencies.bar]
-version = "1"
-optional = true
-
 [dependencies.log]
 version = "0.4"
 
 [features]
 default = ["log"]
-bar = ["dep:bar"]
"""

RELAX_LOG = """diff --git a/Cargo.toml b/Cargo.toml
index 1111111..2222222 100644
--- a/Cargo.toml
+++ b/Cargo.toml
@@ -10,3 +10,3 @@
 [dependencies.log]
-version = "0.4"
+version = ">=0.3, <0.5"
 
"""

NEW_BIN = """--- a/src/bin/extra.rs
+++ b/src/bin/extra.rs
@@ -0,0 +1,1 @@
+fn main() {}
"""

DELETE_MAIN = """--- a/src/main.rs
+++ /dev/null
@@ -1 +0,0 @@
-fn main() {}
"""


def crate(tmp_path: Path) -> Path:
    root = tmp_path / "foo-1.0.0"
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text(MANIFEST)
    (root / "src" / "main.rs").write_text("fn main() {}\n")
    return root


def patch_file(tmp_path: Path, text: str, name: str = "foo-fix-metadata.diff") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "diff, changed",
    [
        (DROP_BAR, ["Cargo.toml"]),
        (RELAX_LOG, ["Cargo.toml"]),
        (NEW_BIN, ["src/bin/extra.rs"]),
        (DELETE_MAIN, ["src/main.rs"]),
    ],
    ids=["fix-metadata drops an optional dependency", "git diff relaxes a version", "a new file",
         "a deleted file"],
)
def test_a_patch_changes_the_crate_as_patch_would(tmp_path, diff, changed):
    root = crate(tmp_path)
    assert patches.apply(root, patch_file(tmp_path, diff)) == changed
    if diff is DROP_BAR:
        text = (root / "Cargo.toml").read_text()
        assert "bar" not in text and 'default = ["log"]' in text
    elif diff is RELAX_LOG:
        assert 'version = ">=0.3, <0.5"' in (root / "Cargo.toml").read_text()
    elif diff is NEW_BIN:
        assert (root / "src" / "bin" / "extra.rs").exists()
    else:
        assert not (root / "src" / "main.rs").exists()


def test_the_manifest_comes_out_as_gnu_patch_makes_it(tmp_path):
    gnu = shutil.which("patch")
    if gnu is None:
        pytest.skip("GNU patch is a host package that make check installs")
    ours, theirs = crate(tmp_path / "ours"), crate(tmp_path / "theirs")
    for diff in (DROP_BAR, RELAX_LOG):
        path = patch_file(tmp_path, diff)
        patches.apply(ours, path)
        subprocess.run([gnu, "-p1", "-s", "-F0", "-i", str(path)], cwd=theirs, check=True)
    assert (ours / "Cargo.toml").read_text() == (theirs / "Cargo.toml").read_text()


def test_a_hunk_applies_at_an_offset_as_patch_allows(tmp_path):
    root = crate(tmp_path)
    (root / "Cargo.toml").write_text("# a comment the patch did not see\n\n" + MANIFEST)
    patches.apply(root, patch_file(tmp_path, RELAX_LOG))
    assert 'version = ">=0.3, <0.5"' in (root / "Cargo.toml").read_text()


@pytest.mark.parametrize(
    "diff, message",
    [
        (RELAX_LOG.replace('-version = "0.4"', '-version = "0.9"'), "a hunk at line 10 of Cargo.toml does not apply"),
        (RELAX_LOG.replace("@@ -10,3 +10,3 @@", "@@ -10,4 +10,4 @@"), "a hunk of Cargo.toml"),
        # less context after the change than before: patch anchors it at the end
        (RELAX_LOG.replace("@@ -10,3 +10,3 @@", "@@ -10,2 +10,2 @@").rstrip(" \n") + "\n",
         "a hunk at line 10 of Cargo.toml does not apply"),
        (RELAX_LOG.replace("a/Cargo.toml", "Cargo.toml").replace("b/Cargo.toml", "Cargo.toml"), "-p1 leaves nowhere"),
        (RELAX_LOG.replace("a/Cargo.toml", "a/../../etc/Cargo.toml").replace("b/Cargo.toml", "b/../../etc/Cargo.toml"),
         "-p1 leaves nowhere"),
        (RELAX_LOG.replace("a/Cargo.toml", "a/sub/Cargo.toml").replace("b/Cargo.toml", "b/sub/Cargo.toml"),
         "the patch changes sub/Cargo.toml, which the crate does not have"),
    ],
    ids=["context differs", "hunk shorter than its header", "anchored at the end", "no directory to strip", "leaves the crate",
         "a file the crate lacks"],
)
def test_a_patch_that_cannot_apply_fails_naming_the_patch(tmp_path, diff, message):
    path = patch_file(tmp_path, diff)
    with pytest.raises(BuildsysError, match=message) as excinfo:
        patches.apply(crate(tmp_path), path)
    assert excinfo.value.path == str(path)


def test_patches_apply_in_order(tmp_path):
    root = crate(tmp_path)
    first = patch_file(tmp_path, RELAX_LOG, "1.diff")
    second = patch_file(tmp_path, RELAX_LOG.replace('-version = "0.4"\n+version = ">=0.3, <0.5"',
                                                    '-version = ">=0.3, <0.5"\n+version = "0.4.20"'), "2.diff")
    assert patches.apply_all(root, [first, second]) == ["Cargo.toml", "Cargo.toml"]
    assert 'version = "0.4.20"' in (root / "Cargo.toml").read_text()
