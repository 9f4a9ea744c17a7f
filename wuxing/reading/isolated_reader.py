"""The child process that reads a workbook's cells, under a memory cap the parent chooses.

Spreadsheet parsers build each sheet as a dense grid spanning its outermost cells, in native
memory: one value in A1 and one in XFD1048576 asks for 550 GB, and a failed native allocation
aborts the whole process. No Python check can catch that, so the parse runs here, in a process of
its own with an address-space limit: a hostile file can only end this child, never the server and
the other sessions on it.

Run as a script (`python -I isolated_reader.py MAX_CELLS MEMORY_MB`), the workbook's bytes on
stdin; it writes one pickled answer to stdout (see `read_cells`). It imports only the standard
library and python_calamine, so it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import io
import pickle
import resource
import sys


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


def _main() -> None:
    max_cells, memory_mb = int(sys.argv[1]), int(sys.argv[2])
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    content = sys.stdin.buffer.read()
    sys.stdout.buffer.write(pickle.dumps(read_cells(content, max_cells), protocol=5))


if __name__ == "__main__":
    _main()
