"""The tarballs buildsys reads itself: the ``.crate`` at spec parse time,
before %prep has unpacked it, and a vendored application's ``cargo vendor``
tarball (buildsys.vendor). Every member of either is checked before anything
is written, and every way of failing to read one is a packager's error that
names the tarball.

Of a ``.crate`` only the ``Cargo.toml`` files are needed with their contents
(the crate's, or a workspace's); every other file is laid down empty,
because what buildsys reads from them is that they exist (target discovery,
%license and %doc files)."""

from __future__ import annotations

import contextlib
import lzma
import os
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, FrozenSet, Iterator, Optional, Tuple

from buildsys.errors import BuildsysError

KEPT = ("Cargo.toml",)
# A truncated compressed tarball ends in EOFError, a corrupt one in the
# decompressor's own error: none of them is an OSError or a TarError.
READ_ERRORS = (OSError, EOFError, tarfile.TarError, zlib.error, lzma.LZMAError)


@dataclass(frozen=True)
class Layout:
    """What a kind of tarball may hold: one top-level directory (``top``,
    when its name is fixed), under it members of the ``kinds`` allowed."""

    what: str  # "crate archive": how errors name the tarball
    shape: str  # the rule the packager is told when a path breaks it
    top: Optional[str]
    kinds: FrozenSet[str]  # of "file", "dir", "link"
    kinds_text: str


# links too: after %prep they are files of the crate as well
CRATE = Layout("crate archive", "a crate archive holds one NAME-VERSION directory", None,
               frozenset({"file", "dir", "link"}), "file, directory or link")


@dataclass(frozen=True)
class Member:
    """One entry of an archive that is safe to unpack."""

    parts: Tuple[str, ...]  # the path, never absolute, never with ".."
    kind: str
    info: tarfile.TarInfo


@dataclass(frozen=True)
class Checked:
    """An open tarball whose every member keeps to its layout."""

    tar: tarfile.TarFile
    where: str
    layout: Layout
    top: str
    members: Tuple[Member, ...]

    def data(self, member: Member) -> bytes:
        with reading(self.layout, self.where):
            source = self.tar.extractfile(member.info)
            assert source is not None
            return source.read()

    def write_tree(self, dest: Path, with_data: Callable[[Member], bool]) -> None:
        """Every member under ``dest``: the files ``with_data`` picks with
        their contents, the other files and the links as empty files."""
        made = set()  # a crate has hundreds of files in a few directories
        for member in self.members:
            target = dest.joinpath(*member.parts)
            directory = target if member.kind == "dir" else target.parent
            if directory not in made:
                directory.mkdir(parents=True, exist_ok=True)
                made.add(directory)
            if member.kind == "dir":
                continue
            if with_data(member):
                target.write_bytes(self.data(member))
            else:
                target.touch()


@contextlib.contextmanager
def reading(layout: Layout, where: str) -> Iterator[None]:
    """Read errors of the body as the packager's error about ``where``; only
    around reads, so that a full disk is not blamed on the tarball."""
    try:
        yield
    except READ_ERRORS as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BuildsysError(f"cannot read the {layout.what}: {reason}", where) from None


@contextlib.contextmanager
def checked(tarball: Path, layout: Layout) -> Iterator[Checked]:
    where = str(tarball)
    with reading(layout, where):
        tar = tarfile.open(tarball, "r:*")
    with tar:
        with reading(layout, where):
            infos = tar.getmembers()
        members = tuple(_member(info, layout, where) for info in infos)
        _no_clashes(members, layout, where)
        yield Checked(tar, where, layout, _top(members, layout, where), members)


def _kind(info: tarfile.TarInfo) -> Optional[str]:
    if info.isfile():
        return "file"
    if info.isdir():
        return "dir"
    if info.issym() or info.islnk():
        return "link"
    return None  # devices, fifos


def _member(info: tarfile.TarInfo, layout: Layout, where: str) -> Member:
    path = PurePosixPath(info.name)
    kind = _kind(info)
    # nothing may land outside the destination, whatever the tarball says;
    # a file belongs in the top directory, not beside it
    if path.is_absolute() or ".." in path.parts or not path.parts or (kind != "dir" and len(path.parts) < 2):
        raise BuildsysError(f"unsafe or unexpected path in the {layout.what}: {info.name!r}; {layout.shape}", where)
    if kind not in layout.kinds:
        raise BuildsysError(f"{info.name!r} in the {layout.what} is not a {layout.kinds_text}", where)
    return Member(path.parts, kind, info)


def _no_clashes(members: Tuple[Member, ...], layout: Layout, where: str) -> None:
    # "a" a file (or a link: laid down as a file) and "a/b", or "a" both a
    # file and a directory, would fail half-way through writing the tree
    files = {m.parts for m in members if m.kind != "dir"}
    for member in members:
        clash = next((member.parts[:end] for end in range(1, len(member.parts)) if member.parts[:end] in files), None)
        if clash is None and member.kind == "dir" and member.parts in files:
            clash = member.parts
        if clash is not None:
            raise BuildsysError(f"unsafe or unexpected path in the {layout.what}: {member.info.name!r} is "
                                f"under or at the file {'/'.join(clash)!r}", where)


def _top(members: Tuple[Member, ...], layout: Layout, where: str) -> str:
    tops = sorted({m.parts[0] for m in members})
    if not tops:
        raise BuildsysError(f"the {layout.what} is empty; {layout.shape}", where)
    if len(tops) != 1 or (layout.top is not None and tops != [layout.top]):
        raise BuildsysError(f"{layout.shape}; this one has {', '.join(t + '/' for t in tops)}", where)
    return tops[0]


def unpack_skeleton(archive: Path, dest: Path) -> Path:
    """The crate's directory tree under ``dest``; returns the crate's
    directory (the archive's single top-level directory)."""
    with checked(archive, CRATE) as tar:
        tar.write_tree(dest, lambda member: member.kind == "file" and member.parts[-1] in KEPT)
    crate = dest / tar.top
    if not (crate / "Cargo.toml").is_file():
        raise BuildsysError(f"no {tar.top}/Cargo.toml in the crate archive", str(archive))
    return crate


def _scratch() -> Optional[str]:
    """Where the skeleton goes: memory where the system has it (mock and
    koji chroots mount /dev/shm), since its hundreds of empty files are
    written at every parse of the spec and cost most of it on a busy disk;
    else the usual temporary directory."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


@contextlib.contextmanager
def unpacked(archive: Path) -> Iterator[Path]:
    """The crate's skeleton in a temporary directory, for the time of the
    ``with``. An error about a file in it names the file inside the archive
    (``ARCHIVE:NAME-VERSION/Cargo.toml``), never the temporary path."""
    with tempfile.TemporaryDirectory(prefix="buildsys-crate-", dir=_scratch()) as tmp:
        try:
            yield unpack_skeleton(archive, Path(tmp))
        except BuildsysError as exc:
            if exc.path is None or not exc.path.startswith(tmp + "/"):
                raise
            raise BuildsysError(exc.message, f"{archive}:{exc.path[len(tmp) + 1:]}") from None
