import gc
import weakref
from dataclasses import replace

import pandas as pd
import pytest

from wuxing import memo
from wuxing.dataset import Dataset
from wuxing.memo import Memory, remembered
from wuxing.metrics import stars, villages
from wuxing.ui import loading

calls: list[tuple] = []


@remembered
def _total(ds: Dataset, indicator: str) -> pd.DataFrame:
    calls.append((id(ds), indicator))
    values = ds.values[ds.values["indicator"] == indicator]
    return pd.DataFrame({"total": [values["value"].sum()]})


def _dataset(value: float) -> Dataset:
    return Dataset.of(
        values=pd.DataFrame(
            {"code": ["A"], "period": ["2023Q1"], "indicator": ["income"], "value": [value]}
        )
    )


def test_a_dataset_answers_each_question_once():
    calls.clear()
    ds = _dataset(3.0)
    assert _total(ds, "income")["total"].iloc[0] == 3.0
    assert _total(ds, "income")["total"].iloc[0] == 3.0
    assert _total(ds, "toilets")["total"].iloc[0] == 0
    assert calls == [(id(ds), "income"), (id(ds), "toilets")]


def test_changed_data_is_asked_again():
    calls.clear()
    ds = _dataset(3.0)
    _total(ds, "income")
    changed = ds.with_frames(values=_dataset(5.0).values)
    assert _total(changed, "income")["total"].iloc[0] == 5.0
    assert len(calls) == 2
    assert len(replace(ds, data_version=9).memory) == 0


def test_a_caller_changing_its_answer_does_not_change_the_remembered_one():
    ds = _dataset(3.0)
    answer = _total(ds, "income")
    answer.loc[0, "total"] = 100.0
    assert _total(ds, "income")["total"].iloc[0] == 3.0


def test_an_unhashable_argument_is_an_error_not_a_silent_miss():
    @remembered
    def first(ds: Dataset, codes: list[str]) -> str:
        return codes[0]

    with pytest.raises(TypeError, match="must be hashable"):
        first(_dataset(1.0), ["B"])


def test_memory_drops_the_least_recently_used():
    memory = Memory(max_entries=2)
    memory.put("a", 1)
    memory.put("b", 2)
    assert memory.get("a") == (True, 1)
    memory.put("c", 3)
    assert memory.get("b") == (False, None)
    assert memory.get("a") == (True, 1)
    assert len(memory) == 2


def test_a_scoped_view_is_the_same_object_so_it_remembers_too(sample_dataset):
    area = villages.area_options(sample_dataset.villages)[-1]
    view = villages.scope(sample_dataset, area)
    assert villages.scope(sample_dataset, area) is view
    year = stars.latest_award_year(view)
    first = stars.level_distribution(view, year)
    assert len(view.memory) > 0
    pd.testing.assert_frame_equal(stars.level_distribution(view, year), first)


def test_memory_keeps_to_its_byte_budget():
    frame = pd.DataFrame({"x": range(1000)}, dtype="int64")  # 8,000 bytes of values
    memory = Memory(max_bytes=20_000)
    memory.put("a", frame)
    memory.put("b", frame)
    memory.put("c", frame)  # over budget: the least recently used goes
    assert memory.get("a") == (False, None)
    assert memory.get("c")[0]
    memory.put("huge", pd.DataFrame({"x": range(10_000)}))  # larger than the budget: not kept
    assert memory.get("huge") == (False, None) and memory.get("b")[0]


def test_a_dataset_is_freed_as_soon_as_nothing_refers_to_it():
    # No reference cycle through its memory: the app drops a data version's dataset from its
    # cache and expects the memory back at once, not at the next full garbage collection.
    ds = _dataset(1.0)
    assert villages.scope(ds, villages.ALL_AREAS) is ds
    _total(ds, "income")
    gone = weakref.ref(ds)
    gc.disable()
    try:
        del ds
        assert gone() is None
    finally:
        gc.enable()


def test_clear_forgets_every_answer():
    memory = Memory()
    memory.put("a", pd.DataFrame({"x": range(10)}))
    memory.clear()
    assert len(memory) == 0 and memory.get("a") == (False, None)
    memory.put("b", 1)
    assert memory.get("b") == (True, 1)


def test_sizes_count_text_and_what_containers_hold():
    names = [f"村庄名称{i:05d}" for i in range(10_000)]
    frame = pd.DataFrame({"name": names})
    assert memo.size_of(frame) > 10_000 * len(names[0])  # the text, not just its offsets
    labels = dict(zip(names, names, strict=True))
    assert memo.size_of(labels) > 2 * 10_000 * len(names[0])
    assert memo.size_of([frame, frame]) >= 2 * memo.size_of(frame)
    assert memo.size_of({"names": frame}) >= memo.size_of(frame)
    assert memo.size_of(_dataset(1.0)) >= memo.size_of(_dataset(1.0).values)


def test_a_new_data_version_frees_what_older_datasets_remembered(named_store):
    # Sessions that have not rerun yet may hold an older dataset (their last run's widget
    # callbacks keep the page's variables): its answers must not stay too.
    loading.dataset_at.clear()
    named_store.commit(_dataset(1.0), content=b"1", filename="1.xlsx", user="u")
    old = loading.dataset_at(named_store.url, named_store.data_version())
    stars.award_years(old)
    assert len(old.memory) > 0
    named_store.commit(_dataset(2.0), content=b"2", filename="2.xlsx", user="u")
    new = loading.dataset_at(named_store.url, named_store.data_version())
    assert new is not old and len(old.memory) == 0
    assert new.values["value"].tolist() == [2.0]
    assert loading.dataset_at(named_store.url, named_store.data_version()) is new
    loading.dataset_at.clear()


def test_older_datasets_only_garbage_cycles_hold_are_freed_before_a_load(named_store):
    # A closed session's state is such a cycle: freed at the next full collection only, which
    # at province scale let three datasets of ~400 MB pile up.
    loading.dataset_at.clear()
    gone = []
    gc.disable()
    try:
        for value in (1.0, 2.0, 3.0):
            named_store.commit(
                _dataset(value), content=str(value).encode(), filename="x.xlsx", user="u"
            )
            ds = loading.dataset_at(named_store.url, named_store.data_version())
            cycle = [ds]
            cycle.append(cycle)
            gone.append(weakref.ref(ds))
            del ds, cycle
        assert gone[0]() is None and gone[2]() is not None
    finally:
        gc.enable()
        loading.dataset_at.clear()
