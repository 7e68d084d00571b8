"""Writing the rendered template where ``-o`` points, the way a careful shell user expects.

- ``-`` is standard output.
- A symlink is written through: its target gets the text, the link stays a link.
- A regular file (or a new one) is replaced atomically: the text goes to a temporary file in the
  target's own directory, which then replaces the target with ``os.replace``, so a failed run
  leaves the old file whole. An existing file keeps its mode (and owner, where allowed); a new
  one gets the umask's mode, as ``>`` in a shell gives it.
- A character device or FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written in
  place: replacing it with a file would break it, even as root, who is allowed to.
- Anything else (a directory, a block device, a socket) is refused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys

STDOUT = "-"


class OutputError(Exception):
    """The output cannot be written; the message names ``-o`` and the path."""


def write(path: str, text: str) -> None:
    """Write ``text`` to ``path`` (``-`` for standard output).

    Raises:
        OutputError: The path cannot be written; nothing was changed.
    """
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        current = os.stat(path)  # follows symlinks, including /dev/stdout's magic ones
    except FileNotFoundError:
        current = None
    except OSError as error:
        raise OutputError(f"-o {path}: {error.strerror}") from error
    try:
        if current is None or stat.S_ISREG(current.st_mode):
            _replace(os.path.realpath(path), text, current)
        elif stat.S_ISCHR(current.st_mode) or stat.S_ISFIFO(current.st_mode):
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(text)
        else:
            raise OutputError(f"-o {path}: {_kind(current.st_mode)}, not a file to write")
    except OSError as error:
        raise OutputError(f"-o {path}: {error.strerror or error}") from error


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _replace(target: str, text: str, current: os.stat_result | None) -> None:
    """Replace the regular file ``target`` (or create it) whole, or leave it as it was."""
    directory, name = os.path.split(target)
    data = text.encode("utf-8")
    for _ in range(100):
        temporary = os.path.join(directory, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            # 0o666 with O_CREAT: the kernel applies the umask, as a shell's ">" does.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 random names all taken
        raise OutputError(f"-o {target}: cannot create a temporary file beside it")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if current is not None:
                os.fchmod(stream.fileno(), stat.S_IMODE(current.st_mode))
                with contextlib.suppress(PermissionError):
                    os.fchown(stream.fileno(), current.st_uid, current.st_gid)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
