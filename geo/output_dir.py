"""The output folder, replaced as a whole: readers see the old outputs or the new ones, never a mix.

:func:`staged_output` gives a new, empty *staging* folder beside the output folder
(``OUT.geomap-tmp-<random>``, on the same file system). Everything a build writes
goes in there; when the ``with`` block ends without an error the staging folder
gets the marker file :data:`MARKER` and is swapped into place:

1. the old ``OUT`` is renamed to ``OUT.geomap-old-<random>``,
2. the staging folder is renamed to ``OUT``,
3. the old folder is renamed to ``OUT.geomap-del-<random>`` and deleted.

An error in the block (or in step 2) deletes the staging folder and leaves, or
puts back, the old ``OUT`` as it was. A run killed at any point leaves ``OUT``
complete (old or new), or, killed between steps 1 and 2, only the complete old
folder under its backup name: the next run puts it back before it starts, and
deletes the staging and deleted folders killed runs left. A folder still in use
by a running build is locked (``flock``) and left alone.

geomap replaces only folders it wrote (they hold :data:`MARKER`), empty ones and
missing ones; any other folder takes ``force=True`` (``geomap build --force``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .exc import OutputError

try:
    import fcntl
except ImportError:  # Windows: no locks; leftovers count as a killed run's
    fcntl = None

__all__ = ["MARKER", "MARKER_TEXT", "check_output_dir", "staged_output", "usual_permissions"]

#: The file that marks a folder as geomap's output, which a later build may replace.
MARKER = ".geomap-output"
#: What the marker file says (the same bytes on every run).
MARKER_TEXT = ("This folder was written by `geomap build`, which replaces it as a whole on every "
               "run:\nfiles added to it by hand are not kept.\n")
_STAGING, _BACKUP, _DELETED = ".geomap-tmp-", ".geomap-old-", ".geomap-del-"


def _target(out_dir: str | os.PathLike) -> Path:
    """``out_dir`` with symbolic links resolved: a link to the output folder stays a link."""
    target = Path(os.path.realpath(out_dir))
    if target.parent == target:
        raise OutputError(f"cannot replace {target} as the output folder; give a folder below it "
                          "with --out")
    return target


def _fail(out_dir, action: str, error: OSError) -> OutputError:
    return OutputError(f"cannot {action} {out_dir}: {error.strerror or error}; check that its parent "
                       "folder exists and is writable, or choose another --out")


@contextmanager
def _lock(folder: Path, *, wait: bool) -> Iterator[bool]:
    """Hold an exclusive lock on ``folder`` while in the block; yields False if another holds it."""
    if fcntl is None:
        yield True
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield False  # gone, or not ours to read: leave it
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        locked = True
    except BlockingIOError:
        locked = False
    try:
        yield locked
    finally:
        os.close(fd)  # which releases the lock


def _leftovers(target: Path, infix: str) -> list[Path]:
    """Folders beside ``target`` named ``<target name><infix>...``, the newest first."""
    prefix = target.name + infix
    found = []
    with suppress(OSError):
        for path in target.parent.iterdir():
            if path.name.startswith(prefix) and path.is_dir() and not path.is_symlink():
                with suppress(OSError):
                    found.append((path.stat().st_mtime_ns, path.name, path))
    return [path for *_, path in sorted(found, reverse=True)]


def _recover(target: Path) -> None:
    """Put back an output folder a killed run left under its backup name; delete other leftovers."""
    for backup in _leftovers(target, _BACKUP):
        with _lock(backup, wait=False) as mine:
            if not mine:
                continue  # a running build is swapping it out right now
            if not os.path.lexists(target):
                try:
                    os.rename(backup, target)
                except OSError as error:
                    raise OutputError(f"a killed run left the previous output in {backup} and it "
                                      f"cannot be put back ({error.strerror}); rename it to "
                                      f"{target} by hand") from error
                continue
            shutil.rmtree(backup, ignore_errors=True)
    for infix in (_STAGING, _DELETED):
        for leftover in _leftovers(target, infix):
            with _lock(leftover, wait=False) as mine:
                if mine:
                    shutil.rmtree(leftover, ignore_errors=True)


def _check(out_dir, target: Path, force: bool) -> None:
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise OutputError(f"--out {out_dir} is a file, not a folder; give a folder to write the "
                          "maps into")
    if force or (target / MARKER).is_file():
        return
    try:
        empty = next(target.iterdir(), None) is None
    except OSError as error:
        raise _fail(out_dir, "read", error) from error
    if not empty:
        raise OutputError(f"{out_dir} is not empty and was not written by geomap (it has no {MARKER} "
                          "file); geomap replaces its output folder as a whole, so give a new or empty "
                          "folder with --out, or add --force to replace this one and everything in it")


def check_output_dir(out_dir: str | os.PathLike, *, force: bool = False) -> None:
    """Raise :class:`~geo.exc.OutputError` unless geomap may replace ``out_dir``.

    It may when ``out_dir`` is missing, empty, holds :data:`MARKER` (geomap wrote it) or
    ``force`` is true; never when it is a file. Leftovers of killed runs beside it are
    cleared first (see the module's description), so the check sees the folder as it is.
    """
    target = _target(out_dir)
    _recover(target)
    _check(out_dir, target, force)


def _folder_mode(target: Path) -> int:
    """The old folder's permissions, or the usual ones for a new folder."""
    with suppress(OSError):
        return target.stat().st_mode & 0o7777
    return usual_permissions(0o777)


def usual_permissions(mode: int) -> int:
    """``mode`` (0o666 for a file, 0o777 for a folder) less the process's umask: what a new
    file or folder gets."""
    umask = os.umask(0)  # (the only way to read the umask: it is set back at once)
    os.umask(umask)
    return mode & ~umask


def _beside(target: Path, infix: str) -> Path:
    return target.with_name(target.name + infix + secrets.token_hex(4))


def _swap(staging: Path, target: Path) -> None:
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    backup = _beside(target, _BACKUP)
    with _lock(target, wait=True):  # so no other run takes the backup for a killed run's
        os.rename(target, backup)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(backup, target)
            raise
        deleted = _beside(target, _DELETED)
        try:
            os.rename(backup, deleted)
        except OSError:
            deleted = backup
    shutil.rmtree(deleted, ignore_errors=True)  # what is left is cleared by the next run


@contextmanager
def staged_output(out_dir: str | os.PathLike, *, force: bool = False) -> Iterator[Path]:
    """A new empty folder to write into, swapped in for ``out_dir`` when the block succeeds.

    Parameters
    ----------
    out_dir
        The output folder. Missing folders (and their parents) are created; symbolic links
        are followed, so a link to the folder stays one.
    force
        Replace ``out_dir`` even when it holds files and was not written by geomap.

    Yields
    ------
    Path
        The staging folder beside ``out_dir``. On leaving the block it gets :data:`MARKER`
        and replaces ``out_dir`` as a whole; an exception in the block deletes it and leaves
        ``out_dir`` untouched.

    Raises
    ------
    geo.exc.OutputError
        ``out_dir`` may not be replaced (see :func:`check_output_dir`) or cannot be written.

    Examples
    --------
    >>> out = Path(tempfile.mkdtemp()) / "maps"
    >>> with staged_output(out) as staging:
    ...     _ = (staging / "index.html").write_text("<p>new</p>")
    ...     out.exists()
    False
    >>> sorted(p.name for p in out.iterdir())
    ['.geomap-output', 'index.html']
    >>> shutil.rmtree(out.parent)
    """
    target = _target(out_dir)
    check_output_dir(out_dir, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=target.name + _STAGING, dir=target.parent))
    except OSError as error:
        raise _fail(out_dir, "create", error) from error
    try:
        with _lock(staging, wait=True):
            yield staging
            # The folder may have changed since the check: never swap out a stranger's files.
            _check(out_dir, target, force)
            try:
                (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
                os.chmod(staging, _folder_mode(target))
                _swap(staging, target)
            except OSError as error:
                raise _fail(out_dir, "replace", error) from error
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
