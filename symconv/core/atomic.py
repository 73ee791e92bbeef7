"""Atomic file writes: an output file is either the old file or the complete new one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from symconv.errors import SymconvError


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A failure at any point (including while writing) leaves an existing
    ``path`` byte-for-byte intact.  A folder that cannot be created or written
    is a :class:`SymconvError` naming the path.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    make_folder(path.parent, f"cannot write {path}")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise SymconvError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        # mkstemp makes the file private (0600); a report gets the mode open() would give it.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException as err:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise SymconvError(f"cannot write {path}: {err.strerror or err}") from None
        raise


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_folder(folder: Path, what: str) -> None:
    """Create ``folder`` (and its parents); a :class:`SymconvError` starting ``what`` if not.

    The message names the part of the path that is in the way: ``mkdir`` alone
    reports "File exists" when a parent folder is really a file.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        for part in (folder, *folder.parents):
            if part.exists() and not part.is_dir():
                raise SymconvError(f"{what}: {part} is a file, not a folder") from None
        raise SymconvError(f"{what}: {err.strerror or err}") from None
