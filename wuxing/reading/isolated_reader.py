"""Parsing a workbook in a process of its own, under a memory cap and a time limit.

Spreadsheet parsers build each sheet as a dense grid spanning its outermost cells, in native
memory: one value in A1 and one in XFD1048576 asks for 550 GB, and a failed native allocation
aborts the whole process. No Python check can catch that, so the parse runs in a child process
with an address-space limit: a hostile file can only end that child, never the server and the
other sessions on it.

Starting a Python with the parser for every file cost ~40 ms, twice a 500-village read. So each
app process starts one small reader server (this file run as a script: standard library and
python_calamine only, nothing of the app) the first time it reads a workbook, and the server
forks a fresh child per file (a round trip of ~5 ms with nothing to parse):

    app process ──(socket per file)──▶ server ─fork─▶ handler ─fork─▶ worker (capped, parses)

The handler waits for its worker and says how it ended when it ended badly (memory, time), since
a worker killed by its own limits cannot. The server ends when the app process closes the
control socket (at exit, or by dying).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

_LENGTH = struct.Struct("!Q")
_LIMITS = struct.Struct("!Qdd")


def read_cells(content: bytes, max_cells: int) -> tuple:
    """("ok", [(sheet, rows), …]) or ("too_many_cells", sheet, height, width, last_cell) or
    ("encrypted",) or ("corrupt",)."""
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(calamine.SheetTypeEnum.WorkSheet):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            # The native grid exists now (bounded by the memory cap); the Python lists that
            # to_python builds would cost as much again, so too large a grid stops here.
            if sheet.height * sheet.width > max_cells:
                return ("too_many_cells", meta.name, sheet.height, sheet.width, sheet.end)
            sheets.append((meta.name, sheet.to_python(skip_empty_area=False)))
    except calamine.PasswordError:
        return ("encrypted",)
    except Exception as error:  # noqa: BLE001 — any parser failure on foreign bytes is "corrupt"
        if "Cell limit exceeded" in str(error):  # calamine's own cap (ods): same as ours
            return ("too_many_cells", "", 0, 0, None)
        return ("corrupt",)
    return ("ok", sheets)


@dataclass(frozen=True)
class Limits:
    """What one parse may use: cells of the grids, address space (MB) and seconds."""

    max_cells: int
    memory_mb: float
    timeout_s: float


class IsolatedReader:
    """The app side: a reader server of this process, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # The pid that started the server: a forked copy of this process starts its own.
        self._owner = -1
        self._control: socket.socket | None = None
        self._server: subprocess.Popen | None = None

    def read(self, content: bytes, limits: Limits) -> tuple[Any, ...]:
        """The worker's answer (see `read_cells`), ("timeout",) or ("died",) when its memory cap
        ended it."""
        with self.start(content, limits) as pending:
            return pending.answer()

    def start(self, content: bytes, limits: Limits) -> PendingRead:
        """Hand the file to a worker and return at once: this process may work meanwhile."""
        mine, theirs = socket.socketpair()
        with theirs:
            self._hand_over(theirs)
        # The worker keeps its own time; this only guards against a wedged server.
        mine.settimeout(limits.timeout_s + 30)
        pending = PendingRead(mine)
        with contextlib.ExitStack() as on_failure:
            on_failure.push(pending)
            _send(mine, _LIMITS.pack(limits.max_cells, limits.memory_mb, limits.timeout_s))
            _send(mine, content)
            on_failure.pop_all()
        return pending

    def _hand_over(self, connection: socket.socket) -> None:
        with self._lock:
            if self._owner != os.getpid() or self._server is None:
                self._start()
            assert self._control is not None
            try:
                socket.send_fds(self._control, [b"r"], [connection.fileno()])
            except OSError:  # the server was ended (by the system's OOM killer, an operator …)
                self._start()
                socket.send_fds(self._control, [b"r"], [connection.fileno()])

    def _start(self) -> None:
        if self._control is not None:  # a server that ended, or a forked parent's: let it go
            self._control.close()
            if self._owner == os.getpid() and self._server is not None:
                self._server.wait()
        else:
            atexit.register(self.close)
        control, theirs = socket.socketpair()
        with theirs:
            self._server = subprocess.Popen(
                [sys.executable, "-I", __file__, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C in the terminal is for the app, not for it
            )
        self._control, self._owner = control, os.getpid()

    def close(self) -> None:
        """End the server after the files it is reading (a closed control socket tells it)."""
        with self._lock:
            if self._control is not None and self._owner == os.getpid():
                self._control.close()
                assert self._server is not None
                self._server.wait()
            self._control = self._server = None


class PendingRead:
    """A file a worker is parsing; `answer()` waits for what it found."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection

    def answer(self) -> tuple[Any, ...]:
        """As `IsolatedReader.read`."""
        try:
            return pickle.loads(_receive(self._connection))
        except TimeoutError:
            return ("timeout",)
        except EOFError:  # the server itself went down mid-read: the file's part is unknown
            return ("died",)

    def __enter__(self) -> PendingRead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._connection.close()


def _send(connection: socket.socket, data: bytes) -> None:
    connection.sendall(_LENGTH.pack(len(data)) + data)


def _receive(connection: socket.socket) -> bytes:
    header = _receive_exactly(connection, _LENGTH.size)
    return _receive_exactly(connection, _LENGTH.unpack(header)[0])


def _receive_exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the reader closed the connection early")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve(control: socket.socket) -> None:
    """Fork a handler for every connection the app hands over, until the app closes `control`."""
    handlers: set[int] = set()
    while True:
        message, fds, _flags, _address = socket.recv_fds(control, 1, 1)
        if not message:
            break
        connection = socket.socket(fileno=fds[0])
        pid = os.fork()
        if pid == 0:
            ended = 1
            try:
                control.close()
                _handle(connection)
                ended = 0
            finally:
                os._exit(ended)
        connection.close()
        handlers.add(pid)
        handlers -= {p for p in handlers if os.waitpid(p, os.WNOHANG)[0]}
    for pid in handlers:  # reaped, so their workers' peak memory counts for the app process
        os.waitpid(pid, 0)


def _handle(connection: socket.socket) -> None:
    """Read one request, parse it in a capped worker, and report a worker that did not answer."""
    limits = Limits(*_LIMITS.unpack(_receive(connection)))
    content = _receive(connection)
    worker = os.fork()
    if worker == 0:
        try:
            _work(connection, content, limits)
        finally:
            os._exit(1)  # _work ends with 0 once it has answered
    _pid, status = os.waitpid(worker, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        ended_by_clock = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM
        _send(connection, pickle.dumps(("timeout",) if ended_by_clock else ("died",)))


def _work(connection: socket.socket, content: bytes, limits: Limits) -> None:
    """The worker: caps itself, parses, answers, and ends without running any cleanup."""
    cap = int(limits.memory_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    # A native parser stuck in a loop never returns to Python: only the signal's default action
    # (ending the process) stops it.
    signal.setitimer(signal.ITIMER_REAL, limits.timeout_s)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # a parser's panic message on a hostile file is not the server's news
    answer = read_cells(content, limits.max_cells)
    signal.setitimer(signal.ITIMER_REAL, 0)
    _send(connection, pickle.dumps(answer, protocol=5))
    os._exit(0)


if __name__ == "__main__":
    # Run as `python -I isolated_reader.py FD`: FD is the control socket the app passed.
    import python_calamine  # noqa: F401 — loaded once here, so each forked worker has it

    _serve(socket.socket(fileno=int(sys.argv[1])))
    sys.exit(0)
