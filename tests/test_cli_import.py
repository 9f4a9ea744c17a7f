from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests import builders as b
from wuxing.cli import main as cli
from wuxing.reading import template
from wuxing.samples import sample
from wuxing.storage.store import open_store


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


@pytest.fixture(scope="module")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "马庄桥镇.xlsx"
    template.write_workbook(sample.build(), path)
    return path


@pytest.fixture
def sample_file(tmp_path: Path, sample_workbook: Path) -> Path:
    """The sample as a workbook in this test's folder (written once per module, ~0.1 s)."""
    path = tmp_path / sample_workbook.name
    shutil.copyfile(sample_workbook, path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json_stores_one_revision(
    capsys: pytest.CaptureFixture[str], db: str, sample_file: Path
) -> None:
    code, out, _ = run(capsys, "import", str(sample_file), "--db", db, "--json", "--user", "张三")
    payload = json.loads(out)
    assert code == 0
    assert payload["ok"] is True and payload["revision"] == 1 and payload["stored"] is True
    assert payload["counts"]["values"] == 1975
    assert payload["errors"] == [] and payload["warnings"] == []
    code, out, _ = run(capsys, "history", "--db", db, "--json")
    (revision,) = json.loads(out)
    assert revision["user"] == "张三" and revision["filename"] == sample_file.name


def test_same_file_twice_changes_nothing(
    capsys: pytest.CaptureFixture[str], db: str, sample_file: Path
) -> None:
    run(capsys, "import", str(sample_file), "--db", db)
    code, out, _ = run(capsys, "import", str(sample_file), "--db", db, "--json")
    assert code == 0 and json.loads(out)["duplicate"] is True
    _, out, _ = run(capsys, "history", "--db", db, "--json")
    assert len(json.loads(out)) == 1


def test_rejected_file_exits_1_with_every_place(
    capsys: pytest.CaptureFixture[str], db: str, sample_file: Path, tmp_path: Path
) -> None:
    run(capsys, "import", str(sample_file), "--db", db)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        b.xlsx({"指标": [["村名", "季度", "卫生厕所改造（户）"], ["赵家庄", "2023Q1", -1]]})
    )
    code, out, _ = run(capsys, "import", str(bad), "--db", db, "--json")
    payload = json.loads(out)
    assert code == 1 and payload["ok"] is False and payload["revision"] is None
    assert {(e["code"], e["cell"]) for e in payload["errors"]} == {
        ("village_unknown", "A2"),
        ("negative_value", "C2"),
    }
    for error in payload["errors"]:
        assert set(error) == {"file", "sheet", "row", "column", "cell", "code", "message"}
        assert error["file"] == "bad.xlsx" and error["sheet"] == "指标" and error["row"] == 2
    _, out, _ = run(capsys, "history", "--db", db, "--json")
    assert len(json.loads(out)) == 1


def test_rejected_file_plain_output_explains_in_chinese(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    code, _, err = run(capsys, "import", str(bad), "--db", db)
    assert code == 1 and "file_empty" in err and "未导入" in err


def test_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str], db: str, sample_file: Path
) -> None:
    code, out, _ = run(capsys, "import", str(sample_file), "--db", db, "--dry-run", "--json")
    assert code == 0 and json.loads(out)["stored"] is False
    _, out, _ = run(capsys, "history", "--db", db, "--json")
    assert json.loads(out) == []


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    assert run(capsys, "import", "--db", db)[0] == 2
    assert run(capsys, "import", str(tmp_path / "missing.xlsx"), "--db", db)[0] == 2
    assert run(capsys, "rollback", "x", "--db", db)[0] == 2


