"""Messages that tell the truth about the ledger file (issue 11), each in a real `zs` process:
a healthy ledger in a read-only folder, on a full disk or beside a stray `-journal` is not
"已损坏" and gets no hint to restore a backup over it; only a file that fails SQLite's
integrity check does. A pipe or a device as the ledger is refused at once; arguments the
locale cannot read are refused, naming them; a relative $ZS_DB says where it was looked for."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Zs, dump

RESTORE_HINT = "备份恢复"


def zs_process(*args: str | bytes, cwd: Path | None = None, env: dict | None = None, preexec_fn=None):
    """`zs ARGS…` as a user runs it: its own process, the locale's UTF-8 (PYTHONUTF8), no $ZS_DB unless given."""
    environment = {key: value for key, value in os.environ.items() if key not in ("ZS_DB", "ZS_ACTOR")}
    environment |= {"PYTHONUTF8": "1"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args],
        capture_output=True,
        cwd=cwd,
        env=environment,
        preexec_fn=preexec_fn,
        timeout=60,
    )


def stderr_of(result) -> str:
    return result.stderr.decode("utf-8")


def assert_refused_truthfully(result, *fragments: str) -> str:
    """Exit 2, a Chinese message with the fragments, no traceback, and neither "damaged" nor the restore hint."""
    stderr = stderr_of(result)
    assert result.returncode == 2, stderr
    assert stderr.startswith("错误：") and "Traceback" not in stderr, stderr
    for fragment in fragments:
        assert fragment in stderr, f"{fragment!r} not in {stderr!r}"
    assert "已损坏" not in stderr and RESTORE_HINT not in stderr, stderr
    return stderr


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    zs = Zs(tmp_path_factory.mktemp("files") / "ledger.sqlite")
    zs.ok("init")
    zs.ok("project", "add", "电池项目", "--unit", "开发区", "--amount", "1.2亿", "--code", "XM000001")
    return zs.db


