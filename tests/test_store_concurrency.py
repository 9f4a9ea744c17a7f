"""Two processes importing at the same time: different cells both land, the same cells never
silently overwrite (the later upload is refused with a clear message)."""

import multiprocessing

import pandas as pd
import pytest

from wuxing.config import Settings
from wuxing.dataset import Dataset
from wuxing.errors import ConflictError
from wuxing.reading import template
from wuxing.reading.importer import import_files
from wuxing.storage.store import open_store

VILLAGES = pd.DataFrame(
    [
        {"code": "410000000001", "name": "甲村", "town": "某镇", "county": "某县", "city": "某市"},
        {"code": "410000000002", "name": "乙村", "town": "某镇", "county": "某县", "city": "某市"},
    ]
)
A, B = VILLAGES["code"]


def _workbook(code: str, value: float) -> bytes:
    values = pd.DataFrame(
        [(code, "2023Q1", "volunteers", value)], columns=["code", "period", "indicator", "value"]
    )
    return template.write_workbook(Dataset.of(villages=VILLAGES, values=values))


def _import(url, name, content, barrier, results) -> None:  # noqa: ANN001
    """One importer process: read the store (its preview), wait for the other, then import."""
    store = open_store(url)
    known = store.load()
    barrier.wait(timeout=60)  # both have previewed the same version before either writes
    try:
        outcome = import_files(
            store,
            [(name, content)],
            user=name,
            settings=Settings(),
            checked_version=known.data_version,
        )
        results.put((name, "stored" if outcome.stored else str(outcome.result.errors)))
    except ConflictError as exc:
        results.put((name, f"conflict: {exc}"))
    finally:
        store.dispose()


def _race(url: str, files: dict[str, bytes]) -> dict[str, str]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(len(files)), ctx.Queue()
    procs = [
        ctx.Process(target=_import, args=(url, name, content, barrier, results))
        for name, content in files.items()
    ]
    for p in procs:
        p.start()
    out = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out


@pytest.fixture
def seeded(store):
    store.commit(Dataset.of(villages=VILLAGES), content=b"roster", filename="花名册", user="u")
    store.dispose()  # no pooled connection may cross the fork
    return store


def _volunteers(store) -> dict[str, float]:
    values = store.load().values
    return dict(zip(values["code"].astype(str), values["value"], strict=True))


def test_two_processes_importing_different_cells_both_land(seeded):
    out = _race(seeded.url, {"甲.xlsx": _workbook(A, 11.0), "乙.xlsx": _workbook(B, 22.0)})
    assert out == {"甲.xlsx": "stored", "乙.xlsx": "stored"}
    assert _volunteers(seeded) == {A: 11.0, B: 22.0}
    assert len(seeded.history()) == 3


def test_two_processes_importing_the_same_cells_never_lose_an_update_silently(seeded):
    out = _race(seeded.url, {"甲.xlsx": _workbook(A, 11.0), "乙.xlsx": _workbook(A, 99.0)})
    (winner,) = [name for name, result in out.items() if result == "stored"]
    (loser,) = [name for name in out if name != winner]
    assert out[loser].startswith("conflict: 未导入") and winner in out[loser]
    assert "请重新上传" in out[loser]
    assert _volunteers(seeded) == {A: 11.0 if winner == "甲.xlsx" else 99.0}
    assert len(seeded.history()) == 2
