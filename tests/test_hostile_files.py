"""The hostile corpus (tests/hostile.py) against the reader, the command line and the store.

Each case ends one of two ways: refused with a named Chinese message and the store byte-identical,
or imported exactly. The crash cases also run as a real command in a process of their own, whose
exit code and peak memory (the whole process tree's) are what an operator would see.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import hostile
from wuxing.cli import main as cli
from wuxing.config import Settings
from wuxing.errors import ImportRejected
from wuxing.reading.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[1]
GIGABYTE = 1024 * 1024 * 1024


def refusal(content: bytes, name: str) -> tuple[str, str]:
    with pytest.raises(ImportRejected) as info:
        read_workbook(content, name, Settings())
    (problem,) = info.value.problems
    assert problem.is_error and problem.file == name
    return problem.code, problem.message


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (hostile.far_corner, ["XFD1048576"]),
        (hostile.far_edges, ["XFD1", "A1048576"]),
        (hostile.far_enough, ["ZZ100000"]),
    ],
)
def test_a_far_out_cell_is_refused_by_name_instead_of_building_the_grid(make, named) -> None:
    code, message = refusal(make(), "台账.xlsx")
    assert code == "file_too_many_cells"
    assert "指标" in message and "删除" in message
    for ref in named:
        assert ref in message


def test_an_ods_stretched_by_repeated_cells_is_refused() -> None:
    code, message = refusal(hostile.far_ods(), "台账.ods")
    assert code in {"file_too_many_cells", "file_corrupt"}
    assert "上传" in message


def test_the_cell_limit_is_a_setting() -> None:
    small = Settings(max_cells=100)
    with pytest.raises(ImportRejected) as info:
        read_workbook(hostile.million_rows_csv(rows=200), "a.csv", small)
    assert info.value.problems[0].code == "file_too_many_cells"
    (sheet,) = read_workbook(hostile.million_rows_csv(rows=10), "a.csv", small)
    assert len(sheet.rows) == 11


def test_a_web_page_saved_as_xls_says_what_it_is_and_how_to_save_it() -> None:
    code, message = refusal(hostile.web_page_as_xls(), "导出.xls")
    assert code == "file_web_page"
    assert "网页" in message and "另存为" in message and ".xlsx" in message


def test_an_xlsb_workbook_is_refused_with_how_to_save_it() -> None:
    code, message = refusal(hostile.xlsb(), "台账.xlsb")
    assert code == "file_not_spreadsheet"
    assert ".xlsb" in message and "另存为" in message


def test_a_zip_of_a_newer_version_is_called_damaged_not_a_crash() -> None:
    code, message = refusal(hostile.zip_from_the_future(), "台账.xlsx")
    assert code == "file_corrupt" and "重新保存" in message


def test_a_villages_sheet_with_a_repeated_name_column_is_checked_not_a_crash() -> None:
    from tests import builders as b
    from wuxing.reading.importer import parse_files

    content = b.xlsx({"村庄": [["乡镇", "村名", "村名"], ["马庄桥镇", "新村", "新村"]] * 2})
    result = parse_files([("村庄.xlsx", content)], b.known_dataset(), Settings())

    assert result.problems is not None  # reached the end: problems listed, no KeyError


def test_excels_unicode_text_is_read_exactly() -> None:
    grid = [["村代码", "村名", "数值"], ["010922104005", "金魏旧寨村", "12.5"]]
    (sheet,) = read_workbook(hostile.unicode_text(grid), "台账.txt", Settings())
    assert sheet.rows == grid


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("远角单元格.xlsx", hostile.far_corner()),
        ("远处备注.xlsx", hostile.far_edges()),
        ("多行.csv", hostile.million_rows_csv(rows=2_000)),
    ],
)
def test_a_refused_import_leaves_the_store_byte_identical(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sample_file: Path,
    name: str,
    content: bytes,
) -> None:
    # A lower cell limit, so that the CSV need not have a million rows to be refused (the command
    # line test below refuses the million rows at the default limit): what counts here is that
    # nothing is written.
    monkeypatch.setenv("WUXING_MAX_CELLS", "10000")
    path = tmp_path / "wuxing.sqlite"
    shutil.copyfile(sample_file, path)
    before = path.read_bytes()
    upload = tmp_path / name
    upload.write_bytes(content)

    code = cli.main(["import", str(upload), "--db", f"sqlite:///{path}", "--json"])

    payload = json.loads(capsys.readouterr().out)
    assert code == 1 and payload["stored"] is False
    assert [e["code"] for e in payload["errors"]] == ["file_too_many_cells"]
    assert path.read_bytes() == before


# The command is run by a small Python parent that reports the largest resident set of its
# process tree (Linux folds a reaped grandchild's peak into its parent's children figure).
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr, "peak": peak}))
"""


def test_the_command_line_refuses_crash_files_within_a_gigabyte(tmp_path: Path) -> None:
    # One command for the three files: each is read and refused on its own (the limit is per
    # file first), and the peak of the one process tree bounds what each file cost.
    names = ["远角单元格.xlsx", "ZZ100000.xlsx", "一百万行.csv"]
    uploads = []
    for name in names:
        uploads.append(tmp_path / name)
        uploads[-1].write_bytes(hostile.CORPUS[name]())
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    command = [
        sys.executable,
        "-m",
        "wuxing",
        "import",
        *map(str, uploads),
        "--dry-run",
        "--json",
        "--db",
        db,
    ]

    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], cwd=ROOT, capture_output=True, text=True
    )
    result = json.loads(measured.stdout)

    assert result["code"] == 1, result["err"]  # refused, not killed (134 = abort)
    errors = json.loads(result["out"])["errors"]
    assert [(e["file"], e["code"]) for e in errors] == [(n, "file_too_many_cells") for n in names]
    assert result["peak"] < GIGABYTE
    # The CSV is read row by row in the command's own process, up to the default limit; the
    # message says which limit and how to split the file.
    assert "5,000,000" in errors[2]["message"] and "拆成" in errors[2]["message"]


def test_files_that_fit_one_by_one_are_refused_together_past_the_cell_limit() -> None:
    from tests import builders as b
    from wuxing.reading.importer import parse_files

    files = [(f"{n}.csv", hostile.million_rows_csv(rows=15)) for n in ("甲", "乙")]
    result = parse_files(files, b.known_dataset(), Settings(max_cells=150))

    codes = [(p.code, p.file) for p in result.problems if p.is_error]
    assert ("file_too_many_cells", "乙.csv") in codes