@pytest.fixture
def ledger(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "账本"
    folder.mkdir()
    return Path(shutil.copy(template, folder / "招商.sqlite"))


def _without_file_permission_override():
    """Run as root, a process may write anywhere; drop the capabilities that allow it (Linux
    prctl PR_CAPBSET_DROP on CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, before exec), so that
    the folder's mode bites as it does for the bureau's clerks."""
    if os.geteuid() != 0:
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        pytest.skip("running as root where prctl is absent: a read-only folder cannot be simulated")

    def drop() -> None:
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP

    return drop


def test_a_healthy_ledger_in_a_read_only_folder_is_not_damaged(ledger: Path):
    before = ledger.read_bytes()
    drop = _without_file_permission_override()
    ledger.parent.chmod(0o555)
    try:
        write = zs_process("--db", str(ledger), "unit", "add", "新局", "--kind", "部门", preexec_fn=drop)
        read = zs_process("--db", str(ledger), "project", "list", preexec_fn=drop)
        init = zs_process("--db", str(ledger.parent / "新.sqlite"), "init", preexec_fn=drop)
    finally:
        ledger.parent.chmod(0o755)
    for result in (write, read):
        assert_refused_truthfully(result, "文件夹不可写", str(ledger.parent), "没有损坏")
    assert_refused_truthfully(init, "不可写")
    assert ledger.read_bytes() == before
    assert sorted(path.name for path in ledger.parent.iterdir()) == ["招商.sqlite"]


def test_a_read_only_ledger_file_can_be_read_but_not_written(ledger: Path):
    before = ledger.read_bytes()
    drop = _without_file_permission_override()
    ledger.chmod(0o444)
    try:
        write = zs_process("--db", str(ledger), "unit", "add", "新局", "--kind", "部门", preexec_fn=drop)
        read = zs_process("--db", str(ledger), "project", "show", "XM000001", preexec_fn=drop)
    finally:
        ledger.chmod(0o644)
    assert_refused_truthfully(write, "只读", str(ledger), "没有损坏")
    assert read.returncode == 0 and "电池项目" in read.stdout.decode("utf-8")
    assert ledger.read_bytes() == before


def _file_size_limit(limit: int):
    """A full disk, portably: the child may write no file beyond `limit` bytes (RLIMIT_FSIZE)."""

    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_writes


def test_a_full_disk_is_a_disk_error_and_the_ledger_stays_whole(ledger: Path):
    before = dump(ledger)
    note = "注" * 30_000  # ~90 KB of UTF-8: the write-ahead log must grow past the limit
    write = zs_process("--db", str(ledger), "project", "edit", "XM000001", "--note", note, preexec_fn=_file_size_limit(60_000))  # fmt: skip
    assert_refused_truthfully(write, "磁盘", str(ledger), "没有写入", "没有损坏")
    read = zs_process("--db", str(ledger), "project", "list", preexec_fn=_file_size_limit(10_000))
    assert_refused_truthfully(read, "磁盘")
    assert dump(ledger) == before
    verify = zs_process("--db", str(ledger), "audit", "verify")
    assert verify.returncode == 0, stderr_of(verify)


@pytest.mark.parametrize("content", ["a backup", b"junk\n"], ids=["a backup named -journal", "junk"])
def test_a_stray_journal_is_named_and_kept_and_the_ledger_is_not_damaged(ledger: Path, template: Path, content):
    journal = Path(f"{ledger}-journal")
    if content == "a backup":
        shutil.copy(template, journal)
    else:
        journal.write_bytes(content)
    before, kept = ledger.read_bytes(), journal.read_bytes()  # (a sqlite3 connection would delete the journal)
    stderr = assert_refused_truthfully(zs_process("--db", str(ledger), "project", "list"), str(journal), "没有损坏")
    assert ("SQLite 数据库" in stderr) == (content == "a backup")
    assert journal.read_bytes() == kept  # SQLite would have taken it for a log and deleted it
    assert ledger.read_bytes() == before
    journal.rename(f"{journal}.移开")  # as the hint says: then the ledger opens
    assert zs_process("--db", str(ledger), "project", "list").returncode == 0


def test_only_a_file_that_fails_the_integrity_check_is_called_damaged(ledger: Path):
    with ledger.open("r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\xff" * 4096 * 6)
    connection = sqlite3.connect(ledger)
    with pytest.raises(sqlite3.DatabaseError):  # SQLite itself finds the damage
        connection.execute("PRAGMA integrity_check").fetchall()
    connection.close()
    result = zs_process("--db", str(ledger), "project", "list")
    stderr = stderr_of(result)
    assert result.returncode == 2 and "账本文件已损坏" in stderr and RESTORE_HINT in stderr, stderr


def test_a_pipe_or_a_device_as_the_ledger_is_refused_at_once(tmp_path: Path):
    fifo = tmp_path / "管道"
    os.mkfifo(fifo)
    assert_refused_truthfully(zs_process("--db", str(fifo), "project", "list"), "不是普通文件", "命名管道")
    assert_refused_truthfully(zs_process("--db", os.devnull, "project", "list"), "不是普通文件", "字符设备")
    assert_refused_truthfully(zs_process("--db", str(fifo), "init"), "已存在")


def test_arguments_the_locale_cannot_read_are_refused_naming_them(ledger: Path):
    """`张三` typed in a GBK terminal on a UTF-8 system: the bytes d5 c5 c8 fd."""
    before = dump(ledger)
    gbk = "张三".encode("gbk")
    cases = [
        (("project", "add", gbk, "--unit", "开发区", "--amount", "1亿"), "第5个参数"),
        (("project", "show", gbk), "第5个参数"),
        (("project", "list", "--unit", gbk), "--unit 后面的参数"),
        (("--actor", gbk, "project", "list"), "--actor 后面的参数"),
    ]
    for args, name in cases:
        result = zs_process("--db", str(ledger), *args)
        assert_refused_truthfully(result, name, r"'\xd5\xc5\xc8\xfd'", "UTF-8")
    result = zs_process("--db", str(ledger), "unit", "list", env={"ZS_ACTOR": os.fsdecode(gbk)})
    assert_refused_truthfully(result, "环境变量 ZS_ACTOR")
    assert dump(ledger) == before


def test_a_relative_zs_db_says_where_it_looked_and_does_not_invite_init(ledger: Path, tmp_path: Path):
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    result = zs_process("project", "list", cwd=elsewhere, env={"ZS_DB": "招商.sqlite"})
    stderr = assert_refused_truthfully(result, "环境变量 ZS_DB", str(elsewhere / "招商.sqlite"), "绝对路径")
    assert "init" not in stderr
    assert zs_process("project", "list", cwd=ledger.parent, env={"ZS_DB": "招商.sqlite"}).returncode == 0
    default = zs_process("project", "list", cwd=elsewhere)
    assert_refused_truthfully(default, "没有用 --db", str(elsewhere / "zs.sqlite"))
    assert list(elsewhere.iterdir()) == []


def test_an_empty_db_option_never_falls_back_to_zs_sqlite(ledger: Path, tmp_path: Path):
    before = dump(ledger)
    result = zs_process("--db", "", "project", "add", "甲", "--unit", "开发区", "--amount", "1亿", cwd=tmp_path, env={"ZS_DB": str(ledger)})  # fmt: skip
    assert_refused_truthfully(result, "--db", "不能为空")
    assert not (tmp_path / "zs.sqlite").exists()
    assert dump(ledger) == before


def test_a_path_holding_question_marks_and_hashes_is_the_file_it_names(tmp_path: Path):
    zs = Zs(tmp_path / "台账?2024#1%20.sqlite")  # a URI would read `?` as a query and `#` as a fragment
    zs.ok("init")
    zs.ok("unit", "add", "新局", "--kind", "部门")
    assert "新局" in zs.ok("unit", "list")
    assert [path.name for path in tmp_path.iterdir() if not path.name.endswith(("-wal", "-shm"))] == [zs.db.name]