def test_rollback_and_restore(
    capsys: pytest.CaptureFixture[str], db: str, sample_file: Path
) -> None:
    run(capsys, "import", str(sample_file), "--db", db)
    code, out, _ = run(capsys, "rollback", "1", "--db", db)
    assert code == 0 and "已撤销" in out
    _, out, _ = run(capsys, "history", "--db", db)
    assert "已撤销" in out
    _, out, _ = run(capsys, "export", "--db", db)
    assert out.strip().count("\n") == 0  # header only: nothing current
    assert run(capsys, "rollback", "1", "--db", db)[0] == 1
    assert run(capsys, "restore", "1", "--db", db)[0] == 0
    _, out, _ = run(capsys, "export", "--db", db)
    assert out.strip().count("\n") == 1975
    assert run(capsys, "rollback", "99", "--db", db)[0] == 1


def test_history_says_what_each_version_set_as_the_page_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The built-in store starts with the sample (its note shown, not "0 行"); an upload lists
    what it changed (new / changed / unchanged); times are Beijing time, as on 版本记录."""
    monkeypatch.setenv("WUXING_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WUXING_DB", raising=False)
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(
        b.xlsx({"指标": b.values_sheet([["南永固村", "马庄桥镇", "2024Q1", 15, 110, 90]])})
    )
    assert run(capsys, "import", str(ledger))[0] == 0
    code, out, _ = run(capsys, "history")
    newest, sample_line = out.strip().splitlines()
    assert code == 0
    assert newest.startswith("2\t") and newest.endswith("\t新增 3 项")
    assert sample_line.startswith("1\t") and sample_line.endswith("\t马庄桥镇示例数据（模拟数值）")
    assert "0 行" not in out


EVIL = '=HYPERLINK("http://evil","点我")'


def test_csv_export_guards_formula_text_and_reads_back_the_same(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = (f"sqlite:///{tmp_path / n}.sqlite" for n in ("first", "second"))
    names = [EVIL, "+甲村", "-乙村", "@丙村"]
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(
        b.xlsx(
            {
                "村庄": [
                    ["村代码", "村名", "乡镇", "片区"],
                    *[[f"41092210400{i}", n, "马庄桥镇", "=SUM(A1)"] for i, n in enumerate(names)],
                ],
                "指标": b.values_sheet(
                    [
                        [EVIL, "马庄桥镇", "2023Q1", -3.5, 100, 90],
                        ["-乙村", "马庄桥镇", "2023Q1", 12, 7, None],
                    ]
                ),
            }
        )
    )
    assert run(capsys, "import", str(ledger), "--db", first)[0] == 0
    exported = {}
    for what in ("villages", "values"):
        exported[what] = tmp_path / f"{what}.csv"
        assert (
            run(capsys, "export", "--db", first, "--what", what, "-o", str(exported[what]))[0] == 0
        )
    villages = pd.read_csv(exported["villages"], dtype=str, encoding="utf-8-sig")
    assert sorted(villages["village"]) == sorted(f"'{n}" for n in names)
    assert set(villages["cluster"]) == {"'=SUM(A1)"}
    values = pd.read_csv(exported["values"], dtype=str, encoding="utf-8-sig")
    income = values[values["indicator"] == "collective_income"].set_index("village")["value"]
    assert income.to_dict() == {f"'{EVIL}": "-3.5", "'-乙村": "12"}  # numbers stay unguarded

    code, out, _ = run(capsys, "import", *map(str, exported.values()), "--db", second, "--json")
    assert code == 0 and json.loads(out)["counts"]["villages"] == 4
    for what, path in exported.items():
        _, again, _ = run(capsys, "export", "--db", second, "--what", what)
        assert again == path.read_text(encoding="utf-8-sig")
    assert sorted(open_store(second).load().villages["name"]) == sorted(names)


def test_help_starts_without_loading_the_data_stack() -> None:
    # Subcommands import pandas, SQLAlchemy and the readers when they run, not for --help.
    probe = (
        "import sys, contextlib, io\n"
        "from wuxing.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['--help'])\n"
        "print(sorted(m for m in ('pandas', 'sqlalchemy', 'plotly', 'python_calamine') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_max_mb_lets_an_operator_import_a_file_over_the_upload_limit(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    sample_file: Path,
) -> None:
    monkeypatch.setenv("WUXING_MAX_UPLOAD_MB", "0.01")  # the sample workbook is ~40 KB
    code, _, err = run(capsys, "import", str(sample_file), "--db", db)
    assert code == 1 and "file_too_large" in err
    code, out, _ = run(capsys, "import", str(sample_file), "--db", db, "--max-mb", "5")
    assert code == 0 and "已导入：版本 1" in out


def test_the_template_for_the_coming_quarter_imports_once_filled(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """Issue 16 §1: `template --period 2024Q1` gives the 13 villages' rows, ready to fill."""
    import openpyxl

    from wuxing import catalog
    from wuxing.collation import pinyin_key

    store = open_store(db)
    sample.seed(store)
    path = tmp_path / "模板.xlsx"
    code, out, _ = run(capsys, "template", "--period", "2024Q1", "-o", str(path), "--db", db)
    assert code == 0 and "13 个村" in out
    book = openpyxl.load_workbook(path)
    sheet = book["指标"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    names = sorted(sample.VILLAGES, key=pinyin_key)
    assert [r[:3] for r in rows] == [(n, "马庄桥镇", "2024Q1") for n in names]
    headers = [c.value for c in sheet[1]]
    income = headers.index(template.value_header(catalog.INDICATOR_BY_ID["collective_income"]))
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        row[income].value = 10 + number  # the clerk fills in one indicator
    book.save(path)

    code, out, err = run(capsys, "import", str(path), "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["stored"] is True
    values = store.load().values
    stored = values[(values["period"] == "2024Q1") & (values["indicator"] == "collective_income")]
    by_name = dict(zip(store.load().villages["code"], store.load().villages["name"], strict=True))
    got = dict(zip(stored["code"].map(by_name), stored["value"], strict=True))
    assert got == {n: 10.0 + i for i, n in enumerate(names, start=1)}
    store.dispose()


@pytest.mark.parametrize(
    ("area", "rows"),
    [("马庄桥镇/赵家村", [("赵家村", "马庄桥镇", "2024Q1")]), ("清丰县/马庄桥镇", 13)],
)
def test_the_template_for_an_area_holds_its_villages_only(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, area: str, rows
) -> None:
    """A village secretary's template (`--area 马庄桥镇/赵家村`): its own row, nobody else's."""
    import openpyxl

    store = open_store(db)
    sample.seed(store)
    store.dispose()
    path = tmp_path / "模板.xlsx"
    code, out, err = run(
        capsys, "template", "--period", "2024Q1", "--area", area, "-o", str(path), "--db", db
    )
    assert code == 0, err
    got = [
        r[:3] for r in openpyxl.load_workbook(path)["指标"].iter_rows(min_row=2, values_only=True)
    ]
    assert got == rows if isinstance(rows, list) else len(got) == rows
    code, _, err = run(capsys, "template", "--area", "马庄桥镇/无此村", "-o", str(path), "--db", db)
    assert code == 2 and "没有找到地区“马庄桥镇 › 无此村”" in err


def test_sample_remove_takes_the_sample_out_and_keeps_the_villages_real_data_names(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    store = open_store(db)
    sample.seed(store)
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(
        b.xlsx({"指标": b.values_sheet([["南永固村", "马庄桥镇", "2024Q1", 15, 110, 90]])})
    )
    assert run(capsys, "import", str(ledger), "--db", db)[0] == 0
    code, out, _ = run(capsys, "sample", "--remove", "--db", db, "--user", "张三")
    assert code == 0 and "撤销了第 1 版" in out and "1 个村已另存为第 3 版" in out
    data = store.load()
    assert not data.is_sample and list(data.villages["name"]) == ["南永固村"]
    assert len(data.values) == 3
    assert "没有生效的示例数据" in run(capsys, "sample", "--remove", "--db", db)[1]
    assert run(capsys, "sample", "--db", db)[0] == 2  # neither -o nor --remove
    store.dispose()
