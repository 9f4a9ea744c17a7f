"""The reader server: every file parsed in a capped child, the server outliving the hostile ones."""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest

from tests import builders as b
from tests import hostile
from wuxing.config import Settings
from wuxing.errors import ImportRejected
from wuxing.reading.isolated_reader import IsolatedReader, Limits
from wuxing.reading.workbook import read_workbook

LIMITS = Limits(max_cells=5_000_000, memory_mb=1024, timeout_s=60)
LEDGER = b.xlsx({"表": [["村名", "集体收入（万元）"], ["金魏旧寨村", 12.5]]})


@pytest.fixture(scope="module")
def county() -> bytes:
    """40,000 cells: ~30 ms to parse, far past a microsecond even where the system's timer only
    ticks every few milliseconds."""
    return b.xlsx({"表": [[f"村{r}", *(r + c / 10 for c in range(7))] for r in range(5_000)]})


@pytest.fixture
def reader():
    own = IsolatedReader()
    yield own
    own.close()


def test_a_file_comes_back_cell_for_cell(reader: IsolatedReader) -> None:
    assert reader.read(LEDGER, LIMITS) == (
        "ok",
        [("表", [["村名", "集体收入（万元）"], ["金魏旧寨村", 12.5]])],
    )


def test_a_worker_ended_by_its_memory_cap_leaves_the_server_reading_the_next_file(
    reader: IsolatedReader,
) -> None:
    # A1 and XFD1048576: the parser asks for a 550 GB grid and aborts; only its worker ends.
    assert reader.read(hostile.far_corner(), LIMITS) == ("died",)
    assert reader.read(LEDGER, LIMITS)[0] == "ok"


def test_a_parse_past_its_time_is_ended_and_said_so(reader: IsolatedReader, county: bytes) -> None:
    # A microsecond cannot hold the parse, so the worker's clock always ends it first.
    assert reader.read(county, dataclasses.replace(LIMITS, timeout_s=1e-6)) == ("timeout",)
    assert reader.read(LEDGER, LIMITS)[0] == "ok"


def test_the_upload_past_its_time_gets_a_chinese_message_naming_the_limit(county: bytes) -> None:
    with pytest.raises(ImportRejected) as caught:
        read_workbook(county, "台账.xlsx", Settings(read_timeout_s=1e-6))
    (problem,) = caught.value.problems
    assert problem.code == "file_too_complex"
    assert "秒内没有读完" in problem.message and "另存为 .xlsx" in problem.message


def test_a_forked_copy_of_the_app_process_reads_through_a_server_of_its_own(
    reader: IsolatedReader,
) -> None:
    assert reader.read(LEDGER, LIMITS)[0] == "ok"
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # as a multiprocessing worker forked from the app would
        answer = reader.read(LEDGER, LIMITS)[0]
        os.write(write, answer.encode())
        reader.close()
        os._exit(0)
    os.close(write)
    assert os.read(read, 16) == b"ok"
    os.waitpid(child, 0)
    assert reader.read(LEDGER, LIMITS)[0] == "ok"


def test_a_server_that_was_ended_is_started_again(reader: IsolatedReader) -> None:
    before = set(_children())
    assert reader.read(LEDGER, LIMITS)[0] == "ok"
    (server,) = set(_children()) - before
    assert "isolated_reader" in _command(server)
    os.kill(server, signal.SIGKILL)  # as the system's out-of-memory killer would
    os.waitpid(server, 0)
    assert reader.read(LEDGER, LIMITS)[0] == "ok"


def _children() -> list[int]:
    # Children are listed per thread of this process: whichever thread runs the test started them.
    tasks = Path(f"/proc/{os.getpid()}/task").glob("*/children")
    return [int(pid) for task in tasks for pid in task.read_text().split()]


def _command(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
