"""Output files (bulletins, exports, templates, the workbook of an import's problems), written safely.

Every writer goes through `output_path` (is this a place a new file may go?) and `atomic_output`
(write beside the target, then rename): a full disk, a kill or an exception never leaves half a
workbook, and an existing file is replaced only when it is a regular file and `--force` was given.
The file gets the mode a newly created file would get (0666 less the umask), not the 0600 of a
temporary file. Permission and space errors become Chinese messages.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zhaoshang.errors import InputError


def output_path(
    path: str | Path, field: str, example: str, force: bool = False, suffix: str | tuple[str, ...] = ".xlsx"
) -> Path:
    """The path of a new output file, refused (in Chinese, naming `field`) where no file should be written.

    `example` is a command line that writes such a file, for the hints; `suffix` the file name's
    ending (the first of several is the one suggested)."""
    path = Path(path)
    suffixes = (suffix,) if isinstance(suffix, str) else suffix
    suffix = suffixes[0]
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise InputError(f"{field}：'{path}' 不是文件名", f"例如：{example}")
    if path.suffix.lower() not in suffixes:
        raise InputError(f"{field}：'{path.name}' 不是 {suffix} 文件名", f"例如：{example}")
    try:
        status = path.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _os_error(error, path, field) from None
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise InputError(
                f"{field}：'{path}' 是一个文件夹，不是文件", f"在文件夹中给出文件名，例如 {path / ('文件' + suffix)}"
            )
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"{field}：'{path}' 不是普通文件（设备、管道等），不会覆盖", "换一个文件名")
        if not force:
            raise InputError(f"{field}：文件已存在，不会覆盖：{path}", "换一个文件名，或加 --force 覆盖")
    if not path.parent.exists():
        raise InputError(f"{field}：文件夹不存在：{path.parent}", "先建好文件夹，或换一个路径")
    if not path.parent.is_dir():
        raise InputError(f"{field}：'{path.parent}' 不是文件夹", "换一个路径")
    return path


def new_file_mode() -> int:
    """0666 less the process's umask: the mode `open()` gives a new file."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _os_error(error: OSError, path: Path, field: str) -> InputError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return InputError(f"{field}：磁盘空间不足，无法写入 {path}", "清理磁盘空间，或换一个有空间的文件夹")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InputError(f"{field}：没有权限写入 {path}", "换一个可写的文件夹，或请管理员开放写权限")
    if error.errno == errno.EISDIR:
        return InputError(f"{field}：'{path}' 是一个文件夹，不是文件", "换一个文件名")
    return InputError(f"{field}：无法写入 {path}（{error.strerror or error}）", "检查路径和磁盘后重试")


@contextmanager
def atomic_output(path: Path, field: str) -> Iterator[Path]:
    """A temporary path beside `path` to write; renamed onto `path` when the block succeeds.

    The caller has checked `path` with `output_path`. On any failure the temporary file is removed
    and `path` is left as it was."""
    try:
        handle, name = tempfile.mkstemp(prefix=".zs-", suffix=path.suffix, dir=path.parent)
    except OSError as error:
        raise _os_error(error, path, field) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, new_file_mode())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _os_error(error, path, field) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
