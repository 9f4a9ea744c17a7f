"""Every page as a village account sees it (issue 17 §2): its village only, no neighbours."""

import json

import pytest

from tests.accounts import CHEAP_HASHER, PASSWORD, run_as
from tests.conftest import figures
from wuxing.samples import sample
from wuxing.ui import navigation

VILLAGE = "濮阳市/清丰县/马庄桥镇/赵家村"
NEIGHBOURS = [v for v in sample.VILLAGES if v != "赵家村"]
PAGES = [p.path for p in navigation.PAGES if p.role in ("viewer", "editor")]


pytestmark = pytest.mark.usefixtures("served_navigation")


@pytest.fixture
def secretary(named_sample_store, monkeypatch):
    """The sample township and 赵家村's secretary, an editor who may browse 赵家村 only."""
    monkeypatch.setenv("WUXING_PUBLIC_VIEW", "0")
    named_sample_store.add_account(
        "赵书记", CHEAP_HASHER.hash(PASSWORD), "editor", by="测试", area=VILLAGE
    )
    return named_sample_store


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_the_village_and_no_neighbour(secretary, path):
    at = run_as("赵书记", path)
    assert not at.exception
    assert at.selectbox(key="area").value == VILLAGE
    shown = [
        e.value
        for kind in ("markdown", "caption", "subheader", "info", "warning", "success", "metric")
        for e in getattr(at, kind)
    ]
    shown = [s for s in shown if "导师帮带" not in str(s)]  # 村庄档案 names its own pair: allowed
    shown += [d.value.to_string() for d in at.dataframe]
    shown.append(json.dumps(figures(at), ensure_ascii=False))
    text = " ".join(map(str, shown))
    assert not [v for v in NEIGHBOURS if v in text]
