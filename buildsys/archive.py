"""A ``.crate`` read at spec parse time, before %prep has unpacked it.

Only the ``Cargo.toml`` files are needed with their contents (the crate's,
or a workspace's); every other file is laid down empty, because what
buildsys reads from them is that they exist (target discovery, %license and
%doc files)."""

from __future__ import annotations

import contextlib
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from buildsys.errors import BuildsysError

KEPT = ("Cargo.toml",)


def unpack_skeleton(archive: Path, dest: Path) -> Path:
    """The crate's directory tree under ``dest``; returns the crate's
    directory (the archive's single top-level directory)."""
    where = str(archive)
    try:
        tar = tarfile.open(archive, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise BuildsysError(f"cannot read the crate archive: {exc}", where) from None
    with tar:
        try:
            # links too: after %prep they are files of the crate as well
            members = [m for m in tar.getmembers() if m.isfile() or m.issym()]
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise BuildsysError(f"cannot read the crate archive: {exc}", where) from None
        tops = set()
        for member in members:
            path = PurePosixPath(member.name)
            # nothing may land outside dest, whatever the archive says
            if path.is_absolute() or ".." in path.parts or len(path.parts) < 2:
                raise BuildsysError(f"unsafe or unexpected path in the crate archive: {member.name!r}", where)
            tops.add(path.parts[0])
        if len(tops) != 1:
            raise BuildsysError(f"a crate archive holds one NAME-VERSION directory, this one {sorted(tops)}", where)
        top = tops.pop()
        for member in members:
            path = PurePosixPath(member.name)
            target = dest.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.name in KEPT and member.isfile():
                source = tar.extractfile(member)
                assert source is not None
                target.write_bytes(source.read())
            else:
                target.touch()
    crate = dest / top
    if not (crate / "Cargo.toml").is_file():
        raise BuildsysError(f"no {top}/Cargo.toml in the crate archive", where)
    return crate


@contextlib.contextmanager
def unpacked(archive: Path) -> Iterator[Path]:
    """The crate's skeleton in a temporary directory, for the time of the
    ``with``. An error about a file in it names the file inside the archive
    (``ARCHIVE:NAME-VERSION/Cargo.toml``), never the temporary path."""
    with tempfile.TemporaryDirectory(prefix="buildsys-crate-") as tmp:
        try:
            yield unpack_skeleton(archive, Path(tmp))
        except BuildsysError as exc:
            if exc.path is None or not exc.path.startswith(tmp + "/"):
                raise
            raise BuildsysError(exc.message, f"{archive}:{exc.path[len(tmp) + 1:]}") from None
